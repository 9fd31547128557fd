package tlv

// Encode returns the encoding of o: its tag, its length in the shortest form (DER style,
// X.690 §10.1) and its value. A constructed object is encoded from its Children when
// Children is not nil, otherwise from its Value; a primitive object always from its
// Value. Tags are written as they are, without validation (see [Tag.Valid]).
func (o Object) Encode() []byte { return AppendEncode(nil, o) }

// Encode returns the concatenated encodings of objs.
func Encode(objs ...Object) []byte {
	var dst []byte
	for _, o := range objs {
		dst = AppendEncode(dst, o)
	}
	return dst
}

// AppendEncode appends the encoding of o (see [Object.Encode]) to dst and returns the
// extended slice.
func AppendEncode(dst []byte, o Object) []byte {
	// Measure first, recording every object's content length in pre-order, so that
	// each byte is written once and dst grows at most once.
	var small [16]int
	total, lens := measure(o, small[:0])
	if free := cap(dst) - len(dst); free < total {
		grown := make([]byte, len(dst), len(dst)+total)
		copy(grown, dst)
		dst = grown
	}
	dst, _ = write(dst, o, lens)
	return dst
}

// usesChildren reports whether o is encoded from its children rather than its value.
func usesChildren(o Object) bool { return o.Tag.Constructed() && o.Children != nil }

// measure appends the content length of o and of each of its descendants, in pre-order,
// to lens and returns the total encoded size of o with the extended lens.
func measure(o Object, lens []int) (int, []int) {
	i := len(lens)
	lens = append(lens, 0)
	content := len(o.Value)
	if usesChildren(o) {
		content = 0
		for _, c := range o.Children {
			var size int
			size, lens = measure(c, lens)
			content += size
		}
	}
	lens[i] = content
	return o.Tag.size() + lengthSize(content) + content, lens
}

// write appends o using the content lengths measure recorded and returns the unused
// rest of lens.
func write(dst []byte, o Object, lens []int) ([]byte, []int) {
	content := lens[0]
	lens = lens[1:]
	dst = appendTag(dst, o.Tag)
	dst = appendLength(dst, content)
	if !usesChildren(o) {
		return append(dst, o.Value...), lens
	}
	for _, c := range o.Children {
		dst, lens = write(dst, c, lens)
	}
	return dst, lens
}

// lengthSize returns the size of the shortest length field for n.
func lengthSize(n int) int {
	if n < lengthLong {
		return 1
	}
	size := 1
	for ; n > 0; n >>= 8 {
		size++
	}
	return size
}

// appendLength appends the shortest length field for n: one byte below 128, otherwise
// '8k' followed by the k significant bytes of n (ISO 7816-4 §5.2.2.2).
func appendLength(dst []byte, n int) []byte {
	if n < lengthLong {
		return append(dst, byte(n))
	}
	k := lengthSize(n) - 1
	dst = append(dst, lengthLong|byte(k))
	for i := k - 1; i >= 0; i-- {
		dst = append(dst, byte(n>>(8*i)))
	}
	return dst
}
