package gost94

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// digestPair is one expected digest in both printed orders.
type digestPair struct {
	DigestHex     string `json:"digest_hex"`
	GostsumPrints string `json:"gostsum_prints"`
}

// testVector is one message with its digest under each parameter set.
type testVector struct {
	ID          string     `json:"id"`
	LengthBytes int        `json:"length_bytes"`
	MessageHex  string     `json:"message_hex"`
	Test        digestPair `json:"test_paramset"`
	CryptoPro   digestPair `json:"cryptopro_paramset"`
}

// referenceFile is the part of testdata/gost94.json (a copy of
// /work/shared/reference/gost/gost94.json) that the tests use.
type referenceFile struct {
	ParameterSets map[string]struct {
		OID       string           `json:"oid"`
		PackedHex string           `json:"rfc4357_packed_hex"`
		SBox      map[string][]int `json:"sbox"`
		H0        string           `json:"h0"`
	} `json:"parameter_sets"`
	Constants struct {
		C3BytesLE string `json:"C3_bytes_le"`
		PByteMap  []int  `json:"P_byte_map_le"`
	} `json:"constants"`
	TestVectors []testVector `json:"test_vectors"`
	BlockKAT    struct {
		SBox    string `json:"sbox"`
		Vectors []struct {
			KeyBytes        string `json:"key_bytes"`
			PlaintextBytes  string `json:"plaintext_bytes"`
			CiphertextBytes string `json:"ciphertext_bytes"`
			KeyRFC          string `json:"key_rfc_notation"`
			Label           string `json:"rfc_label"`
		} `json:"vectors"`
	} `json:"gost28147_block_kat"`
	RFCIntermediate struct {
		Values [][2]string `json:"values"`
	} `json:"rfc_intermediate_values"`
}

func loadReference(t testing.TB) *referenceFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/gost94.json")
	if err != nil {
		t.Fatalf("reading reference data: %v", err)
	}
	var ref referenceFile
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatalf("decoding reference data: %v", err)
	}
	if len(ref.TestVectors) == 0 || len(ref.BlockKAT.Vectors) == 0 {
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

// paramSets pairs the package's parameter sets with their names in the reference data.
var paramSets = []struct {
	p       *Params
	refName string
	want    func(testVector) digestPair
}{
	{CryptoProParams, "id-GostR3411-94-CryptoProParamSet", func(tv testVector) digestPair { return tv.CryptoPro }},
	{TestParams, "id-GostR3411-94-TestParamSet", func(tv testVector) digestPair { return tv.Test }},
}

// TestParamsMatchReference checks names, OIDs and S-boxes against the JSON, both as
// tables and in the RFC 4357 packed form, and the constants C3 and P.
func TestParamsMatchReference(t *testing.T) {
	ref := loadReference(t)
	for _, ps := range paramSets {
		t.Run(ps.refName, func(t *testing.T) {
			r, ok := ref.ParameterSets[ps.refName]
			if !ok {
				t.Fatalf("reference has no %s", ps.refName)
			}
			if ps.p.Name != ps.refName || ps.p.OID != r.OID {
				t.Errorf("Name, OID = %q, %q; want %q, %q", ps.p.Name, ps.p.OID, ps.refName, r.OID)
			}
			if r.H0 != strings.Repeat("00", 32) {
				t.Errorf("reference h0 = %s; this package assumes zero", r.H0)
			}
			for j := range 8 {
				want := r.SBox[fmt.Sprintf("pi%d", j+1)]
				if len(want) != 16 {
					t.Fatalf("reference pi%d has %d entries", j+1, len(want))
				}
				for x, v := range want {
					if int(ps.p.SBox[j][x]) != v {
						t.Errorf("SBox[%d][%d] = %d, want %d", j, x, ps.p.SBox[j][x], v)
					}
				}
			}
			// RFC 4357 packing: row x is pi1(x), pi2(x), ..., pi8(x), high nibble first.
			var packed []byte
			for x := range 16 {
				for j := 0; j < 8; j += 2 {
					packed = append(packed, ps.p.SBox[j][x]<<4|ps.p.SBox[j+1][x])
				}
			}
			if got := hex.EncodeToString(packed); got != r.PackedHex {
				t.Errorf("packed S-box = %s, want %s", got, r.PackedHex)
			}
		})
	}
	var c3b [32]byte
	for i, w := range c3 {
		binary.LittleEndian.PutUint64(c3b[8*i:], w)
	}
	if got := hex.EncodeToString(c3b[:]); got != ref.Constants.C3BytesLE {
		t.Errorf("C3 = %s, want %s", got, ref.Constants.C3BytesLE)
	}
	// keyP against the byte map: feed a state whose byte i is i and read the key back.
	var in [32]byte
	for i := range in {
		in[i] = byte(i)
	}
	var k [8]uint32
	keyP(&k, loadBlock(in[:]), [4]uint64{})
	var key [32]byte
	for i, w := range k {
		binary.LittleEndian.PutUint32(key[4*i:], w)
	}
	if len(ref.Constants.PByteMap) != 32 {
		t.Fatalf("reference P map has %d entries", len(ref.Constants.PByteMap))
	}
	for j, src := range ref.Constants.PByteMap {
		if int(key[j]) != src {
			t.Errorf("P: key byte %d = input byte %d, want input byte %d", j, key[j], src)
		}
	}
}

// TestVectors checks every test vector for both parameter sets: one-shot, one Write,
// byte by byte, and the gostsum printing (the digest reversed).
func TestVectors(t *testing.T) {
	ref := loadReference(t)
	for _, tv := range ref.TestVectors {
		msg := mustHex(t, tv.MessageHex)
		if len(msg) != tv.LengthBytes {
			t.Fatalf("%s: message is %d bytes, reference says %d", tv.ID, len(msg), tv.LengthBytes)
		}
		for _, ps := range paramSets {
			t.Run(tv.ID+"/"+ps.refName, func(t *testing.T) {
				want := ps.want(tv)
				wantBytes := mustHex(t, want.DigestHex)
				if got := Sum(ps.p, msg); !bytes.Equal(got[:], wantBytes) {
					t.Errorf("Sum = %x, want %x", got, wantBytes)
				}
				if got := reversedHex(wantBytes); got != want.GostsumPrints {
					t.Errorf("reference digest reversed = %s, but gostsum printed %s", got, want.GostsumPrints)
				}
				h := New(ps.p)
				h.Write(msg)
				if got := h.Sum(nil); !bytes.Equal(got, wantBytes) {
					t.Errorf("one Write = %x, want %x", got, wantBytes)
				}
				h.Reset()
				for i := range msg {
					h.Write(msg[i : i+1])
				}
				if got := h.Sum(nil); !bytes.Equal(got, wantBytes) {
					t.Errorf("byte by byte = %x, want %x", got, wantBytes)
				}
			})
		}
	}
}

// TestGOST28147KnownAnswers checks single-block encryption against the four RFC 5831
// section 7.3.1 encryptions (test S-box; the first key corrected, see the reference's
// rfc5831_errata_found).
func TestGOST28147KnownAnswers(t *testing.T) {
	ref := loadReference(t)
	if ref.BlockKAT.SBox != TestParams.Name {
		t.Fatalf("known answers use %s", ref.BlockKAT.SBox)
	}
	if len(ref.BlockKAT.Vectors) != 4 {
		t.Errorf("reference holds %d known answers, want 4", len(ref.BlockKAT.Vectors))
	}
	c := newCipher(&TestParams.SBox)
	for _, v := range ref.BlockKAT.Vectors {
		t.Run(v.Label, func(t *testing.T) {
			keyBytes := mustHex(t, v.KeyBytes)
			if len(keyBytes) != 32 {
				t.Fatalf("key is %d bytes", len(keyBytes))
			}
			var k [8]uint32
			for i := range k {
				k[i] = binary.LittleEndian.Uint32(keyBytes[4*i:])
			}
			pt := binary.LittleEndian.Uint64(mustHex(t, v.PlaintextBytes))
			want := binary.LittleEndian.Uint64(mustHex(t, v.CiphertextBytes))
			if got := c.encrypt(&k, pt); got != want {
				t.Errorf("E(%s, %016x) = %016x, want %016x", v.KeyBytes, pt, got, want)
			}
		})
	}
	// The same keys with the CryptoPro S-boxes must give other ciphertexts.
	other := newCipher(&CryptoProParams.SBox)
	v := ref.BlockKAT.Vectors[0]
	keyBytes := mustHex(t, v.KeyBytes)
	var k [8]uint32
	for i := range k {
		k[i] = binary.LittleEndian.Uint32(keyBytes[4*i:])
	}
	if other.encrypt(&k, 0) == binary.LittleEndian.Uint64(mustHex(t, v.CiphertextBytes)) {
		t.Error("CryptoPro S-boxes give the test-set ciphertext")
	}
}

// chiTrace is what RFC 5831 section 7.3 prints for one call of the step function.
type chiTrace struct {
	keys [4]string // K[1..4], RFC notation
	s    [4]string // s[1..4]
	S    string
	KSI  string
}

// traceStep computes chi(M, H) from the internal pieces, recording the keys, the four
// encryptions and S, and checks the result against the production step.
func traceStep(t *testing.T, c *cipher, h, m [4]uint64) ([4]uint64, chiTrace) {
	t.Helper()
	var tr chiTrace
	var s [4]uint64
	u, v := h, m
	for i := range 4 {
		if i > 0 {
			u = transformA(u)
			if i == 2 {
				for j := range u {
					u[j] ^= c3[j]
				}
			}
			v = transformA(transformA(v))
		}
		var k [8]uint32
		keyP(&k, u, v)
		var sb strings.Builder
		for j := 7; j >= 0; j-- {
			fmt.Fprintf(&sb, "%08X", k[j])
		}
		tr.keys[i] = sb.String()
		s[i] = c.encrypt(&k, h[i])
		tr.s[i] = fmt.Sprintf("%016X", s[i])
	}
	tr.S = rfcHex(s)
	x := psi(s, 12)
	for j := range x {
		x[j] ^= m[j]
	}
	x = psi(x, 1)
	for j := range x {
		x[j] ^= h[j]
	}
	x = psi(x, 61)
	tr.KSI = rfcHex(x)
	got := h
	c.step(&got, &m)
	if got != x {
		t.Errorf("step = %s, step-by-step chi = %s", rfcHex(got), rfcHex(x))
	}
	return x, tr
}

// TestRFCIntermediateValues replays both RFC 5831 section 7.3 examples and compares
// every printed key, encryption, S, KSI (step result) and the final L and SIGMA.
func TestRFCIntermediateValues(t *testing.T) {
	ref := loadReference(t)
	vals := ref.RFCIntermediate.Values
	split := slices.IndexFunc(vals, func(v [2]string) bool { return v[0] == "Let M" })
	if split < 0 {
		t.Fatal("reference has no second example")
	}
	messages := map[string][]byte{}
	for _, tv := range ref.TestVectors {
		messages[tv.ID] = mustHex(t, tv.MessageHex)
	}
	// The first printed K[1] is misprinted in RFC 5831; the known-answer data carries
	// the corrected key.
	misprintedFix := map[int]string{8: strings.ToUpper(ref.BlockKAT.Vectors[0].KeyRFC)}

	examples := []struct {
		name, vector string
		from, to     int
	}{
		{"7.3.1", "rfc5831-7.3.1", 0, split},
		{"7.3.2", "rfc5831-7.3.2", split, len(vals)},
	}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			var wantKeys, wantS, wantSmall, wantKSI []string
			var wantL, wantSigma string
			prev := ""
			for i := ex.from; i < ex.to; i++ {
				label, val := vals[i][0], strings.ToUpper(vals[i][1])
				if fix, ok := misprintedFix[i]; ok {
					if fix == val {
						t.Errorf("value %d (%s) was expected to be the misprint", i, label)
					}
					val = fix
				}
				switch {
				case len(label) == 4 && strings.HasPrefix(label, "K["):
					if label+val != prev { // 7.3.2 prints one K[2] twice
						wantKeys = append(wantKeys, val)
					}
					prev = label + val
				case strings.HasPrefix(label, "s["):
					wantSmall = append(wantSmall, val)
				case label == "S" || label == "So S":
					wantS = append(wantS, val)
				case strings.HasPrefix(label, "KSI"):
					wantKSI = append(wantKSI, val)
				case label == "L":
					wantL = val
				case strings.HasPrefix(label, "SIGMA"):
					wantSigma = val
				}
			}

			// Hash the message, recording every step.
			c := newCipher(&TestParams.SBox)
			msg := messages[ex.vector]
			if len(msg) == 0 {
				t.Fatalf("no message for %s", ex.vector)
			}
			var h, sigma, length [4]uint64
			var traces []chiTrace
			run := func(m [4]uint64) {
				var tr chiTrace
				h, tr = traceStep(t, c, h, m)
				traces = append(traces, tr)
			}
			for len(msg) > 0 {
				var block [32]byte
				n := copy(block[:], msg)
				msg = msg[n:]
				m := loadBlock(block[:])
				run(m)
				add256(&sigma, &m)
				add256(&length, &[4]uint64{uint64(n) * 8})
			}
			if got := rfcHex(length); got != wantL {
				t.Errorf("L = %s, RFC prints %s", got, wantL)
			}
			if got := rfcHex(sigma); got != wantSigma {
				t.Errorf("SIGMA = %s, RFC prints %s", got, wantSigma)
			}
			run(length)
			run(sigma)

			var gotKeys, gotS, gotKSI []string
			for _, tr := range traces {
				gotKeys = append(gotKeys, tr.keys[:]...)
				gotS = append(gotS, tr.S)
				gotKSI = append(gotKSI, tr.KSI)
			}
			compareLists(t, "K", gotKeys, wantKeys)
			compareLists(t, "S", gotS, wantS)
			compareLists(t, "KSI", gotKSI, wantKSI)
			if len(wantSmall) > 0 {
				compareLists(t, "s", traces[0].s[:len(wantSmall)], wantSmall)
			}
			final := Sum(TestParams, messages[ex.vector])
			if got := reversedHex(final[:]); !strings.EqualFold(got, wantKSI[len(wantKSI)-1]) {
				t.Errorf("Sum in RFC notation = %s, last KSI = %s", got, wantKSI[len(wantKSI)-1])
			}
		})
	}
}

func compareLists(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d %s values, RFC prints %d", len(got), what, len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("%s #%d = %s, RFC prints %s", what, i+1, got[i], want[i])
		}
	}
}

// TestStreamingRandomSplits writes random messages in random pieces and checks them
// against Sum; Sum calls in the middle are checked against the prefix's digest.
func TestStreamingRandomSplits(t *testing.T) {
	rng := rand.New(rand.NewPCG(341194, 5831))
	for iter := range 200 {
		p := paramSets[iter%2].p
		msg := make([]byte, rng.IntN(400))
		for i := range msg {
			msg[i] = byte(rng.Uint32())
		}
		want := Sum(p, msg)
		h := New(p)
		for pos := 0; pos < len(msg); {
			step := rng.IntN(min(len(msg)-pos, 80) + 1)
			h.Write(msg[pos : pos+step])
			pos += step
			if rng.IntN(4) == 0 {
				prefix := Sum(p, msg[:pos])
				if got := h.Sum(nil); !bytes.Equal(got, prefix[:]) {
					t.Fatalf("iteration %d: Sum after %d bytes = %x, want %x", iter, pos, got, prefix)
				}
			}
		}
		if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Fatalf("iteration %d (%d bytes, %s): streamed %x, one-shot %x", iter, len(msg), p.Name, got, want)
		}
	}
}

// TestHashInterface checks Size, BlockSize, Sum's append semantics, Reset, and that
// the S-boxes are taken by value.
func TestHashInterface(t *testing.T) {
	msg := []byte("Suppose the original message has length = 50 bytes, and then some more")
	want := Sum(CryptoProParams, msg)
	h := New(CryptoProParams)
	if h.Size() != Size || h.BlockSize() != BlockSize {
		t.Errorf("Size, BlockSize = %d, %d; want %d, %d", h.Size(), h.BlockSize(), Size, BlockSize)
	}
	if n, err := h.Write(msg); n != len(msg) || err != nil {
		t.Errorf("Write = %d, %v; want %d, nil", n, err, len(msg))
	}
	out := h.Sum([]byte("prefix"))
	if string(out[:6]) != "prefix" || !bytes.Equal(out[6:], want[:]) {
		t.Errorf("Sum(prefix) = %x, want prefix then %x", out, want)
	}
	h.Write(msg)
	both := Sum(CryptoProParams, slices.Concat(msg, msg))
	if got := h.Sum(nil); !bytes.Equal(got, both[:]) {
		t.Errorf("after Write, Sum, Write = %x, want %x", got, both)
	}
	h.Reset()
	h.Write(msg)
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Errorf("after Reset = %x, want %x", got, want)
	}

	// A copy of the parameters works like the original, and changing it after New
	// does not reach the running hash.
	p := *CryptoProParams
	h = New(&p)
	p.SBox[0][0] ^= 1
	h.Write(msg)
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Errorf("copied params = %x, want %x", got, want)
	}
	// The changed S-box is a different hash.
	if got := Sum(&p, msg); got == want {
		t.Error("a changed S-box gives the CryptoPro digest")
	}
	if Sum(TestParams, msg) == want {
		t.Error("test and CryptoPro sets give the same digest")
	}
}

func TestNewNilParamsPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"New": func() { New(nil) },
		"Sum": func() { Sum(nil, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s(nil) did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestPsi checks psi against PSI applied one step at a time as RFC 5831 section 5.3
// defines it.
func TestPsi(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	for range 50 {
		x := [4]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		var w [16]uint16
		for i := range w {
			w[i] = uint16(x[i/4] >> (16 * (i % 4)))
		}
		for n := range 62 {
			var want [4]uint64
			for i := range w {
				want[i/4] |= uint64(w[i]) << (16 * (i % 4))
			}
			if got := psi(x, n); got != want {
				t.Fatalf("psi(%x, %d) = %x, want %x", x, n, got, want)
			}
			fb := w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[12] ^ w[15]
			copy(w[:], w[1:])
			w[15] = fb
		}
	}
}

// rfcHex writes little-endian words in RFC 5831 notation, most significant first.
func rfcHex(x [4]uint64) string {
	return fmt.Sprintf("%016X%016X%016X%016X", x[3], x[2], x[1], x[0])
}

func reversedHex(b []byte) string {
	r := slices.Clone(b)
	slices.Reverse(r)
	return hex.EncodeToString(r)
}
