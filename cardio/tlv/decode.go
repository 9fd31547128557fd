package tlv

// Limits bounds the work one decode may do, so that hostile input cannot make the
// decoder recurse, allocate or loop without end. A zero (or negative) field means the
// corresponding field of [DefaultLimits].
type Limits struct {
	// MaxDepth is how many constructed objects may be nested in one another. A top-level
	// template is at depth 1; the OMS owner record reaches depth 2 (62 > 7F30, 62 > 7F40).
	MaxDepth int
	// MaxObjects is the largest number of objects, at all levels together, that one
	// decode may produce.
	MaxObjects int
	// MaxLength is the largest value length accepted for any single object.
	MaxLength int
	// MaxTagBytes is the longest tag accepted, in bytes. Values above four are treated
	// as four, the size of [Tag].
	MaxTagBytes int
}

// DefaultLimits are the limits used for zero fields of [Limits]. They are generous for
// OMS card files (a few hundred bytes, a photo of tens of kilobytes, nesting depth 2).
var DefaultLimits = Limits{
	MaxDepth:    8,
	MaxObjects:  4096,
	MaxLength:   1 << 20,
	MaxTagBytes: 4,
}

// resolve fills zero fields from DefaultLimits (falling back to the built-in values
// should DefaultLimits itself have been zeroed) and clamps MaxTagBytes.
func (l Limits) resolve() Limits {
	pick := func(v, def, builtin int) int {
		switch {
		case v > 0:
			return v
		case def > 0:
			return def
		}
		return builtin
	}
	l.MaxDepth = pick(l.MaxDepth, DefaultLimits.MaxDepth, 8)
	l.MaxObjects = pick(l.MaxObjects, DefaultLimits.MaxObjects, 4096)
	l.MaxLength = pick(l.MaxLength, DefaultLimits.MaxLength, 1<<20)
	l.MaxTagBytes = min(pick(l.MaxTagBytes, DefaultLimits.MaxTagBytes, maxTagBytes), maxTagBytes)
	return l
}

// Decoder decodes BER-TLV with configurable limits. The zero value uses [DefaultLimits]
// and allows no padding.
type Decoder struct {
	// Limits bounds the decode; zero fields take the DefaultLimits values.
	Limits Limits
	// AllowPadding makes the decoder skip '00' and 'FF' bytes where a tag is expected:
	// before, between and after top-level objects and likewise inside templates
	// (ISO 7816-4 §5.2.2: erased or rewritten objects leave such bytes behind). Without
	// it, those bytes are malformed tags (ErrBadTag).
	AllowPadding bool
}

// isPadding reports whether c is a padding byte of ISO 7816-4 §5.2.2.
func isPadding(c byte) bool { return c == 0x00 || c == 0xFF }

// Decode decodes every object in b with [DefaultLimits] and no padding allowed; it is
// Decoder{}.Decode.
func Decode(b []byte) ([]Object, error) { return Decoder{}.Decode(b) }

// DecodeOne decodes the first object in b and returns it with the bytes that follow it;
// it is Decoder{}.DecodeOne.
func DecodeOne(b []byte) (Object, []byte, error) { return Decoder{}.DecodeOne(b) }

// ParseHeader reads only the tag and length at the start of b, with [DefaultLimits];
// it is Decoder{}.ParseHeader.
func ParseHeader(b []byte) (tag Tag, headerLen int, valueLen int, err error) {
	return Decoder{}.ParseHeader(b)
}

// Decode decodes every object in b, recursing into constructed objects, and returns the
// top-level objects in order. Empty input (or, with AllowPadding, input of nothing but
// padding) gives no objects and no error. On malformed input it returns a
// [*SyntaxError] and no objects. The values of the returned objects alias b.
func (d Decoder) Decode(b []byte) ([]Object, error) {
	s := decodeState{buf: b, lim: d.Limits.resolve(), pad: d.AllowPadding}
	objs, err := s.list(0, len(b), 1)
	if err != nil {
		return nil, err
	}
	return objs, nil
}

// DecodeOne decodes the first object in b (after any leading padding, with
// AllowPadding) and returns it with the rest of b, which is not examined. It returns an
// error wrapping [ErrEmpty] if b holds no object. Offsets are relative to b.
func (d Decoder) DecodeOne(b []byte) (Object, []byte, error) {
	s := decodeState{buf: b, lim: d.Limits.resolve(), pad: d.AllowPadding}
	pos := 0
	if s.pad {
		for pos < len(b) && isPadding(b[pos]) {
			pos++
		}
	}
	if pos == len(b) {
		return Object{}, nil, syntaxErr(pos, ErrEmpty, "no object in %d bytes of input", len(b))
	}
	o, next, err := s.object(pos, len(b), 1)
	if err != nil {
		return Object{}, nil, err
	}
	return o, b[next:], nil
}

// ParseHeader reads only the tag and the length at the start of b (no padding is
// skipped) and returns the tag, the number of header bytes and the value length. It
// does not need the value to be present: a caller reading a file from a card in chunks
// passes the first chunk to learn that the whole object is headerLen+valueLen bytes. It
// returns an error wrapping [ErrTruncated] if b ends inside the header, and
// [ErrLengthTooLarge] if the length exceeds Limits.MaxLength.
func (d Decoder) ParseHeader(b []byte) (tag Tag, headerLen int, valueLen int, err error) {
	lim := d.Limits.resolve()
	t, tlen, e := readTag(b, lim.MaxTagBytes)
	if e != nil {
		return 0, 0, 0, e
	}
	vlen, llen, e := readLength(b[tlen:])
	if e != nil {
		e.Offset += tlen
		return 0, 0, 0, e
	}
	if vlen > uint64(lim.MaxLength) {
		return 0, 0, 0, syntaxErr(tlen, ErrLengthTooLarge, "length %d of %s exceeds the limit of %d bytes", vlen, t, lim.MaxLength)
	}
	return t, tlen + llen, int(vlen), nil
}

// decodeState is one decode in progress: the whole input (so offsets are absolute), the
// resolved limits and the number of objects seen so far.
type decodeState struct {
	buf   []byte
	lim   Limits
	pad   bool
	count int
}

// list decodes the objects in buf[pos:end], which sit at the given depth (1 for the
// top level). Recursion is bounded because only constructed objects recurse, and they
// are rejected beyond lim.MaxDepth.
func (s *decodeState) list(pos, end, depth int) ([]Object, error) {
	n := s.countLevel(pos, end)
	if n == 0 {
		return nil, nil
	}
	objs := make([]Object, 0, n)
	for pos < end {
		if s.pad && isPadding(s.buf[pos]) {
			pos++
			continue
		}
		o, next, err := s.object(pos, end, depth)
		if err != nil {
			return nil, err
		}
		objs = append(objs, o)
		pos = next
	}
	return objs, nil
}

// countLevel returns how many objects buf[pos:end] holds at its own level, reading only
// their headers, so that list can allocate once. It stops early at anything malformed
// (list reports it) and never counts beyond what the object budget has left, so the
// allocation is bounded by the input and by lim.MaxObjects.
func (s *decodeState) countLevel(pos, end int) int {
	budget := s.lim.MaxObjects - s.count + 1
	n := 0
	for pos < end && n < budget {
		if s.pad && isPadding(s.buf[pos]) {
			pos++
			continue
		}
		_, tlen, e := readTag(s.buf[pos:end], s.lim.MaxTagBytes)
		if e != nil {
			return n + 1
		}
		vlen, llen, e := readLength(s.buf[pos+tlen : end])
		if e != nil || vlen > uint64(end-pos-tlen-llen) {
			return n + 1
		}
		n++
		pos += tlen + llen + int(vlen)
	}
	return n
}

// object decodes the object starting at buf[pos], which must end by end, and returns
// it with the offset just past it. pos < end.
func (s *decodeState) object(pos, end, depth int) (Object, int, error) {
	nested := depth > 1
	s.count++
	if s.count > s.lim.MaxObjects {
		return Object{}, 0, syntaxErr(pos, ErrTooManyObjects, "more than %d objects", s.lim.MaxObjects)
	}

	tag, tlen, e := readTag(s.buf[pos:end], s.lim.MaxTagBytes)
	if e != nil {
		e.Offset += pos
		if nested && e.Err == ErrTruncated {
			e.Detail = "tag runs past the end of the enclosing template"
		}
		return Object{}, 0, e
	}
	if tag.Constructed() && depth > s.lim.MaxDepth {
		return Object{}, 0, syntaxErr(pos, ErrTooDeep, "template %s nested deeper than %d levels", tag, s.lim.MaxDepth)
	}

	lpos := pos + tlen
	vlen, llen, e := readLength(s.buf[lpos:end])
	if e != nil {
		e.Offset += lpos
		if nested && e.Err == ErrTruncated {
			e.Detail = "length of " + tag.String() + " runs past the end of the enclosing template"
		}
		return Object{}, 0, e
	}
	if vlen > uint64(s.lim.MaxLength) {
		return Object{}, 0, syntaxErr(lpos, ErrLengthTooLarge, "length %d of %s exceeds the limit of %d bytes", vlen, tag, s.lim.MaxLength)
	}
	vpos := lpos + llen
	if remaining := end - vpos; vlen > uint64(remaining) {
		// Within a template, no further input can make this length fit: it is
		// impossible. At the top level, the input simply stops short.
		err := ErrTruncated
		if nested {
			err = ErrLengthTooLarge
		}
		return Object{}, 0, syntaxErr(lpos, err, "length %d of %s exceeds remaining %d bytes", vlen, tag, remaining)
	}
	vend := vpos + int(vlen)

	o := Object{
		Tag:       tag,
		Value:     s.buf[vpos:vend:vend],
		Offset:    pos,
		HeaderLen: vpos - pos,
	}
	if tag.Constructed() {
		children, err := s.list(vpos, vend, depth+1)
		if err != nil {
			return Object{}, 0, err
		}
		if children == nil {
			children = []Object{}
		}
		o.Children = children
	}
	return o, vend, nil
}

// readTag reads the tag at the start of b (ISO 7816-4 §5.2.2.1, X.690 §8.1.2) and
// returns it with its length in bytes. Error offsets are relative to b.
func readTag(b []byte, maxBytes int) (Tag, int, *SyntaxError) {
	if len(b) == 0 {
		return 0, 0, syntaxErr(0, ErrTruncated, "input ends before a tag")
	}
	first := b[0]
	if isPadding(first) {
		return 0, 0, syntaxErr(0, ErrBadTag, "byte %02X cannot start a tag (padding not allowed)", first)
	}
	if first&tagNumberMask != tagNumberMask {
		return Tag(first), 1, nil
	}
	t := Tag(first)
	for i := 1; ; i++ {
		if i >= maxBytes {
			return 0, 0, syntaxErr(0, ErrTagTooLong, "tag longer than %d bytes", maxBytes)
		}
		if i >= len(b) {
			return 0, 0, syntaxErr(0, ErrTruncated, "input ends inside a tag")
		}
		c := b[i]
		if i == 1 && c == tagMoreBit {
			return 0, 0, syntaxErr(0, ErrBadTag, "second tag byte 80 is not minimal")
		}
		t = t<<8 | Tag(c)
		if c&tagMoreBit == 0 {
			return t, i + 1, nil
		}
	}
}

// Length field forms (ISO 7816-4 §5.2.2.2, X.690 §8.1.3).
const (
	lengthLong       = 0x80 // bit 8 set: long form, bits 7–1 give the number of length bytes
	lengthIndefinite = 0x80 // long-form marker with zero length bytes: indefinite form
	lengthReserved   = 0xFF // reserved for future extensions (X.690 §8.1.3.5 c)
	maxLengthBytes   = 4    // ISO 7816-4 §5.2.2.2 uses at most '84' (four length bytes)
)

// readLength reads the length field at the start of b and returns the length and the
// size of the field. Non-minimal long forms (81 05, 82 00 05) are accepted. Error
// offsets are relative to b.
func readLength(b []byte) (uint64, int, *SyntaxError) {
	if len(b) == 0 {
		return 0, 0, syntaxErr(0, ErrTruncated, "input ends before the length")
	}
	first := b[0]
	switch {
	case first < lengthLong:
		return uint64(first), 1, nil
	case first == lengthIndefinite:
		return 0, 0, syntaxErr(0, ErrIndefiniteLength, "indefinite length (80) is not allowed")
	case first == lengthReserved:
		return 0, 0, syntaxErr(0, ErrBadLength, "length byte FF is reserved")
	case int(first&^lengthLong) > maxLengthBytes:
		return 0, 0, syntaxErr(0, ErrBadLength, "length of length %d exceeds %d bytes", first&^lengthLong, maxLengthBytes)
	}
	n := int(first &^ lengthLong)
	if len(b) < 1+n {
		return 0, 0, syntaxErr(0, ErrTruncated, "input ends inside a %d-byte length", n)
	}
	var v uint64
	for _, c := range b[1 : 1+n] {
		v = v<<8 | uint64(c)
	}
	return v, 1 + n, nil
}
