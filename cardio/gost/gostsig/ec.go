package gostsig

import "math/big"

// This file holds the elliptic-curve arithmetic verification needs: point validation
// and z1*P + z2*Q. It is written for clarity on math/big and is not constant time,
// which is fine for verification (all inputs are public). Field elements are kept
// reduced into [0, p); the scratch values of one arith are reused so that a
// verification does not allocate per field operation.

// jacobian is a point in Jacobian coordinates: affine (X/Z^2, Y/Z^3); Z = 0 is the
// point at infinity.
type jacobian struct{ x, y, z big.Int }

func (j *jacobian) isInfinity() bool { return j.z.Sign() == 0 }

func (j *jacobian) set(o *jacobian) *jacobian {
	j.x.Set(&o.x)
	j.y.Set(&o.y)
	j.z.Set(&o.z)
	return j
}

func (j *jacobian) setAffine(x, y *big.Int) *jacobian {
	j.x.Set(x)
	j.y.Set(y)
	j.z.SetInt64(1)
	return j
}

func (j *jacobian) setInfinity() *jacobian {
	j.x.SetInt64(1)
	j.y.SetInt64(1)
	j.z.SetInt64(0)
	return j
}

// arith does field and point arithmetic on one curve with reusable scratch space. It
// is not safe for concurrent use; each verification makes its own.
type arith struct {
	c    *Curve
	quo  big.Int // quotient scratch for reductions
	prod big.Int // unreduced product scratch
	// temporaries of double and add
	t1, t2, t3, t4, t5, t6, t7, t8 big.Int
}

func newArith(c *Curve) *arith { return &arith{c: c} }

// mul sets z = x*y mod p. z may alias x or y.
func (a *arith) mul(z, x, y *big.Int) {
	a.prod.Mul(x, y)
	a.quo.QuoRem(&a.prod, a.c.P, z)
	if z.Sign() < 0 {
		z.Add(z, a.c.P)
	}
}

// add sets z = x+y mod p for reduced x, y.
func (a *arith) add(z, x, y *big.Int) {
	z.Add(x, y)
	if z.Cmp(a.c.P) >= 0 {
		z.Sub(z, a.c.P)
	}
}

// sub sets z = x-y mod p for reduced x, y.
func (a *arith) sub(z, x, y *big.Int) {
	z.Sub(x, y)
	if z.Sign() < 0 {
		z.Add(z, a.c.P)
	}
}

// onCurve reports whether (x, y) is an affine point of c with both coordinates already
// reduced into [0, p).
func (c *Curve) onCurve(x, y *big.Int) bool {
	if x == nil || y == nil || x.Sign() < 0 || y.Sign() < 0 || x.Cmp(c.P) >= 0 || y.Cmp(c.P) >= 0 {
		return false
	}
	lhs := new(big.Int).Mul(y, y)
	lhs.Mod(lhs, c.P)
	rhs := new(big.Int).Mul(x, x)
	rhs.Add(rhs, c.A)
	rhs.Mul(rhs, x)
	rhs.Add(rhs, c.B)
	rhs.Mod(rhs, c.P)
	return lhs.Cmp(rhs) == 0
}

// affine converts j to affine coordinates; ok is false for the point at infinity.
func (a *arith) affine(j *jacobian) (x, y *big.Int, ok bool) {
	if j.isInfinity() {
		return nil, nil, false
	}
	zinv := new(big.Int).ModInverse(&j.z, a.c.P)
	if zinv == nil {
		return nil, nil, false
	}
	zinv2 := new(big.Int)
	a.mul(zinv2, zinv, zinv)
	x = new(big.Int)
	a.mul(x, &j.x, zinv2)
	a.mul(zinv2, zinv2, zinv)
	y = new(big.Int)
	a.mul(y, &j.y, zinv2)
	return x, y, true
}

// double sets r = 2*j (dbl-2007-bl for a general a). r may alias j.
func (a *arith) double(r, j *jacobian) {
	if j.isInfinity() || j.y.Sign() == 0 {
		r.setInfinity()
		return
	}
	xx, yy, yyyy, zz, s, m, t := &a.t1, &a.t2, &a.t3, &a.t4, &a.t5, &a.t6, &a.t7
	a.mul(xx, &j.x, &j.x)
	a.mul(yy, &j.y, &j.y)
	a.mul(yyyy, yy, yy)
	a.mul(zz, &j.z, &j.z)

	a.mul(s, &j.x, yy) // S = 4*X*YY
	a.add(s, s, s)
	a.add(s, s, s)

	a.mul(m, zz, zz) // M = 3*XX + a*ZZ^2
	a.mul(m, m, a.c.A)
	a.add(m, m, xx)
	a.add(m, m, xx)
	a.add(m, m, xx)

	a.mul(&r.z, &j.y, &j.z) // Z3 = 2*Y*Z (before X and Y are overwritten)
	a.add(&r.z, &r.z, &r.z)

	a.mul(t, m, m) // X3 = M^2 - 2*S
	a.sub(t, t, s)
	a.sub(&r.x, t, s)

	a.sub(t, s, &r.x) // Y3 = M*(S - X3) - 8*YYYY
	a.mul(t, t, m)
	a.add(yyyy, yyyy, yyyy)
	a.add(yyyy, yyyy, yyyy)
	a.add(yyyy, yyyy, yyyy)
	a.sub(&r.y, t, yyyy)
}

// addPoints sets r = p + q, handling the point at infinity, p = q and p = -q. r may
// alias p but not q.
func (a *arith) addPoints(r, p, q *jacobian) {
	if p.isInfinity() {
		r.set(q)
		return
	}
	if q.isInfinity() {
		r.set(p)
		return
	}
	z1z1, z2z2, u1, u2, s1, s2, h, rr := &a.t1, &a.t2, &a.t3, &a.t4, &a.t5, &a.t6, &a.t7, &a.t8
	a.mul(z1z1, &p.z, &p.z)
	a.mul(z2z2, &q.z, &q.z)
	a.mul(u1, &p.x, z2z2)
	a.mul(u2, &q.x, z1z1)
	a.mul(s1, &p.y, &q.z)
	a.mul(s1, s1, z2z2)
	a.mul(s2, &q.y, &p.z)
	a.mul(s2, s2, z1z1)

	a.sub(h, u2, u1)
	a.sub(rr, s2, s1)
	if h.Sign() == 0 {
		if rr.Sign() == 0 {
			a.double(r, p)
			return
		}
		r.setInfinity()
		return
	}
	hh, hhh, v := z1z1, z2z2, u2 // reuse: no longer needed
	a.mul(hh, h, h)
	a.mul(hhh, hh, h)
	a.mul(v, u1, hh)

	a.mul(&r.z, &p.z, &q.z) // Z3 = H*Z1*Z2 (p.z read before r may overwrite it)
	a.mul(&r.z, &r.z, h)

	a.mul(&r.x, rr, rr) // X3 = R^2 - H^3 - 2*U1*H^2
	a.sub(&r.x, &r.x, hhh)
	a.sub(&r.x, &r.x, v)
	a.sub(&r.x, &r.x, v)

	a.sub(v, v, &r.x) // Y3 = R*(U1*H^2 - X3) - S1*H^3
	a.mul(v, v, rr)
	a.mul(s1, s1, hhh)
	a.sub(&r.y, v, s1)
}

// combinedMult returns k1*P1 + k2*P2 by Shamir's trick (one shared doubling chain).
// k1 and k2 must be non-negative.
func (a *arith) combinedMult(k1 *big.Int, p1 *jacobian, k2 *big.Int, p2 *jacobian) *jacobian {
	var sum jacobian
	a.addPoints(&sum, p1, p2)
	acc := new(jacobian).setInfinity()
	for i := max(k1.BitLen(), k2.BitLen()) - 1; i >= 0; i-- {
		a.double(acc, acc)
		switch b1, b2 := k1.Bit(i), k2.Bit(i); {
		case b1 == 1 && b2 == 1:
			a.addPoints(acc, acc, &sum)
		case b1 == 1:
			a.addPoints(acc, acc, p1)
		case b2 == 1:
			a.addPoints(acc, acc, p2)
		}
	}
	return acc
}

// scalarMult returns k*(x, y) in affine coordinates; ok is false for the point at
// infinity. Only tests use it (to check Q = d*G and q*G = O); verification needs
// combinedMult.
func (c *Curve) scalarMult(k, x, y *big.Int) (rx, ry *big.Int, ok bool) {
	a := newArith(c)
	var p, inf jacobian
	p.setAffine(x, y)
	inf.setInfinity()
	return a.affine(a.combinedMult(k, &p, new(big.Int), &inf))
}
