package gostsig

import (
	"math/big"
	"testing"
)

// TestCurvesMatchReference compares the Go table with testdata/curves.json entry by
// entry and checks the group law on each set: G on the curve, q*G = O, m*G = O.
func TestCurvesMatchReference(t *testing.T) {
	ref, _ := loadTestdata(t)
	if got := len(Curves()); got != len(ref) {
		t.Fatalf("Curves() has %d sets, reference has %d", got, len(ref))
	}
	for _, rc := range ref {
		t.Run(rc.Name, func(t *testing.T) {
			c := mustCurve(t, rc.OID)
			if c.Name != rc.Name || c.OID != rc.OID || c.Size*8 != rc.Bits || c.Test != rc.TestOnly {
				t.Errorf("metadata = %q %q %d %v, want %q %q %d %v",
					c.Name, c.OID, c.Size*8, c.Test, rc.Name, rc.OID, rc.Bits, rc.TestOnly)
			}
			for _, f := range []struct {
				name string
				got  *big.Int
				want string
			}{
				{"p", c.P, rc.P}, {"a", c.A, rc.A}, {"b", c.B, rc.B},
				{"q", c.Q, rc.Q}, {"x", c.X, rc.X}, {"y", c.Y, rc.Y},
			} {
				if f.got.Cmp(hexInt(t, f.want)) != 0 {
					t.Errorf("%s = %x, want %s", f.name, f.got, f.want)
				}
			}
			if !c.onCurve(c.X, c.Y) {
				t.Fatal("base point is not on the curve")
			}
			if !c.P.ProbablyPrime(20) || !c.Q.ProbablyPrime(20) {
				t.Error("p or q is not prime")
			}
			if _, _, ok := c.scalarMult(c.Q, c.X, c.Y); ok {
				t.Error("q*G is not the point at infinity")
			}
			m := new(big.Int).Mul(c.Q, big.NewInt(rc.Cofactor))
			if m.Cmp(hexInt(t, rc.M)) != 0 {
				t.Errorf("cofactor*q = %x, want m = %s", m, rc.M)
			}
			qm1 := new(big.Int).Sub(c.Q, big.NewInt(1))
			x, y, ok := c.scalarMult(qm1, c.X, c.Y)
			if !ok || x.Cmp(c.X) != 0 || new(big.Int).Add(y, c.Y).Cmp(c.P) != 0 {
				t.Error("(q-1)*G != -G")
			}
			if c.P.BitLen() > c.Size*8 || c.Q.BitLen() > c.Size*8 {
				t.Errorf("p or q longer than %d bytes", c.Size)
			}
		})
	}
}

func TestCurveByOIDUnknown(t *testing.T) {
	for _, oid := range []string{"", "1.2.643.2.2.35.9", "1.2.840.10045.3.1.7", "1.2.643.7.1.2.1.1.1.0"} {
		if c, ok := CurveByOID(oid); ok || c != nil {
			t.Errorf("CurveByOID(%q) = %v, %v; want nil, false", oid, c, ok)
		}
	}
}

func TestCurvesOrderAndCopy(t *testing.T) {
	list := Curves()
	seen := map[string]bool{}
	for i, c := range list {
		if seen[c.OID] {
			t.Errorf("duplicate OID %s", c.OID)
		}
		seen[c.OID] = true
		if i > 0 && list[i-1].Test && !c.Test {
			t.Errorf("real set %s listed after a test set", c.Name)
		}
	}
	list[0] = nil
	if Curves()[0] == nil {
		t.Error("Curves returns the package's own slice")
	}
}
