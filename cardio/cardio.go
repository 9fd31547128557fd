// Package cardio is the card side of OMS Desk: everything that talks to a chip card
// (or to something that behaves like one) lives below this directory, and nothing here
// knows about the GUI or PDFs.
//
// The one seam to hardware is [Transport]. The PC/SC implementation (package pcsc, the
// only importer of github.com/ebfe/scard), the in-process virtual card (package vcard)
// and recorded traces all satisfy it, so the same reading code runs against each.
package cardio

// Transport carries command APDUs to one card and brings the answers back.
//
// Transmit takes a complete command APDU (header, optional Lc/data, optional Le) and
// returns the complete response (data followed by SW1 SW2). It does no GET RESPONSE or
// Le retry itself: that is the job of package apdu, so that every transport behaves the
// same way a real T=0 or T=1 reader would.
//
// BeginTransaction and EndTransaction bracket a sequence of commands that must not be
// interleaved with another program's (ISO 7816 has one current-file state per card; a
// second reader program selecting a different DF in the middle of our read would make
// our READ BINARY return someone else's file).
type Transport interface {
	Transmit(command []byte) (response []byte, err error)
	BeginTransaction() error
	EndTransaction() error
}
