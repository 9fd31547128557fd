// Package atr decodes a smart card's Answer-To-Reset (ISO/IEC 7816-3 §8) and looks it up
// in the list of known cards that pcsc-tools ships.
//
// OMS Desk shows the ATR to technicians (which chip, which protocol, is the checksum
// right) and the reading code consults one fact from it: whether the card announces
// extended Lc/Le fields in its historical bytes (ISO/IEC 7816-4 §8.1.1.2.7). The
// application itself is always found by SELECT, never by ATR, because OMS cards come from
// several chip vendors with different ATRs.
//
// The parser treats its input as hostile: every read is bounds-checked, structural
// faults are returned as a [*ParseError] wrapping one of the exported sentinels, and
// softer faults (a wrong TCK, bytes after the end, malformed historical bytes) are
// reported in the [ATR] value instead, so that a slightly odd card can still be shown.
package atr

import (
	"errors"
	"fmt"
	"slices"
)

// Initial character TS (ISO/IEC 7816-3 §8.1), as delivered by the reader after it has
// applied the convention.
const (
	TSDirect  byte = 0x3B // direct convention: high level is 1, LSB first
	TSInverse byte = 0x3F // inverse convention: low level is 1, MSB first
)

// MaxLen is the longest possible ATR: TS followed by at most 32 characters
// (ISO/IEC 7816-3 §8.2.1). PC/SC's MAX_ATR_SIZE is the same 33.
const MaxLen = 33

// Presence bits Y in the high nibble of T0 and of every TDi (ISO/IEC 7816-3 §8.2.2,
// §8.2.3): each set bit announces the next interface byte of the following group.
const (
	yTA = 0x10
	yTB = 0x20
	yTC = 0x40
	yTD = 0x80
)

// Protocol types T in the low nibble of TDi (ISO/IEC 7816-3 §8.2.3).
const (
	ProtocolT0     = 0  // half-duplex character protocol (§10)
	ProtocolT1     = 1  // half-duplex block protocol (§11)
	ProtocolGlobal = 15 // T=15 is not a protocol: it qualifies global interface bytes (§8.3)
)

// Defaults that apply when the corresponding interface byte is absent.
const (
	defaultFI   = 1  // TA1 absent: Fi = 372, f(max) = 5 MHz (ISO/IEC 7816-3 §8.3)
	defaultDI   = 1  // TA1 absent: Di = 1 (§8.3)
	defaultWI   = 10 // TC2 absent: WI = 10 for T=0 (§10.2)
	defaultIFSC = 32 // no TA for T=1: IFSC = 32 (§11.4.2)
	defaultBWI  = 4  // no TB for T=1: BWI = 4 (§11.4.3)
	defaultCWI  = 13 // no TB for T=1: CWI = 13 (§11.4.3)
)

// Sentinel errors for structurally broken ATRs. Parse returns them wrapped in a
// [*ParseError]; match them with errors.Is.
var (
	ErrTooShort  = errors.New("ATR too short")                // fewer than 2 bytes (TS and T0)
	ErrTooLong   = errors.New("ATR longer than 33 bytes")     // ISO/IEC 7816-3 §8.2.1
	ErrBadTS     = errors.New("invalid initial character TS") // neither 3B nor 3F
	ErrTruncated = errors.New("ATR truncated")                // announced interface or historical bytes missing
)

// ParseError reports a structural fault at a byte offset of the ATR (0 is TS).
type ParseError struct {
	Offset int    // offset of the byte that is wrong or missing
	Err    error  // one of the sentinels above
	Detail string // what was expected there, e.g. "TD2"
}

// Error describes the fault, e.g. "ATR truncated at byte 5 (TD2)".
func (e *ParseError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%v at byte %d", e.Err, e.Offset)
	}
	return fmt.Sprintf("%v at byte %d (%s)", e.Err, e.Offset, e.Detail)
}

// Unwrap returns the sentinel so that errors.Is works.
func (e *ParseError) Unwrap() error { return e.Err }

// ATR is a decoded Answer-To-Reset. Byte slices are [Hex] so that JSON shows them as
// "3B F7 13"; they convert freely to []byte.
type ATR struct {
	Raw        Hex    `json:"raw"`        // the input, unchanged
	TS         byte   `json:"ts"`         // initial character
	Convention string `json:"convention"` // "direct" (3B) or "inverse" (3F)
	T0         byte   `json:"t0"`         // format byte: Y1 in the high nibble, K in the low
	K          int    `json:"k"`          // number of historical bytes announced by T0

	// Interface holds every group of interface bytes, group i holding TAi, TBi, TCi, TDi.
	Interface []InterfaceGroup `json:"interface"`
	// Protocols lists the transmission protocols offered, in the order of the TD bytes,
	// without duplicates and without T=15. It is [0] when no TD byte names a protocol.
	Protocols []int `json:"protocols"`

	// Fi and Di are the clock rate conversion and baud rate adjustment factors from TA1
	// (ISO/IEC 7816-3 §8.3, tables 7 and 8), 372 and 1 when TA1 is absent, 0 when the
	// TA1 nibble is RFU. FMaxMHz is the maximum clock frequency that goes with Fi.
	Fi      int     `json:"fi"`
	Di      int     `json:"di"`
	FMaxMHz float64 `json:"fmax_mhz"`
	// CyclesPerETU is Fi/Di, the number of clock cycles per bit; MaxBitRate is the bit
	// rate at f(max). Both are 0 when Fi or Di is RFU.
	CyclesPerETU float64 `json:"cycles_per_etu"`
	MaxBitRate   int     `json:"max_bit_rate"`

	// ExtraGuardTime is N from TC1 (ISO/IEC 7816-3 §8.3), 0 when absent; 255 means the
	// minimum character distance (12 ETU for T=0, 11 ETU for T=1).
	ExtraGuardTime int `json:"extra_guard_time"`
	// VPP is the programming voltage information of TB1/TB2, deprecated since
	// ISO/IEC 7816-3:2006; nil when neither is present.
	VPP *VPP `json:"vpp,omitempty"`
	// SpecificMode is decoded from TA2; nil means the card is in negotiable mode.
	SpecificMode *SpecificMode `json:"specific_mode,omitempty"`
	// WI is the T=0 waiting integer from TC2 (ISO/IEC 7816-3 §10.2), 10 when absent.
	WI int `json:"wi"`
	// T1 holds the T=1 parameters; nil when T=1 is not offered.
	T1 *T1Params `json:"t1,omitempty"`
	// Global holds the T=15 global bytes; nil when no TD byte indicates T=15.
	Global *GlobalParams `json:"global,omitempty"`

	// Historical holds the K historical bytes (ISO/IEC 7816-4 §8.1.1), HistoricalASCII
	// their printable rendering ('.' for other bytes).
	Historical      Hex    `json:"historical"`
	HistoricalASCII string `json:"historical_ascii"`
	// Category is the first historical byte (0 when there are none): 00 and 80 announce
	// compact-TLV objects, 10 a DIR data reference, 81–8F are RFU, the rest proprietary.
	Category byte `json:"category"`
	// HistoricalTLV holds the compact-TLV objects when Category is 00 or 80.
	HistoricalTLV []CompactTLV `json:"historical_tlv,omitempty"`
	// DIRReference is the byte after a category 10.
	DIRReference *byte `json:"dir_reference,omitempty"`
	// Status is the status indicator: the last three historical bytes under category 00,
	// or a compact-TLV tag 8 object under category 80.
	Status *StatusIndicator `json:"status,omitempty"`
	// Capabilities is the decoded card capabilities object (compact-TLV tag 7).
	Capabilities *CardCapabilities `json:"capabilities,omitempty"`
	// ExtendedLength reports the "extended Lc and Le fields" bit of the third card
	// capabilities byte (ISO/IEC 7816-4 §8.1.1.2.7, table 88). False when not announced.
	ExtendedLength bool `json:"extended_length"`
	// HistoricalError explains why compact-TLV decoding stopped early; the objects decoded
	// before the fault are kept.
	HistoricalError string `json:"historical_error,omitempty"`

	// TCKRequired is true when a TD byte indicates a protocol other than T=0
	// (ISO/IEC 7816-3 §8.2.5). TCK is the check byte when present.
	TCKRequired bool  `json:"tck_required"`
	TCK         *byte `json:"tck,omitempty"`
	// TCKValid reports whether the TCK rule holds: when TCK is required it is present and
	// the XOR of T0 through TCK is 0; when it is not required it is true.
	TCKValid bool `json:"tck_valid"`
	// Extra holds bytes after the end the structure announces (after TCK, or after the
	// historical bytes when no TCK is required).
	Extra Hex `json:"extra,omitempty"`
}

// InterfaceGroup is one group i of interface bytes (ISO/IEC 7816-3 §8.2.3). Absent bytes
// are nil.
type InterfaceGroup struct {
	Index int `json:"index"` // i, from 1
	// AfterT is the protocol type indicated by TD(i−1), which says what TAi, TBi and TCi
	// mean for i ≥ 3; nil for group 1.
	AfterT *int  `json:"after_t,omitempty"`
	TA     *byte `json:"ta,omitempty"`
	TB     *byte `json:"tb,omitempty"`
	TC     *byte `json:"tc,omitempty"`
	TD     *byte `json:"td,omitempty"`
}

// VPP is the programming voltage and current of TB1/TB2 (ISO/IEC 7816-3:1997 §6.5.3,
// deprecated since 2006: cards should not send them and readers ignore them).
type VPP struct {
	// Connected is false when TB1 announces PI1 = 0 (VPP not connected).
	Connected bool `json:"connected"`
	PI1Volts  int  `json:"pi1_volts,omitempty"` // TB1 bits 5–1, 5 to 25 V
	// IMilliamps is the maximum programming current of TB1 bits 7–6: 25, 50 or 100 mA,
	// 0 when RFU.
	IMilliamps int `json:"i_milliamps,omitempty"`
	// PI2Decivolts is TB2, which supersedes PI1 (50 to 250, in 0.1 V); nil when absent.
	PI2Decivolts *int `json:"pi2_decivolts,omitempty"`
}

// SpecificMode is TA2 (ISO/IEC 7816-3 §8.3): its presence means the card is in specific
// mode and will run Protocol right after the ATR.
type SpecificMode struct {
	Protocol int `json:"protocol"` // bits 4–1
	// CanChange is true when bit 8 is 0: the card can switch to negotiable mode on a
	// warm reset.
	CanChange bool `json:"can_change"`
	// ImplicitFiDi is true when bit 5 is 1: Fi/Di are defined implicitly, not by TA1.
	ImplicitFiDi bool `json:"implicit_fi_di"`
}

// T1Params are the T=1 parameters: the first TAi, TBi and TCi (i ≥ 3) that follow a TD
// indicating T=1 (ISO/IEC 7816-3 §11.4). Absent bytes leave the defaults in place.
type T1Params struct {
	IFSC int `json:"ifsc"` // information field size of the card, 32 by default (§11.4.2)
	BWI  int `json:"bwi"`  // block waiting integer, 4 by default (§11.4.3)
	CWI  int `json:"cwi"`  // character waiting integer, 13 by default (§11.4.3)
	// EDC is the error detection code: "LRC" (default, TC bit 1 = 0) or "CRC" (§11.4.4).
	EDC string `json:"edc"`
}

// GlobalParams are the global interface bytes qualified by T=15 (ISO/IEC 7816-3 §8.3):
// the first TAi (clock stop and class indicator) and TBi (use of C6) with i ≥ 3.
type GlobalParams struct {
	// ClockStop is the clock stop indicator X: "not supported", "state L", "state H" or
	// "no preference"; empty when the TA byte is absent.
	ClockStop string `json:"clock_stop,omitempty"`
	// Classes are the operating conditions the card accepts (class indicator U);
	// when the TA byte is absent only class A is assumed (§6.2.4).
	Classes []Class `json:"classes"`
	// SPU is the TB byte (standard or proprietary use of contact C6); nil when absent.
	SPU *byte `json:"spu,omitempty"`
}

// Class is one class of operating conditions (ISO/IEC 7816-3 §5.1.3).
type Class struct {
	Name  string  `json:"name"`  // "A", "B" or "C"
	Volts float64 `json:"volts"` // nominal supply voltage: 5, 3 or 1.8
}

// Clock rate conversion factor Fi and f(max) in MHz, indexed by the high nibble of TA1
// (ISO/IEC 7816-3 §8.3, table 7). Zero marks RFU.
var (
	fiTable   = [16]int{372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0}
	fmaxTable = [16]float64{4, 5, 6, 8, 12, 16, 20, 0, 0, 5, 7.5, 10, 15, 20, 0, 0}
	// Baud rate adjustment factor Di, indexed by the low nibble of TA1 (table 8).
	diTable = [16]int{0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0}
)

// Clock stop indicator X, bits 8–7 of the first TA for T=15 (ISO/IEC 7816-3 §8.3).
var clockStopNames = [4]string{"not supported", "state L", "state H", "no preference"}

// Class indicator U, bits 6–1 of the first TA for T=15 (ISO/IEC 7816-3 §8.3, table 10).
var classBits = []struct {
	bit   byte
	class Class
}{
	{0x01, Class{"A", 5}},
	{0x02, Class{"B", 3}},
	{0x04, Class{"C", 1.8}},
}

// Programming current II of TB1 bits 7–6 (ISO/IEC 7816-3:1997), 0 for RFU.
var iiMilliamps = [4]int{25, 50, 100, 0}

// Parse decodes an ATR. It returns a [*ParseError] wrapping [ErrTooShort], [ErrTooLong],
// [ErrBadTS] or [ErrTruncated] when the structure is broken; a wrong or missing TCK,
// trailing bytes and malformed historical bytes are reported in the result instead.
func Parse(b []byte) (*ATR, error) {
	if len(b) < 2 {
		return nil, &ParseError{Offset: len(b), Err: ErrTooShort, Detail: "need TS and T0"}
	}
	if len(b) > MaxLen {
		return nil, &ParseError{Offset: MaxLen, Err: ErrTooLong, Detail: fmt.Sprintf("%d bytes", len(b))}
	}
	a := &ATR{Raw: append(Hex(nil), b...), TS: b[0], T0: b[1], K: int(b[1] & 0x0F)}
	switch a.TS {
	case TSDirect:
		a.Convention = "direct"
	case TSInverse:
		a.Convention = "inverse"
	default:
		return nil, &ParseError{Offset: 0, Err: ErrBadTS, Detail: fmt.Sprintf("%02X", a.TS)}
	}

	pos, err := a.parseInterface(b)
	if err != nil {
		return nil, err
	}
	if pos+a.K > len(b) {
		return nil, &ParseError{Offset: len(b), Err: ErrTruncated,
			Detail: fmt.Sprintf("%d historical bytes announced, %d present", a.K, len(b)-pos)}
	}
	a.Historical = append(Hex{}, b[pos:pos+a.K]...)
	pos += a.K

	if a.TCKRequired {
		if pos < len(b) {
			tck := b[pos]
			a.TCK = &tck
			var x byte
			for _, c := range b[1 : pos+1] {
				x ^= c
			}
			a.TCKValid = x == 0
			pos++
		}
	} else {
		a.TCKValid = true
	}
	if pos < len(b) {
		a.Extra = append(Hex{}, b[pos:]...)
	}

	a.decodeGlobal()
	a.decodeHistorical()
	return a, nil
}

// parseInterface reads the interface byte groups that start at b[2] and returns the
// offset of the first historical byte.
func (a *ATR) parseInterface(b []byte) (int, error) {
	pos := 2
	y := a.T0 & 0xF0
	var afterT *int
	for i := 1; ; i++ {
		g := InterfaceGroup{Index: i, AfterT: afterT}
		for _, f := range []struct {
			bit  byte
			name string
			dst  **byte
		}{{yTA, "TA", &g.TA}, {yTB, "TB", &g.TB}, {yTC, "TC", &g.TC}, {yTD, "TD", &g.TD}} {
			if y&f.bit == 0 {
				continue
			}
			if pos >= len(b) {
				return 0, &ParseError{Offset: pos, Err: ErrTruncated, Detail: fmt.Sprintf("%s%d", f.name, i)}
			}
			v := b[pos]
			*f.dst = &v
			pos++
		}
		a.Interface = append(a.Interface, g)
		if g.TD == nil {
			break
		}
		t := int(*g.TD & 0x0F)
		afterT = &t
		y = *g.TD & 0xF0
		if t != ProtocolT0 {
			a.TCKRequired = true
		}
		if t != ProtocolGlobal && !slices.Contains(a.Protocols, t) {
			a.Protocols = append(a.Protocols, t)
		}
	}
	if len(a.Protocols) == 0 {
		a.Protocols = []int{ProtocolT0} // TD1 absent: T=0 only (§8.2.3)
	}
	return pos, nil
}

// decodeGlobal interprets the interface bytes whose meaning ISO/IEC 7816-3 §8.3 and
// §11.4 define.
func (a *ATR) decodeGlobal() {
	g1 := a.Interface[0]
	fi, di := byte(defaultFI), byte(defaultDI)
	if g1.TA != nil {
		fi, di = *g1.TA>>4, *g1.TA&0x0F
	}
	a.Fi, a.Di, a.FMaxMHz = fiTable[fi], diTable[di], fmaxTable[fi]
	if a.Fi != 0 && a.Di != 0 {
		a.CyclesPerETU = float64(a.Fi) / float64(a.Di)
		a.MaxBitRate = int(a.FMaxMHz * 1e6 / a.CyclesPerETU)
	}
	if g1.TC != nil {
		a.ExtraGuardTime = int(*g1.TC)
	}
	if g1.TB != nil {
		pi1 := int(*g1.TB & 0x1F)
		a.VPP = &VPP{Connected: pi1 != 0}
		if pi1 != 0 {
			a.VPP.PI1Volts = pi1
			a.VPP.IMilliamps = iiMilliamps[(*g1.TB>>5)&0x03]
		}
	}

	a.WI = defaultWI
	if len(a.Interface) >= 2 {
		g2 := a.Interface[1]
		if g2.TA != nil {
			a.SpecificMode = &SpecificMode{
				Protocol:     int(*g2.TA & 0x0F),
				CanChange:    *g2.TA&0x80 == 0,
				ImplicitFiDi: *g2.TA&0x10 != 0,
			}
		}
		if g2.TB != nil {
			pi2 := int(*g2.TB)
			if a.VPP == nil {
				a.VPP = &VPP{}
			}
			a.VPP.Connected = true
			a.VPP.PI2Decivolts = &pi2
		}
		if g2.TC != nil {
			a.WI = int(*g2.TC)
		}
	}

	if slices.Contains(a.Protocols, ProtocolT1) {
		a.T1 = &T1Params{IFSC: defaultIFSC, BWI: defaultBWI, CWI: defaultCWI, EDC: "LRC"}
		if ta := a.firstAfter(ProtocolT1, func(g InterfaceGroup) *byte { return g.TA }); ta != nil {
			a.T1.IFSC = int(*ta)
		}
		if tb := a.firstAfter(ProtocolT1, func(g InterfaceGroup) *byte { return g.TB }); tb != nil {
			a.T1.BWI, a.T1.CWI = int(*tb>>4), int(*tb&0x0F)
		}
		if tc := a.firstAfter(ProtocolT1, func(g InterfaceGroup) *byte { return g.TC }); tc != nil && *tc&0x01 != 0 {
			a.T1.EDC = "CRC"
		}
	}

	for _, g := range a.Interface {
		if g.AfterT != nil && *g.AfterT == ProtocolGlobal {
			a.Global = &GlobalParams{}
			break
		}
	}
	if a.Global != nil {
		ta := a.firstAfter(ProtocolGlobal, func(g InterfaceGroup) *byte { return g.TA })
		if ta == nil {
			a.Global.Classes = []Class{classBits[0].class}
		} else {
			a.Global.ClockStop = clockStopNames[*ta>>6]
			a.Global.Classes = []Class{}
			for _, c := range classBits {
				if *ta&c.bit != 0 {
					a.Global.Classes = append(a.Global.Classes, c.class)
				}
			}
		}
		if tb := a.firstAfter(ProtocolGlobal, func(g InterfaceGroup) *byte { return g.TB }); tb != nil {
			spu := *tb
			a.Global.SPU = &spu
		}
	}
}

// firstAfter returns the first byte selected by pick from a group i ≥ 3 that follows a
// TD indicating protocol t, or nil.
func (a *ATR) firstAfter(t int, pick func(InterfaceGroup) *byte) *byte {
	for _, g := range a.Interface {
		if g.Index < 3 || g.AfterT == nil || *g.AfterT != t {
			continue
		}
		if p := pick(g); p != nil {
			return p
		}
	}
	return nil
}

// String returns the raw ATR as upper-case hexadecimal pairs, "3B F7 13 …".
func (a *ATR) String() string {
	return a.Raw.String()
}
