package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/vcard"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	verifyIssuer = "00 20 00 01 08 3132333435363738"
	createRoot   = "00 E0 00 00 14 6212 820138 83025000 8409666F6D735F726F6F74"
	wrongIssuer  = "00 20 00 01 08 3837363534333231"
)

func transmit(t *testing.T, c interface{ Transmit([]byte) ([]byte, error) }, cmd, want string) {
	t.Helper()
	resp, err := c.Transmit(mustHex(t, cmd))
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	if got := strings.ToUpper(hex.EncodeToString(resp)); got != want {
		t.Fatalf("%s → %s, want %s", cmd, got, want)
	}
}

// TestStateFile runs a blank card with --state logic: the file appears at once, follows
// every change (also one whose answer a power loss swallowed), and a restart picks the
// card up where it was.
func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "card.json")
	var saveErrs []error
	onErr := func(err error) { saveErrs = append(saveErrs, err) }
	o := vcard.BlankOptions{Serial: "11112222333344445555"}
	p, loaded, err := openBlank(path, o, onErr)
	if err != nil || loaded {
		t.Fatalf("new card: loaded %v, %v", loaded, err)
	}
	saved := func() *vcard.Card {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := vcard.Restore(data)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := saved().Serial(); got != o.Serial {
		t.Fatalf("saved serial %q", got)
	}
	transmit(t, p, wrongIssuer, "63C2")
	if tries, _, _ := saved().PINStatus(vcard.PINIssuer); tries != 2 {
		t.Fatalf("saved issuer tries %d, want 2", tries)
	}
	transmit(t, p, verifyIssuer, "9000")
	p.SetFaults(vcard.Faults{TearAfter: 1})
	if _, err := p.Transmit(mustHex(t, createRoot)); !errors.Is(err, vcard.ErrRemoved) {
		t.Fatalf("torn CREATE FILE: %v", err)
	}
	if lcs, ok := saved().Lifecycle(vcard.FIDRoot); !ok || lcs != vcard.LCSCreation {
		t.Fatal("the torn CREATE FILE is not in the state file")
	}
	before, _ := os.ReadFile(path)
	p.Reinsert()
	transmit(t, p, "00 A4 00 0C 02 3F00", "9000") // changes nothing: no save
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("a SELECT rewrote the state file")
	}

	// Restart: the flags for a new card are ignored, the saved card comes back.
	q, loaded, err := openBlank(path, vcard.BlankOptions{Serial: "99999999999999999999"}, onErr)
	if err != nil || !loaded {
		t.Fatalf("restart: loaded %v, %v", loaded, err)
	}
	if q.Serial() != o.Serial {
		t.Fatalf("restarted card serial %q", q.Serial())
	}
	transmit(t, q, "00 20 00 01", "63C3")
	transmit(t, q, verifyIssuer, "9000")
	transmit(t, q, createRoot, "6A89")
	if len(saveErrs) > 0 {
		t.Fatal(saveErrs)
	}

	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openBlank(path, o, onErr); err == nil {
		t.Fatal("a broken state file loaded")
	}
	if _, _, err := openBlank("", vcard.BlankOptions{Serial: "1"}, onErr); !errors.Is(err, vcard.ErrBadSerial) {
		t.Fatalf("bad serial: %v", err)
	}
}

func TestSaveFailureIsReported(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "card.json")
	var saveErrs []error
	p, _, err := openBlank(path, vcard.BlankOptions{}, func(err error) { saveErrs = append(saveErrs, err) })
	if err != nil {
		t.Fatal(err)
	}
	p.path = filepath.Join(dir, "missing", "card.json")
	transmit(t, p, wrongIssuer, "63C2")
	if len(saveErrs) != 1 {
		t.Fatalf("save errors %v", saveErrs)
	}
}

// fakeReader plays vpcd for one connection at a time.
type fakeReader struct {
	ln   net.Listener
	conn net.Conn
}

func (f *fakeReader) accept(t *testing.T) {
	t.Helper()
	c, err := f.ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	f.conn = c
}

// send frames an APDU and returns the answer, or nil when the card hung up.
func (f *fakeReader) send(t *testing.T, apdu []byte) []byte {
	t.Helper()
	f.conn.SetDeadline(time.Now().Add(5 * time.Second))
	msg := binary.BigEndian.AppendUint16(nil, uint16(len(apdu)))
	if _, err := f.conn.Write(append(msg, apdu...)); err != nil {
		t.Fatal(err)
	}
	var hdr [2]byte
	if _, err := io.ReadFull(f.conn, hdr[:]); err != nil {
		return nil
	}
	resp := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(f.conn, resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestBlankBehindVPCD drives the holder as the stdin commands do: a blank card behind a
// fake vpcd loses power mid-personalisation ("tear 2"), leaves the reader, and
// "insert" brings the same card back with the torn APDU's effect and no verified PIN.
func TestBlankBehindVPCD(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := &fakeReader{ln: ln}
	var out, errOut bytes.Buffer
	h := &holder{addr: ln.Addr().String(), out: &out, errOut: &errOut, tr: i18n.MustLoad(i18n.English)}
	path := filepath.Join(t.TempDir(), "card.json")
	if err := h.loadBlank(&options{blank: true, seed: "rig-1", state: path}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), vcard.SerialFromSeed("rig-1")) {
		t.Fatalf("stderr %q does not name the serial", errOut.String())
	}
	ctx := context.Background()
	if h.command(ctx, "insert", &errOut) {
		t.Fatal("insert quit")
	}
	r.accept(t)
	if h.command(ctx, "tear 2", &errOut) || !strings.Contains(out.String(), "2 more APDUs") {
		t.Fatalf("tear: %q %q", out.String(), errOut.String())
	}
	if got := r.send(t, mustHex(t, verifyIssuer)); !bytes.Equal(got, []byte{0x90, 0}) {
		t.Fatalf("VERIFY: % X", got)
	}
	if got := r.send(t, mustHex(t, createRoot)); got != nil {
		t.Fatalf("CREATE FILE answered % X despite the power loss", got)
	}
	select {
	case <-h.done():
	case <-time.After(5 * time.Second):
		t.Fatal("the link did not end")
	}
	h.link = nil // as run's loop does when the card leaves
	r.conn.Close()
	if h.command(ctx, "insert", &errOut) {
		t.Fatal("insert quit")
	}
	r.accept(t)
	if got := r.send(t, mustHex(t, "00 20 00 01")); !bytes.Equal(got, []byte{0x63, 0xC3}) {
		t.Fatalf("VERIFY status after reinsertion: % X", got)
	}
	if got := r.send(t, mustHex(t, "00 A4 04 0C 09 666F6D735F726F6F74")); !bytes.Equal(got, []byte{0x90, 0}) {
		t.Fatalf("the torn CREATE FILE is lost: % X", got)
	}
	h.remove()
	r.conn.Close()
	c, _, err := openBlank(path, vcard.BlankOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lcs, ok := c.Lifecycle(vcard.FIDRoot); !ok || lcs != vcard.LCSCreation {
		t.Fatal("state file without foms_root")
	}
}

func TestFlagsNeedBlank(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--lang", "en", "--state", "x.json"}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut.String(), "need -blank") {
		t.Fatalf("stderr %q", errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"--lang", "en", "--blank", "--serial", "12"}, strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "20 digits") {
		t.Fatalf("bad serial: exit %d %q", code, errOut.String())
	}
}
