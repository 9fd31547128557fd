package gostsig

import (
	"errors"
	"math/big"
	"testing"
)

// sigCase is one signature of testdata/signatures.json reduced to what verification
// needs: key octets as in SubjectPublicKeyInfo, digest, signature in X.509 layout.
type sigCase struct {
	id       string
	curve    *Curve
	pubLE    []byte // x || y little-endian
	qx, qy   *big.Int
	d        *big.Int // private key, to check Q = d*G
	digest   []byte
	sig      []byte // s || r big-endian
	r, s     *big.Int
	eModQ    *big.Int
	message  []byte // nil for the worked examples (no hash)
	hash     Hash   // hash that made digest from message
	sigAlg   string // X.509 signature algorithm OID, if any
	x509     *x509JSON
	keyAlg   string // SubjectPublicKeyInfo algorithm OID (OpenSSL cases)
	spki     []byte
	workedEx *workedJSON
}

func allCases(t testing.TB) []sigCase {
	t.Helper()
	_, sigs := loadTestdata(t)
	var cases []sigCase
	for i := range sigs.Worked {
		w := &sigs.Worked[i]
		c := mustCurve(t, w.CurveOID)
		qx, qy := hexInt(t, w.Qx), hexInt(t, w.Qy)
		e := hexInt(t, w.E)
		cases = append(cases, sigCase{
			id: w.ID, curve: c,
			pubLE: append(leBytes(qx, c.Size), leBytes(qy, c.Size)...),
			qx:    qx, qy: qy, d: hexInt(t, w.D),
			digest: leBytes(e, c.Size),
			sig:    hexBytes(t, w.SigX509),
			r:      hexInt(t, w.R), s: hexInt(t, w.S), eModQ: e,
			workedEx: w,
		})
	}
	for i := range sigs.X509 {
		x := &sigs.X509[i]
		c := mustCurve(t, x.CurveOID)
		h := HashStreebog256
		if c.Size == 64 {
			h = HashStreebog512
		}
		qx, qy := hexInt(t, x.Qx), hexInt(t, x.Qy)
		cases = append(cases, sigCase{
			id: x.ID, curve: c,
			pubLE: append(leBytes(qx, c.Size), leBytes(qy, c.Size)...),
			qx:    qx, qy: qy, d: hexInt(t, x.D),
			digest: hexBytes(t, x.DigestHex),
			sig:    hexBytes(t, x.SignatureHex),
			r:      hexInt(t, x.R), s: hexInt(t, x.S), eModQ: hexInt(t, x.EModQ),
			message: hexBytes(t, x.TBSHex), hash: h, sigAlg: x.SigAlgOID, x509: x,
		})
	}
	for _, o := range sigs.OpenSSL {
		c := mustCurve(t, o.CurveOID)
		var h Hash
		switch o.DigestAlg {
		case "md_gost94":
			h = HashGOST94CryptoPro
		case "md_gost12_256":
			h = HashStreebog256
		case "md_gost12_512":
			h = HashStreebog512
		default:
			t.Fatalf("%s: unknown digest %s", o.ID, o.DigestAlg)
		}
		cases = append(cases, sigCase{
			id: o.ID, curve: c,
			pubLE: hexBytes(t, o.PubLE),
			qx:    hexInt(t, o.Qx), qy: hexInt(t, o.Qy), d: hexInt(t, o.D),
			digest: hexBytes(t, o.DigestHex),
			sig:    hexBytes(t, o.SignatureHex),
			r:      hexInt(t, o.R), s: hexInt(t, o.S), eModQ: hexInt(t, o.EModQ),
			message: hexBytes(t, o.MessageHex), hash: h,
			keyAlg: o.KeyAlgOID, spki: hexBytes(t, o.SPKIHex),
		})
	}
	if len(cases) != 28 {
		t.Fatalf("loaded %d signatures, the reference data has 28", len(cases))
	}
	return cases
}

// TestVerifyDigestReference verifies every signature of the reference data at digest
// level, and checks the values around it: the key parses to (Qx, Qy) = d*G, the
// signature splits into the published r and s, e mod q matches.
func TestVerifyDigestReference(t *testing.T) {
	for _, tc := range allCases(t) {
		t.Run(tc.id, func(t *testing.T) {
			pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
			if err != nil {
				t.Fatalf("ParsePublicKeyLE: %v", err)
			}
			if pub.X.Cmp(tc.qx) != 0 || pub.Y.Cmp(tc.qy) != 0 {
				t.Fatalf("key = (%x, %x), want (%x, %x)", pub.X, pub.Y, tc.qx, tc.qy)
			}
			if x, y, ok := tc.curve.scalarMult(tc.d, tc.curve.X, tc.curve.Y); !ok || x.Cmp(tc.qx) != 0 || y.Cmp(tc.qy) != 0 {
				t.Errorf("d*G != Q")
			}
			r, s, err := ParseSignature(tc.sig, Layout{})
			if err != nil {
				t.Fatalf("ParseSignature: %v", err)
			}
			if r.Cmp(tc.r) != 0 || s.Cmp(tc.s) != 0 {
				t.Fatalf("ParseSignature = (%x, %x), want (%x, %x)", r, s, tc.r, tc.s)
			}
			ok, tr := verify(pub, tc.digest, r, s)
			if !ok {
				t.Fatal("VerifyDigest = false, want true")
			}
			if tr.e.Cmp(tc.eModQ) != 0 {
				t.Errorf("e mod q = %x, want %x", tr.e, tc.eModQ)
			}
			if !VerifyDigest(pub, tc.digest, r, s) {
				t.Error("exported VerifyDigest disagrees with verify")
			}
		})
	}
}

// TestWorkedExamples checks the intermediate values printed by RFC 5832/7091 §7 and
// GOST R 34.10-2012 Appendix A.2: C = k*P during signing, then v, z1, z2 and C during
// verification.
func TestWorkedExamples(t *testing.T) {
	for _, tc := range allCases(t) {
		w := tc.workedEx
		if w == nil {
			continue
		}
		t.Run(tc.id, func(t *testing.T) {
			c := tc.curve
			cx, cy, ok := c.scalarMult(hexInt(t, w.K), c.X, c.Y)
			if !ok || cx.Cmp(hexInt(t, w.Cx)) != 0 || cy.Cmp(hexInt(t, w.Cy)) != 0 {
				t.Errorf("k*P = (%x, %x), want (%s, %s)", cx, cy, w.Cx, w.Cy)
			}
			// s = (r*d + k*e) mod q, the signing equation.
			sCalc := new(big.Int).Mul(tc.r, tc.d)
			sCalc.Add(sCalc, new(big.Int).Mul(hexInt(t, w.K), tc.eModQ))
			sCalc.Mod(sCalc, c.Q)
			if sCalc.Cmp(tc.s) != 0 {
				t.Errorf("r*d + k*e = %x, want s = %x", sCalc, tc.s)
			}
			pub := &PublicKey{Curve: c, X: tc.qx, Y: tc.qy}
			ok, tr := verify(pub, tc.digest, tc.r, tc.s)
			if !ok {
				t.Fatal("verification failed")
			}
			for _, f := range []struct {
				name string
				got  *big.Int
				want string
			}{
				{"v", tr.v, w.Verification.V},
				{"z1", tr.z1, w.Verification.Z1},
				{"z2", tr.z2, w.Verification.Z2},
				{"C_x", tr.cx, w.Verification.Cx},
				{"C_y", tr.cy, w.Verification.Cy},
				{"R", new(big.Int).Mod(tr.cx, c.Q), w.Verification.R},
			} {
				if f.got.Cmp(hexInt(t, f.want)) != 0 {
					t.Errorf("%s = %x, want %s", f.name, f.got, f.want)
				}
			}
		})
	}
}

// TestVerifyDigestRejectsTampering makes one change at a time to every reference
// signature; each must fail the strict verifier.
func TestVerifyDigestRejectsTampering(t *testing.T) {
	for _, tc := range allCases(t) {
		t.Run(tc.id, func(t *testing.T) {
			n := tc.curve.Size
			pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
			if err != nil {
				t.Fatal(err)
			}
			strict := func(pubLE, digest, sig []byte) bool {
				p, err := ParsePublicKeyLE(tc.curve, pubLE)
				if err != nil {
					if !errors.Is(err, ErrMalformedKey) {
						t.Errorf("ParsePublicKeyLE error %v is not ErrMalformedKey", err)
					}
					return false
				}
				r, s, err := ParseSignature(sig, Layout{})
				if err != nil {
					t.Fatal(err)
				}
				return VerifyDigest(p, digest, r, s)
			}
			for _, pos := range []int{0, 1, n/2 + 3, n - 1} {
				if strict(tc.pubLE, flipByte(tc.digest, pos), tc.sig) {
					t.Errorf("verifies with digest byte %d flipped", pos)
				}
			}
			for _, pos := range []int{0, n - 1, n, 2*n - 1, n + 7} {
				if strict(tc.pubLE, tc.digest, flipByte(tc.sig, pos)) {
					t.Errorf("verifies with signature byte %d flipped", pos)
				}
			}
			for _, pos := range []int{0, n - 1, n, 2*n - 1} {
				if strict(flipByte(tc.pubLE, pos), tc.digest, tc.sig) {
					t.Errorf("verifies with key byte %d flipped", pos)
				}
			}
			if VerifyDigest(pub, tc.digest, tc.s, tc.r) {
				t.Error("verifies with r and s swapped")
			}
			if VerifyDigest(pub, reversed(tc.digest), tc.r, tc.s) {
				t.Error("verifies with the digest read big-endian")
			}
			for _, l := range layouts[1:] {
				if strict(tc.pubLE, tc.digest, layoutSig(tc.r, tc.s, n, l)) {
					t.Errorf("strict layout accepts a signature laid out as %v", l)
				}
			}
			// A key on a different curve of the same size must not verify.
			for _, other := range Curves() {
				if other.Size != n || other.P.Cmp(tc.curve.P) == 0 && other.A.Cmp(tc.curve.A) == 0 {
					continue
				}
				if p, err := ParsePublicKeyLE(other, tc.pubLE); err == nil && VerifyDigest(p, tc.digest, tc.r, tc.s) {
					t.Errorf("verifies on %s", other.Name)
				}
			}
		})
	}
}

func TestVerifyDigestMalformed(t *testing.T) {
	cases := allCases(t)
	tc := cases[len(cases)-1]
	pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
	if err != nil {
		t.Fatal(err)
	}
	q := tc.curve.Q
	qPlusR := new(big.Int).Add(q, tc.r)
	qPlusS := new(big.Int).Add(q, tc.s)
	offCurve := &PublicKey{Curve: tc.curve, X: pub.X, Y: new(big.Int).Add(pub.Y, big.NewInt(1))}
	brokenCurve := *tc.curve
	brokenCurve.P = nil
	tests := []struct {
		name   string
		pub    *PublicKey
		digest []byte
		r, s   *big.Int
	}{
		{"nil key", nil, tc.digest, tc.r, tc.s},
		{"nil curve", &PublicKey{X: pub.X, Y: pub.Y}, tc.digest, tc.r, tc.s},
		{"curve without p", &PublicKey{Curve: &brokenCurve, X: pub.X, Y: pub.Y}, tc.digest, tc.r, tc.s},
		{"nil coordinates", &PublicKey{Curve: tc.curve}, tc.digest, tc.r, tc.s},
		{"point off curve", offCurve, tc.digest, tc.r, tc.s},
		{"nil r", pub, tc.digest, nil, tc.s},
		{"nil s", pub, tc.digest, tc.r, nil},
		{"r = 0", pub, tc.digest, new(big.Int), tc.s},
		{"s = 0", pub, tc.digest, tc.r, new(big.Int)},
		{"r = q", pub, tc.digest, q, tc.s},
		{"s = q", pub, tc.digest, tc.r, q},
		{"r + q", pub, tc.digest, qPlusR, tc.s},
		{"s + q", pub, tc.digest, tc.r, qPlusS},
		{"negative r", pub, tc.digest, new(big.Int).Neg(tc.r), tc.s},
		{"empty digest", pub, nil, tc.r, tc.s},
		{"short digest", pub, tc.digest[:32], tc.r, tc.s},
		{"long digest", pub, append(append([]byte(nil), tc.digest...), 0), tc.r, tc.s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if VerifyDigest(tt.pub, tt.digest, tt.r, tt.s) {
				t.Error("VerifyDigest = true, want false")
			}
		})
	}
	// Sanity: the unmodified inputs verify, so the rejections above are meaningful.
	if !VerifyDigest(pub, tc.digest, tc.r, tc.s) {
		t.Fatal("reference signature does not verify")
	}
}

// TestVerifyDigestZeroE checks the e = 0 -> 1 rule (RFC 7091 §6.2 step 3): a digest
// equal to q (little-endian) must verify exactly as the digest 1 does.
func TestVerifyDigestZeroE(t *testing.T) {
	c := mustCurve(t, "1.2.643.2.2.35.0")
	d := big.NewInt(123456789)
	k := big.NewInt(987654321)
	qx, qy, _ := c.scalarMult(d, c.X, c.Y)
	pub := &PublicKey{Curve: c, X: qx, Y: qy}
	cx, _, _ := c.scalarMult(k, c.X, c.Y)
	r := new(big.Int).Mod(cx, c.Q)
	s := new(big.Int).Mul(r, d) // e = 1: s = r*d + k
	s.Add(s, k)
	s.Mod(s, c.Q)
	for _, e := range []*big.Int{big.NewInt(1), c.Q, new(big.Int)} {
		if !VerifyDigest(pub, leBytes(e, c.Size), r, s) {
			t.Errorf("digest with e = %x does not verify as e = 1", e)
		}
	}
	if VerifyDigest(pub, leBytes(big.NewInt(2), c.Size), r, s) {
		t.Error("digest with e = 2 verifies a signature made for e = 1")
	}
}

func TestParseSignatureLayouts(t *testing.T) {
	r := new(big.Int).SetBytes([]byte{0x01, 0x02, 0x03})
	s := new(big.Int).SetBytes([]byte{0xA0, 0xB0})
	for _, size := range []int{32, 64} {
		for _, l := range layouts {
			raw := layoutSig(r, s, size, l)
			gr, gs, err := ParseSignature(raw, l)
			if err != nil || gr.Cmp(r) != 0 || gs.Cmp(s) != 0 {
				t.Errorf("size %d %v: got (%v, %v, %v), want (%v, %v)", size, l, gr, gs, err, r, s)
			}
		}
	}
	// The documented relation: Windows' reversed X.509 buffer is r||s little-endian.
	x509 := layoutSig(r, s, 32, Layout{})
	gr, gs, _ := ParseSignature(reversed(x509), Layout{RFirst: true, LittleEndian: true})
	if gr.Cmp(r) != 0 || gs.Cmp(s) != 0 {
		t.Error("reversed s||r is not r||s little-endian")
	}
	for _, n := range []int{0, 1, 32, 63, 65, 96, 127, 129, 256} {
		if _, _, err := ParseSignature(make([]byte, n), Layout{}); !errors.Is(err, ErrMalformedSignature) {
			t.Errorf("ParseSignature(%d bytes) error = %v, want ErrMalformedSignature", n, err)
		}
	}
}

func TestParsePublicKeyLEErrors(t *testing.T) {
	c := mustCurve(t, "1.2.643.7.1.2.1.1.1")
	good := allCases(t)[0].pubLE // test-curve key: not on paramSetA
	x1 := make([]byte, 64)
	x1[0] = 1
	pLE := leBytes(c.P, 32)
	tests := []struct {
		name  string
		curve *Curve
		raw   []byte
		want  error
	}{
		{"nil curve", nil, good, ErrUnknownCurve},
		{"empty", c, nil, ErrMalformedKey},
		{"short", c, good[:63], ErrMalformedKey},
		{"long", c, append(append([]byte(nil), good...), 0), ErrMalformedKey},
		{"512-bit length on 256-bit curve", c, make([]byte, 128), ErrMalformedKey},
		{"point of another curve", c, good, ErrMalformedKey},
		{"zero point", c, make([]byte, 64), ErrMalformedKey},
		{"x = 1, y = 0", c, x1, ErrMalformedKey},
		{"x = p", c, append(pLE, make([]byte, 32)...), ErrMalformedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, err := ParsePublicKeyLE(tt.curve, tt.raw)
			if !errors.Is(err, tt.want) || pub != nil {
				t.Errorf("ParsePublicKeyLE = %v, %v; want nil, %v", pub, err, tt.want)
			}
		})
	}
}
