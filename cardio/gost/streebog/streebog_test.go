package streebog

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// referenceFile is the part of testdata/streebog.json (a copy of
// /work/shared/reference/gost/streebog.json) that the tests use.
type referenceFile struct {
	Pi  []int    `json:"pi"`
	Tau []int    `json:"tau"`
	A   []string `json:"a"`
	C   []struct {
		Index       int    `json:"index"`
		RFCNotation string `json:"rfc_notation"`
		BytesLE     string `json:"bytes_le"`
	} `json:"c"`
	TestVectors []struct {
		ID          string `json:"id"`
		LengthBytes int    `json:"length_bytes"`
		MessageHex  string `json:"message_hex"`
		Hash256     string `json:"hash256"`
		Hash512     string `json:"hash512"`
	} `json:"test_vectors"`
	// RFCIntermediate maps an RFC 6986 section name such as "10.1.1 (M1, 512-bit)" to
	// its labelled values, most significant byte first. The "note" entry is a string.
	RFCIntermediate map[string]json.RawMessage `json:"rfc_intermediate_values"`
}

func loadReference(t testing.TB) *referenceFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/streebog.json")
	if err != nil {
		t.Fatalf("reading reference data: %v", err)
	}
	var ref referenceFile
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatalf("decoding reference data: %v", err)
	}
	if len(ref.TestVectors) == 0 {
		t.Fatal("reference data holds no test vectors")
	}
	return &ref
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// TestConstantsMatchReference checks the Go constants against the JSON copy of RFC 6986.
func TestConstantsMatchReference(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Pi) != 256 || len(ref.Tau) != 64 || len(ref.A) != 64 || len(ref.C) != 12 {
		t.Fatalf("reference sizes pi=%d tau=%d a=%d c=%d", len(ref.Pi), len(ref.Tau), len(ref.A), len(ref.C))
	}
	for i, v := range ref.Pi {
		if int(pi[i]) != v {
			t.Errorf("pi[%d] = %#x, want %#x", i, pi[i], v)
		}
	}
	for i, v := range ref.Tau {
		if int(tau[i]) != v {
			t.Errorf("tau[%d] = %d, want %d", i, tau[i], v)
		}
	}
	for i, s := range ref.A {
		if got := fmt.Sprintf("%016x", matrixA[i]); got != s {
			t.Errorf("a[%d] = %s, want %s", i, got, s)
		}
	}
	for i, c := range ref.C {
		if c.Index != i+1 {
			t.Fatalf("c[%d] has index %d", i, c.Index)
		}
		if got := hex.EncodeToString(wordsToBytes(iterC[i])); got != c.BytesLE {
			t.Errorf("C%d = %s, want %s", c.Index, got, c.BytesLE)
		}
		if got := rfcHex(iterC[i][:]); got != c.RFCNotation {
			t.Errorf("C%d in RFC notation = %s, want %s", c.Index, got, c.RFCNotation)
		}
	}
}

// TestVectors checks every test vector of the reference data, one-shot, through
// New256/New512 in one Write, and one byte at a time.
func TestVectors(t *testing.T) {
	ref := loadReference(t)
	for _, tv := range ref.TestVectors {
		t.Run(tv.ID, func(t *testing.T) {
			msg := mustHex(t, tv.MessageHex)
			if len(msg) != tv.LengthBytes {
				t.Fatalf("message is %d bytes, reference says %d", len(msg), tv.LengthBytes)
			}
			want256, want512 := mustHex(t, tv.Hash256), mustHex(t, tv.Hash512)
			if got := Sum256(msg); !bytes.Equal(got[:], want256) {
				t.Errorf("Sum256 = %x, want %x", got, want256)
			}
			if got := Sum512(msg); !bytes.Equal(got[:], want512) {
				t.Errorf("Sum512 = %x, want %x", got, want512)
			}
			for _, c := range []struct {
				name string
				h    hash.Hash
				want []byte
			}{{"New256", New256(), want256}, {"New512", New512(), want512}} {
				c.h.Write(msg)
				if got := c.h.Sum(nil); !bytes.Equal(got, c.want) {
					t.Errorf("%s one Write = %x, want %x", c.name, got, c.want)
				}
				c.h.Reset()
				for i := range msg {
					c.h.Write(msg[i : i+1])
				}
				if got := c.h.Sum(nil); !bytes.Equal(got, c.want) {
					t.Errorf("%s byte by byte = %x, want %x", c.name, got, c.want)
				}
			}
		})
	}
}

// TestRFCIntermediateValues recomputes every value RFC 6986 section 10 prints for its
// two examples, in the RFC's order, and compares them one by one, so a wrong S, P, L,
// key schedule or counter shows up at the first step where it matters.
func TestRFCIntermediateValues(t *testing.T) {
	ref := loadReference(t)
	messages := map[string][]byte{}
	for _, tv := range ref.TestVectors {
		messages[tv.ID] = mustHex(t, tv.MessageHex)
	}
	sections := []struct {
		name    string
		message string
		size    int
	}{
		{"10.1.1 (M1, 512-bit)", "rfc6986-example1", Size512},
		{"10.1.2 (M1, 256-bit)", "rfc6986-example1", Size256},
		{"10.2.1 (M2, 512-bit)", "rfc6986-example2", Size512},
		{"10.2.2 (M2, 256-bit)", "rfc6986-example2", Size256},
	}
	if len(ref.RFCIntermediate) != len(sections)+1 {
		t.Errorf("reference has %d intermediate sections, the test knows %d", len(ref.RFCIntermediate)-1, len(sections))
	}
	for _, sec := range sections {
		t.Run(sec.name, func(t *testing.T) {
			var want [][2]string
			if err := json.Unmarshal(ref.RFCIntermediate[sec.name], &want); err != nil {
				t.Fatalf("decoding section: %v", err)
			}
			msg, ok := messages[sec.message]
			if !ok {
				t.Fatalf("no test vector %s", sec.message)
			}
			got := rfcTrace(t, msg, sec.size)
			if len(got) != len(want) {
				t.Errorf("trace has %d values, RFC prints %d", len(got), len(want))
			}
			for i := range min(len(got), len(want)) {
				if !strings.EqualFold(got[i], want[i][1]) {
					t.Fatalf("value %d (%s) = %s, RFC prints %s", i, want[i][0], got[i], want[i][1])
				}
			}
		})
	}
}

// rfcTrace hashes msg the way RFC 6986 section 10 narrates it and returns the values
// it prints, in RFC notation: every step of the first g_N, then for each block m, h, N
// and EPSILON, then the two finalising values of h and the hash. It uses the
// production g, add512 and addBlock, and checks the step-by-step first g against g.
func rfcTrace(t *testing.T, msg []byte, size int) []string {
	var out []string
	emit := func(w [8]uint64) { out = append(out, rfcHex(w[:])) }

	var h, n, sigma [8]uint64
	if size == Size256 {
		for i := range h {
			h[i] = iv256Word
		}
	}
	first := true
	compress := func(block []byte, bitLen uint64) {
		m := bytesToWords(block)
		emit(m)
		before := h
		if first {
			first = false
			want := traceG(emit, h, n, m)
			g(&h, &n, &m)
			if h != want {
				t.Errorf("g = %x, step-by-step g = %x", h, want)
			}
		} else {
			g(&h, &n, &m)
		}
		if h == before {
			t.Error("g left h unchanged")
		}
		emit(h)
		add512(&n, bitLen)
		emit(n)
		addBlock(&sigma, &m)
		emit(sigma)
	}
	for len(msg) >= BlockSize {
		compress(msg[:BlockSize], 512)
		msg = msg[BlockSize:]
	}
	var last [BlockSize]byte
	copy(last[:], msg)
	last[len(msg)] = 1
	compress(last[:], uint64(len(msg))*8)

	var zero [8]uint64
	g(&h, &zero, &n)
	emit(h)
	g(&h, &zero, &sigma)
	emit(h)
	if size == Size256 {
		out = append(out, rfcHex(h[4:]))
	} else {
		emit(h)
	}
	return out
}

// traceG computes g_N(h, m) step by step, emitting the values RFC 6986 section 10
// prints for the first block: S, P and L separately (reference transforms) in the first
// round and for the first key step, LPS (production table code) afterwards.
func traceG(emit func([8]uint64), h, n, m [8]uint64) [8]uint64 {
	var x [8]uint64
	for i := range x {
		x[i] = h[i] ^ n[i]
	}
	x = refS(x)
	emit(x)
	x = refP(x)
	emit(x)
	k := refL(x)
	emit(k) // K := LPS(h xor N)
	emit(k) // K[1]

	var t [8]uint64
	for i := range t {
		t[i] = m[i] ^ k[i]
	}
	emit(t) // X[K[1]](m)
	t = refS(t)
	emit(t)
	t = refP(t)
	emit(t)
	t = refL(t)
	emit(t) // LPSX[K[1]](m)

	for i := range x {
		x[i] = k[i] ^ iterC[0][i]
	}
	emit(x) // K[1] xor C[1]
	x = refS(x)
	emit(x)
	x = refP(x)
	emit(x)
	k = refL(x)
	emit(k) // LPS(K[1] xor C[1])
	emit(k) // K[2]

	for r := 1; r < 12; r++ {
		var u [8]uint64
		for i := range u {
			u[i] = t[i] ^ k[i]
		}
		lpsX(&t, &u, &[8]uint64{})
		emit(t) // LPSX[K[r+1]]...LPSX[K[1]](m)
		for i := range u {
			u[i] = k[i] ^ iterC[r][i]
		}
		lpsX(&k, &u, &[8]uint64{})
		emit(k) // K[r+2]
	}
	for i := range t {
		t[i] ^= k[i]
	}
	emit(t) // X[K[13]]...LPSX[K[1]](m)
	for i := range h {
		h[i] ^= t[i] ^ m[i]
	}
	return h
}

// refS, refP and refL are the S, P and L transforms of RFC 6986 section 7 written
// directly from pi, tau and matrix A, one byte or bit at a time.
func refS(x [8]uint64) [8]uint64 {
	b := wordsToBytes(x)
	for i := range b {
		b[i] = pi[b[i]]
	}
	return bytesToWords(b)
}

func refP(x [8]uint64) [8]uint64 {
	in := wordsToBytes(x)
	out := make([]byte, 64)
	for i := range out {
		out[i] = in[tau[i]]
	}
	return bytesToWords(out)
}

func refL(x [8]uint64) [8]uint64 {
	var out [8]uint64
	for j, w := range x {
		for bit := range 64 {
			if w>>uint(bit)&1 == 1 {
				out[j] ^= matrixA[63-bit]
			}
		}
	}
	return out
}

// TestLPSMatchesReference checks the combined table against S, P, L applied one after
// the other, on random states and on states with a single byte set.
func TestLPSMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var states [][8]uint64
	for range 200 {
		var x [8]uint64
		for i := range x {
			x[i] = rng.Uint64()
		}
		states = append(states, x)
	}
	for pos := range 64 {
		var b [64]byte
		b[pos] = byte(pos*37 + 1)
		states = append(states, bytesToWords(b[:]))
	}
	states = append(states, [8]uint64{})
	for _, x := range states {
		var got [8]uint64
		lpsX(&got, &x, &[8]uint64{})
		if want := refL(refP(refS(x))); got != want {
			t.Fatalf("lps(%x) = %x, want %x", x, got, want)
		}
	}
}

// TestStreamingRandomSplits writes random messages in random pieces (empty pieces
// included) and checks the digest against the one-shot functions. It also calls Sum in
// the middle of the stream and checks it against the one-shot digest of the prefix,
// which proves Sum leaves the state alone.
func TestStreamingRandomSplits(t *testing.T) {
	rng := rand.New(rand.NewPCG(2012, 6986))
	for iter := range 300 {
		msg := make([]byte, rng.IntN(700))
		for i := range msg {
			msg[i] = byte(rng.Uint32())
		}
		want256, want512 := Sum256(msg), Sum512(msg)
		h256, h512 := New256(), New512()
		for pos := 0; pos < len(msg); {
			step := rng.IntN(min(len(msg)-pos, 150) + 1)
			piece := msg[pos : pos+step]
			h256.Write(piece)
			h512.Write(piece)
			pos += step
			if rng.IntN(4) == 0 {
				p256, p512 := Sum256(msg[:pos]), Sum512(msg[:pos])
				if got := h256.Sum(nil); !bytes.Equal(got, p256[:]) {
					t.Fatalf("iteration %d: 256-bit Sum after %d bytes = %x, want %x", iter, pos, got, p256)
				}
				if got := h512.Sum(nil); !bytes.Equal(got, p512[:]) {
					t.Fatalf("iteration %d: 512-bit Sum after %d bytes = %x, want %x", iter, pos, got, p512)
				}
			}
		}
		if got := h256.Sum(nil); !bytes.Equal(got, want256[:]) {
			t.Fatalf("iteration %d (%d bytes): streamed 256 = %x, one-shot %x", iter, len(msg), got, want256)
		}
		if got := h512.Sum(nil); !bytes.Equal(got, want512[:]) {
			t.Fatalf("iteration %d (%d bytes): streamed 512 = %x, one-shot %x", iter, len(msg), got, want512)
		}
	}
}

// TestHashInterface checks Size, BlockSize, Sum's append semantics, Write's return
// values and Reset.
func TestHashInterface(t *testing.T) {
	msg := []byte("The quick brown fox jumps over the lazy dog, twice: The quick brown fox jumps over the lazy dog")
	s256, s512 := Sum256(msg), Sum512(msg)
	for _, c := range []struct {
		name string
		new  func() hash.Hash
		size int
		want []byte
	}{
		{"256", New256, Size256, s256[:]},
		{"512", New512, Size512, s512[:]},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := c.new()
			if h.Size() != c.size {
				t.Errorf("Size() = %d, want %d", h.Size(), c.size)
			}
			if h.BlockSize() != BlockSize {
				t.Errorf("BlockSize() = %d, want %d", h.BlockSize(), BlockSize)
			}
			if n, err := h.Write(msg); n != len(msg) || err != nil {
				t.Errorf("Write = %d, %v; want %d, nil", n, err, len(msg))
			}
			prefix := []byte("prefix")
			buf := make([]byte, len(prefix), 200)
			copy(buf, prefix)
			out := h.Sum(buf)
			if !bytes.Equal(out[:len(prefix)], prefix) || !bytes.Equal(out[len(prefix):], c.want) {
				t.Errorf("Sum(prefix) = %x, want prefix then %x", out, c.want)
			}
			if again := h.Sum(nil); !bytes.Equal(again, c.want) {
				t.Errorf("second Sum = %x, want %x", again, c.want)
			}
			// Writing after Sum continues the same message.
			h.Write(msg)
			both := slices.Concat(msg, msg)
			var wantBoth []byte
			if c.size == Size256 {
				d := Sum256(both)
				wantBoth = d[:]
			} else {
				d := Sum512(both)
				wantBoth = d[:]
			}
			if got := h.Sum(nil); !bytes.Equal(got, wantBoth) {
				t.Errorf("Sum after Write, Sum, Write = %x, want %x", got, wantBoth)
			}
			h.Reset()
			h.Write(msg)
			if got := h.Sum(nil); !bytes.Equal(got, c.want) {
				t.Errorf("after Reset = %x, want %x", got, c.want)
			}
			h.Reset()
			fresh := c.new()
			if got, want := h.Sum(nil), fresh.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("Reset state digest = %x, fresh hash digest = %x", got, want)
			}
		})
	}
	// The two sizes differ in more than truncation: the 256-bit IV is different.
	if bytes.Equal(s256[:], s512[32:]) {
		t.Error("256-bit digest equals the upper half of the 512-bit one; the IVs are mixed up")
	}
}

func wordsToBytes(x [8]uint64) []byte {
	b := make([]byte, 64)
	for i, w := range x {
		binary.LittleEndian.PutUint64(b[8*i:], w)
	}
	return b
}

func bytesToWords(b []byte) [8]uint64 {
	var x [8]uint64
	for i := range x {
		x[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return x
}

// rfcHex writes little-endian words in RFC 6986 notation: most significant byte first.
func rfcHex(words []uint64) string {
	var sb strings.Builder
	for i := len(words) - 1; i >= 0; i-- {
		fmt.Fprintf(&sb, "%016x", words[i])
	}
	return sb.String()
}
