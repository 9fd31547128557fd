package atr

import "fmt"

// Category indicator: the first historical byte (ISO/IEC 7816-4 §8.1.1.1).
const (
	CategoryTLVWithStatus byte = 0x00 // compact-TLV objects, then a 3-byte status indicator
	CategoryDIRReference  byte = 0x10 // followed by one DIR data reference byte
	CategoryTLV           byte = 0x80 // compact-TLV objects, status indicator optional (tag 8)
)

// Compact-TLV tags: the high nibble of an object's header byte, the low nibble being the
// length (ISO/IEC 7816-4 §8.1.1.2).
const (
	TagCountry       byte = 0x1 // country code (ISO 3166-1 numeric, BCD) and national data
	TagIssuer        byte = 0x2 // issuer identification number (ISO/IEC 7812-1, BCD)
	TagCardService   byte = 0x3 // card service data (§8.1.1.2.3)
	TagInitialAccess byte = 0x4 // initial access data (§8.1.1.2.4)
	TagIssuerData    byte = 0x5 // card issuer's data (§8.1.1.2.5)
	TagPreIssuing    byte = 0x6 // pre-issuing data (§8.1.1.2.6)
	TagCapabilities  byte = 0x7 // card capabilities (§8.1.1.2.7)
	TagStatus        byte = 0x8 // status indicator (§8.1.1.3)
	TagAID           byte = 0xF // application identifier (§8.1.1.2.2)
)

var tagNames = map[byte]string{
	TagCountry:       "country code and national data",
	TagIssuer:        "issuer identification number",
	TagCardService:   "card service data",
	TagInitialAccess: "initial access data",
	TagIssuerData:    "card issuer's data",
	TagPreIssuing:    "pre-issuing data",
	TagCapabilities:  "card capabilities",
	TagStatus:        "status indicator",
	TagAID:           "application identifier",
}

// CompactTLV is one compact-TLV object of the historical bytes. Value is always set; at
// most one of the decoded fields is, depending on Tag.
type CompactTLV struct {
	Tag   byte   `json:"tag"`  // 1–15; 0 and 9–14 are RFU
	Name  string `json:"name"` // e.g. "card capabilities", "RFU"
	Value Hex    `json:"value"`
	// Digits is the BCD value of a country code or issuer identification number, as the
	// nibbles written out ('F' padding removed from the end).
	Digits       string            `json:"digits,omitempty"`
	CardService  *CardServiceData  `json:"card_service,omitempty"`
	Capabilities *CardCapabilities `json:"capabilities,omitempty"`
	Status       *StatusIndicator  `json:"status,omitempty"`
}

// CardServiceData is compact-TLV tag 3 (ISO/IEC 7816-4 §8.1.1.2.3, table 85).
type CardServiceData struct {
	SelectByFullDFName    bool `json:"select_by_full_df_name"`    // b8
	SelectByPartialDFName bool `json:"select_by_partial_df_name"` // b7
	DOsInEFDIR            bool `json:"dos_in_ef_dir"`             // b6: BER-TLV data objects in EF.DIR
	DOsInEFATR            bool `json:"dos_in_ef_atr"`             // b5: BER-TLV data objects in EF.ATR
	// EFAccess is how EF.DIR and EF.ATR are read (b4–b2): "READ BINARY", "READ RECORD",
	// "GET DATA" or "RFU".
	EFAccess  string `json:"ef_access"`
	WithoutMF bool   `json:"without_mf"` // b1: the card has no MF
}

// CardCapabilities is compact-TLV tag 7 (ISO/IEC 7816-4 §8.1.1.2.7, tables 86–88): up to
// three bytes, each decoded when present.
type CardCapabilities struct {
	Selection  *SelectionMethods `json:"selection,omitempty"`   // first software function table
	DataCoding *DataCoding       `json:"data_coding,omitempty"` // second software function table
	Chaining   *ChainingInfo     `json:"chaining,omitempty"`    // third software function table
}

// SelectionMethods is the first card capabilities byte (table 86).
type SelectionMethods struct {
	FullDFName       bool `json:"full_df_name"`      // b8: DF selection by full DF name
	PartialDFName    bool `json:"partial_df_name"`   // b7: by partial DF name
	Path             bool `json:"path"`              // b6: by path
	FileID           bool `json:"file_id"`           // b5: by file identifier
	ImplicitDF       bool `json:"implicit_df"`       // b4: implicit DF selection
	ShortEFID        bool `json:"short_ef_id"`       // b3: short EF identifier supported
	RecordNumber     bool `json:"record_number"`     // b2: record number supported
	RecordIdentifier bool `json:"record_identifier"` // b1: record identifier supported
}

// DataCoding is the second card capabilities byte, the data coding byte (table 87).
type DataCoding struct {
	TLVEFs bool `json:"tlv_efs"` // b8: EFs of BER-TLV structure supported
	// WriteBehaviour is b7–b6: "one-time write", "proprietary", "write OR" or "write AND".
	WriteBehaviour string `json:"write_behaviour"`
	FFTagValid     bool   `json:"ff_tag_valid"` // b5: 'FF' is a valid first byte of a BER-TLV tag
	// DataUnitQuartets is the data unit size in quartets, 2 to the power b4–b1.
	DataUnitQuartets int `json:"data_unit_quartets"`
}

// ChainingInfo is the third card capabilities byte: command chaining, length fields and
// logical channels (table 88).
type ChainingInfo struct {
	CommandChaining bool `json:"command_chaining"` // b8
	ExtendedLength  bool `json:"extended_length"`  // b7: extended Lc and Le fields
	// ExtendedLengthInfo is b6: extended length information in EF.ATR/INFO
	// (ISO/IEC 7816-4:2013; RFU in 2005).
	ExtendedLengthInfo bool `json:"extended_length_info"`
	ChannelsByCard     bool `json:"channels_by_card"` // b5: logical channel numbers assigned by the card
	ChannelsByIFD      bool `json:"channels_by_ifd"`  // b4: assigned by the interface device
	// MaxLogicalChannels is b3–b1 plus one; 8 means "8 or more".
	MaxLogicalChannels int `json:"max_logical_channels"`
}

// StatusIndicator is the card's status in the historical bytes (ISO/IEC 7816-4 §8.1.1.3):
// a life cycle status byte, a status word, or both.
type StatusIndicator struct {
	LCS       *byte  `json:"lcs,omitempty"`
	LifeCycle string `json:"life_cycle,omitempty"` // meaning of LCS, see [LifeCycle]
	SW        Hex    `json:"sw,omitempty"`         // SW1 SW2
}

// decodeHistorical fills the historical-byte fields of a from a.Historical.
func (a *ATR) decodeHistorical() {
	h := a.Historical
	a.HistoricalASCII = printable(h)
	if len(h) == 0 {
		return
	}
	a.Category = h[0]
	switch a.Category {
	case CategoryTLVWithStatus:
		if len(h) < 4 {
			a.HistoricalError = fmt.Sprintf("category 00 needs a 3-byte status indicator, only %d bytes follow", len(h)-1)
			return
		}
		a.Status = decodeStatus(h[len(h)-3:])
		a.decodeTLVs(h[1:len(h)-3], 1)
	case CategoryTLV:
		a.decodeTLVs(h[1:], 1)
	case CategoryDIRReference:
		if len(h) < 2 {
			a.HistoricalError = "category 10 without DIR data reference"
			return
		}
		ref := h[1]
		a.DIRReference = &ref
	}
}

// decodeTLVs decodes the compact-TLV objects in body, which starts at historical byte
// offset base (for error messages). It stops at the first object that overruns body.
func (a *ATR) decodeTLVs(body []byte, base int) {
	for p := 0; p < len(body); {
		tag, n := body[p]>>4, int(body[p]&0x0F)
		if p+1+n > len(body) {
			a.HistoricalError = fmt.Sprintf("compact-TLV object %X%X at historical byte %d: length %d exceeds the %d bytes left",
				tag, n, base+p, n, len(body)-p-1)
			return
		}
		obj := decodeObject(tag, body[p+1:p+1+n])
		a.HistoricalTLV = append(a.HistoricalTLV, obj)
		if obj.Status != nil && a.Status == nil {
			a.Status = obj.Status
		}
		if obj.Capabilities != nil && a.Capabilities == nil {
			a.Capabilities = obj.Capabilities
			a.ExtendedLength = obj.Capabilities.Chaining != nil && obj.Capabilities.Chaining.ExtendedLength
		}
		p += 1 + n
	}
}

func decodeObject(tag byte, v []byte) CompactTLV {
	obj := CompactTLV{Tag: tag, Name: tagNames[tag], Value: append(Hex{}, v...)}
	if obj.Name == "" {
		obj.Name = "RFU"
	}
	switch tag {
	case TagCountry, TagIssuer:
		obj.Digits = bcdDigits(v)
	case TagCardService:
		if len(v) >= 1 {
			obj.CardService = decodeCardService(v[0])
		}
	case TagCapabilities:
		if len(v) >= 1 {
			obj.Capabilities = decodeCapabilities(v)
		}
	case TagStatus:
		obj.Status = decodeStatus(v)
	}
	return obj
}

func decodeCardService(b byte) *CardServiceData {
	s := &CardServiceData{
		SelectByFullDFName:    b&0x80 != 0,
		SelectByPartialDFName: b&0x40 != 0,
		DOsInEFDIR:            b&0x20 != 0,
		DOsInEFATR:            b&0x10 != 0,
		WithoutMF:             b&0x01 != 0,
	}
	switch b & 0x0E {
	case 0x08:
		s.EFAccess = "READ BINARY"
	case 0x00:
		s.EFAccess = "READ RECORD"
	case 0x04:
		s.EFAccess = "GET DATA"
	default:
		s.EFAccess = "RFU"
	}
	return s
}

// Write behaviour, bits 7–6 of the data coding byte (ISO/IEC 7816-4 table 87).
var writeBehaviours = [4]string{"one-time write", "proprietary", "write OR", "write AND"}

func decodeCapabilities(v []byte) *CardCapabilities {
	c := &CardCapabilities{}
	b := v[0]
	c.Selection = &SelectionMethods{
		FullDFName:       b&0x80 != 0,
		PartialDFName:    b&0x40 != 0,
		Path:             b&0x20 != 0,
		FileID:           b&0x10 != 0,
		ImplicitDF:       b&0x08 != 0,
		ShortEFID:        b&0x04 != 0,
		RecordNumber:     b&0x02 != 0,
		RecordIdentifier: b&0x01 != 0,
	}
	if len(v) >= 2 {
		b = v[1]
		c.DataCoding = &DataCoding{
			TLVEFs:           b&0x80 != 0,
			WriteBehaviour:   writeBehaviours[(b>>5)&0x03],
			FFTagValid:       b&0x10 != 0,
			DataUnitQuartets: 1 << (b & 0x0F),
		}
	}
	if len(v) >= 3 {
		b = v[2]
		c.Chaining = &ChainingInfo{
			CommandChaining:    b&0x80 != 0,
			ExtendedLength:     b&0x40 != 0,
			ExtendedLengthInfo: b&0x20 != 0,
			ChannelsByCard:     b&0x10 != 0,
			ChannelsByIFD:      b&0x08 != 0,
			MaxLogicalChannels: int(b&0x07) + 1,
		}
	}
	return c
}

// decodeStatus decodes a status indicator of 1 (LCS), 2 (SW) or 3 (LCS, SW) bytes; other
// lengths give nil.
func decodeStatus(v []byte) *StatusIndicator {
	s := &StatusIndicator{}
	switch len(v) {
	case 1, 3:
		lcs := v[0]
		s.LCS = &lcs
		s.LifeCycle = LifeCycle(lcs)
		if len(v) == 3 {
			s.SW = append(Hex{}, v[1:]...)
		}
	case 2:
		s.SW = append(Hex{}, v...)
	default:
		return nil
	}
	return s
}

// LifeCycle names a life cycle status byte (ISO/IEC 7816-4 §5.3.3.2, table 13):
// "no information", "creation", "initialisation", "operational (activated)",
// "operational (deactivated)", "termination", "proprietary" or "RFU".
func LifeCycle(lcs byte) string {
	switch {
	case lcs == 0x00:
		return "no information"
	case lcs == 0x01:
		return "creation"
	case lcs == 0x03:
		return "initialisation"
	case lcs&0xFD == 0x05: // 0000 01x1
		return "operational (activated)"
	case lcs&0xFD == 0x04: // 0000 01x0
		return "operational (deactivated)"
	case lcs&0xFC == 0x0C: // 0000 11xx
		return "termination"
	case lcs&0xF0 != 0:
		return "proprietary"
	default:
		return "RFU"
	}
}

// bcdDigits writes out the nibbles of v as hexadecimal digits, dropping trailing 'F'
// padding nibbles.
func bcdDigits(v []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(v))
	for _, c := range v {
		out = append(out, digits[c>>4], digits[c&0x0F])
	}
	for len(out) > 0 && out[len(out)-1] == 'F' {
		out = out[:len(out)-1]
	}
	return string(out)
}

// printable renders bytes 0x20–0x7E as themselves and every other byte as '.'.
func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 0x20 && c <= 0x7E {
			out[i] = c
		} else {
			out[i] = '.'
		}
	}
	return string(out)
}
