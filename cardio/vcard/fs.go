package vcard

// file is one node of the virtual card's file system (ISO/IEC 7816-4 §5.3): a DF with
// children and GET DATA objects, or a transparent EF with its bytes.
type file struct {
	fid      uint16
	name     string // DF name; "" for EFs and the MF
	df       bool
	data     []byte            // EF contents
	objects  map[uint16][]byte // DF data objects for GET DATA, keyed by P1-P2
	children []*file
	parent   *file
	// lcs is the life cycle status byte (ISO/IEC 7816-4 §5.3.3.2, FCP tag 8A) on cards
	// of the issuance profile; 0 on official-like cards, which do not report it.
	lcs byte
}

// File identifiers our profile gives the DFs. The official card's DF file IDs are not
// public (readers select DFs by name only), so these are ours: any values outside the
// EF range used for records would do.
const (
	fidMF       uint16 = 0x3F00 // ISO/IEC 7816-4 §5.3.1.1: the MF is always 3F00
	fidRoot            = FIDRoot
	fidOwnerDF         = FIDOwnerDF
	fidInsureDF        = FIDInsurersDF
)

// File descriptor bytes (FCP tag 82, ISO/IEC 7816-4 §5.3.3, table 12).
const (
	fdDF            byte = 0x38 // DF
	fdTransparentEF byte = 0x01 // working EF, transparent structure
)

func newDF(fid uint16, name string) *file {
	return &file{fid: fid, name: name, df: true, objects: map[uint16][]byte{}}
}

func (f *file) add(c *file) *file {
	c.parent = f
	f.children = append(f.children, c)
	return c
}

func (f *file) child(fid uint16) *file {
	for _, c := range f.children {
		if c.fid == fid {
			return c
		}
	}
	return nil
}

// findDF looks for a DF by name anywhere in the tree, depth first: an exact match wins,
// otherwise the first DF whose name starts with the given bytes (ISO/IEC 7816-4 §11.1.1
// allows selection by a truncated DF name; some public OMS readers depend on it, sending
// "FOMS_IN" for FOMS_INS).
func (f *file) findDF(name string) *file {
	var exact, prefix *file
	var walk func(*file)
	walk = func(n *file) {
		if !n.df || exact != nil {
			return
		}
		if n.name != "" {
			switch {
			case n.name == name:
				exact = n
			case prefix == nil && len(name) > 0 && len(name) < len(n.name) && n.name[:len(name)] == name:
				prefix = n
			}
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(f)
	if exact != nil {
		return exact
	}
	return prefix
}

// fci builds the File Control Information template 6F (ISO/IEC 7816-4 §5.3.3) returned
// by SELECT with P2=00: file descriptor (82), identifier (83), DF name (84) and, for EFs,
// the size (80); on profile cards also the life cycle status (8A).
func (f *file) fci() []byte { return f.template(0x6F) }

// fcp is the same content in the FCP template 62, the answer to SELECT with P2=04 on
// profile cards.
func (f *file) fcp() []byte { return f.template(0x62) }

func (f *file) template(tag byte) []byte {
	var body []byte
	tlv := func(tag byte, v []byte) { body = append(body, tag, byte(len(v))); body = append(body, v...) }
	if f.df {
		tlv(0x82, []byte{fdDF})
	} else {
		tlv(0x82, []byte{fdTransparentEF})
		tlv(0x80, []byte{byte(len(f.data) >> 8), byte(len(f.data))})
	}
	tlv(0x83, []byte{byte(f.fid >> 8), byte(f.fid)})
	if f.name != "" {
		tlv(0x84, []byte(f.name))
	}
	if f.lcs != 0 {
		tlv(0x8A, []byte{f.lcs})
	}
	return append([]byte{tag, byte(len(body))}, body...)
}
