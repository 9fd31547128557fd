package gostsig

import (
	"math/big"
	"sort"
	"sync"
)

// Curve is one GOST R 34.10 elliptic-curve parameter set: the short Weierstrass curve
// y^2 = x^3 + a*x + b over GF(P) with a base point (X, Y) of prime order Q.
//
// The two twisted Edwards sets of RFC 7836 (tc26 256-bit paramSetA and 512-bit
// paramSetC) are given by their Weierstrass equivalents, which is all a verifier needs:
// GOST R 34.10-2012 is defined on the Weierstrass form, and RFC 7836 Appendix A.2
// publishes both forms of these sets.
//
// Curve values are shared; callers must not modify them.
type Curve struct {
	Name string // ASN.1 name of the parameter set, e.g. "id-tc26-gost-3410-2012-256-paramSetA"
	OID  string // dotted object identifier, e.g. "1.2.643.7.1.2.1.1.1"

	P, A, B *big.Int // field prime and curve coefficients
	Q       *big.Int // prime order of the base point (the subgroup signatures live in)
	X, Y    *big.Int // base point

	// Size is the length in bytes of one coordinate, of r and of s: 32 for 256-bit sets,
	// 64 for 512-bit sets.
	Size int

	// Test is true for the example curves of the standards (RFC 5832/7091 section 7,
	// RFC 9215 Appendix E). Real keys do not use them; a key on one deserves a remark in
	// an integrity report.
	Test bool
}

// curveDef is the source form of a parameter set: big-endian hex as printed in the
// reference data, parsed once at package initialisation.
type curveDef struct {
	name, oid        string
	size             int
	test             bool
	p, a, b, q, x, y string
}

// curveDefs lists every parameter set this package verifies against, keyed by OID when
// loaded. Values were cut from the RFCs by script and cross-checked against gost-engine's
// gost_params.c; curves_test.go compares them with testdata/curves.json and checks that
// each base point lies on its curve and has order q.
//
// Several OIDs name the same curve (RFC 9215 Appendix C): CryptoPro-A = XchA = tc26
// 256 paramSetB, CryptoPro-B = tc26 256 paramSetC, CryptoPro-C = XchB = tc26 256
// paramSetD. Each OID has its own entry so a certificate names its set exactly.
var curveDefs = []curveDef{
	// Source: RFC 4357 section 11.4 (base64 DER blob GostR3410-2001-ParamSetParameters.bin); gost-engine gost_params.c (cross-check).
	{
		name: "id-GostR3410-2001-CryptoPro-A-ParamSet",
		oid:  "1.2.643.2.2.35.1",
		size: 32,
		p:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		a:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94",
		b:    "00000000000000000000000000000000000000000000000000000000000000a6",
		q:    "ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
		x:    "0000000000000000000000000000000000000000000000000000000000000001",
		y:    "8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14",
	},
	// Source: RFC 4357 section 11.4; gost-engine gost_params.c (cross-check).
	{
		name: "id-GostR3410-2001-CryptoPro-B-ParamSet",
		oid:  "1.2.643.2.2.35.2",
		size: 32,
		p:    "8000000000000000000000000000000000000000000000000000000000000c99",
		a:    "8000000000000000000000000000000000000000000000000000000000000c96",
		b:    "3e1af419a269a5f866a7d3c25c3df80ae979259373ff2b182f49d4ce7e1bbc8b",
		q:    "800000000000000000000000000000015f700cfff1a624e5e497161bcc8a198f",
		x:    "0000000000000000000000000000000000000000000000000000000000000001",
		y:    "3fa8124359f96680b83d1c3eb2c070e5c545c9858d03ecfb744bf8d717717efc",
	},
	// Source: RFC 4357 section 11.4; gost-engine gost_params.c (cross-check).
	{
		name: "id-GostR3410-2001-CryptoPro-C-ParamSet",
		oid:  "1.2.643.2.2.35.3",
		size: 32,
		p:    "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d759b",
		a:    "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d7598",
		b:    "000000000000000000000000000000000000000000000000000000000000805a",
		q:    "9b9f605f5a858107ab1ec85e6b41c8aa582ca3511eddfb74f02f3a6598980bb9",
		x:    "0000000000000000000000000000000000000000000000000000000000000000",
		y:    "41ece55743711a8c3cbf3783cd08c0ee4d4dc440d4641a8f366e550dfdb3bb67",
	},
	// Same curve as id-GostR3410-2001-CryptoPro-A-ParamSet.
	// Source: RFC 4357 section 11.4; gost-engine gost_params.c (cross-check).
	{
		name: "id-GostR3410-2001-CryptoPro-XchA-ParamSet",
		oid:  "1.2.643.2.2.36.0",
		size: 32,
		p:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		a:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94",
		b:    "00000000000000000000000000000000000000000000000000000000000000a6",
		q:    "ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
		x:    "0000000000000000000000000000000000000000000000000000000000000001",
		y:    "8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14",
	},
	// Same curve as id-GostR3410-2001-CryptoPro-C-ParamSet.
	// Source: RFC 4357 section 11.4; gost-engine gost_params.c (cross-check).
	{
		name: "id-GostR3410-2001-CryptoPro-XchB-ParamSet",
		oid:  "1.2.643.2.2.36.1",
		size: 32,
		p:    "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d759b",
		a:    "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d7598",
		b:    "000000000000000000000000000000000000000000000000000000000000805a",
		q:    "9b9f605f5a858107ab1ec85e6b41c8aa582ca3511eddfb74f02f3a6598980bb9",
		x:    "0000000000000000000000000000000000000000000000000000000000000000",
		y:    "41ece55743711a8c3cbf3783cd08c0ee4d4dc440d4641a8f366e550dfdb3bb67",
	},
	// Twisted Edwards curve, given here in its short Weierstrass form.
	// Source: RFC 7836 Appendix A.2; gost-engine gost_params.c (cross-check of a, b, p, q, x, y, cofactor).
	{
		name: "id-tc26-gost-3410-2012-256-paramSetA",
		oid:  "1.2.643.7.1.2.1.1.1",
		size: 32,
		p:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		a:    "c2173f1513981673af4892c23035a27ce25e2013bf95aa33b22c656f277e7335",
		b:    "295f9bae7428ed9ccc20e7c359a9d41a22fccd9108e17bf7ba9337a6f8ae9513",
		q:    "400000000000000000000000000000000fd8cddfc87b6635c115af556c360c67",
		x:    "91e38443a5e82c0d880923425712b2bb658b9196932e02c78b2582fe742daa28",
		y:    "32879423ab1a0375895786c4bb46e9565fde0b5344766740af268adb32322e5c",
	},
	// Same curve as id-GostR3410-2001-CryptoPro-A-ParamSet.
	// Source: RFC 9215 Appendix C (new OID for the RFC 4357 CryptoPro-A curve); RFC 4357 section 11.4 (values).
	{
		name: "id-tc26-gost-3410-2012-256-paramSetB",
		oid:  "1.2.643.7.1.2.1.1.2",
		size: 32,
		p:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		a:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94",
		b:    "00000000000000000000000000000000000000000000000000000000000000a6",
		q:    "ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
		x:    "0000000000000000000000000000000000000000000000000000000000000001",
		y:    "8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14",
	},
	// Same curve as id-GostR3410-2001-CryptoPro-B-ParamSet.
	// Source: RFC 9215 Appendix C (new OID for the RFC 4357 CryptoPro-B curve); RFC 4357 section 11.4 (values).
	{
		name: "id-tc26-gost-3410-2012-256-paramSetC",
		oid:  "1.2.643.7.1.2.1.1.3",
		size: 32,
		p:    "8000000000000000000000000000000000000000000000000000000000000c99",
		a:    "8000000000000000000000000000000000000000000000000000000000000c96",
		b:    "3e1af419a269a5f866a7d3c25c3df80ae979259373ff2b182f49d4ce7e1bbc8b",
		q:    "800000000000000000000000000000015f700cfff1a624e5e497161bcc8a198f",
		x:    "0000000000000000000000000000000000000000000000000000000000000001",
		y:    "3fa8124359f96680b83d1c3eb2c070e5c545c9858d03ecfb744bf8d717717efc",
	},
	// Same curve as id-GostR3410-2001-CryptoPro-C-ParamSet.
	// Source: RFC 9215 Appendix C (new OID for the RFC 4357 CryptoPro-C curve); RFC 4357 section 11.4 (values).
	{
		name: "id-tc26-gost-3410-2012-256-paramSetD",
		oid:  "1.2.643.7.1.2.1.1.4",
		size: 32,
		p:    "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d759b",
		a:    "9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d7598",
		b:    "000000000000000000000000000000000000000000000000000000000000805a",
		q:    "9b9f605f5a858107ab1ec85e6b41c8aa582ca3511eddfb74f02f3a6598980bb9",
		x:    "0000000000000000000000000000000000000000000000000000000000000000",
		y:    "41ece55743711a8c3cbf3783cd08c0ee4d4dc440d4641a8f366e550dfdb3bb67",
	},
	// Source: RFC 7836 Appendix A.1; gost-engine gost_params.c (cross-check).
	{
		name: "id-tc26-gost-3410-12-512-paramSetA",
		oid:  "1.2.643.7.1.2.1.2.1",
		size: 64,
		p:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7",
		a:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc4",
		b:    "e8c2505dedfc86ddc1bd0b2b6667f1da34b82574761cb0e879bd081cfd0b6265ee3cb090f30d27614cb4574010da90dd862ef9d4ebee4761503190785a71c760",
		q:    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275",
		x:    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003",
		y:    "7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a41e98028fe5fc235f5b889a589cb5215f2a4",
	},
	// Source: RFC 7836 Appendix A.1; gost-engine gost_params.c (cross-check).
	{
		name: "id-tc26-gost-3410-12-512-paramSetB",
		oid:  "1.2.643.7.1.2.1.2.2",
		size: 64,
		p:    "8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006f",
		a:    "8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006c",
		b:    "687d1b459dc841457e3e06cf6f5e2517b97c7d614af138bcbf85dc806c4b289f3e965d2db1416d217f8b276fad1ab69c50f78bee1fa3106efb8ccbc7c5140116",
		q:    "800000000000000000000000000000000000000000000000000000000000000149a1ec142565a545acfdb77bd9d40cfa8b996712101bea0ec6346c54374f25bd",
		x:    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002",
		y:    "1a8f7eda389b094c2c071e3647a8940f3c123b697578c213be6dd9e6c8ec7335dcb228fd1edf4a39152cbcaaf8c0398828041055f94ceeec7e21340780fe41bd",
	},
	// Twisted Edwards curve, given here in its short Weierstrass form.
	// Source: RFC 7836 Appendix A.2; gost-engine gost_params.c (cross-check).
	{
		name: "id-tc26-gost-3410-2012-512-paramSetC",
		oid:  "1.2.643.7.1.2.1.2.3",
		size: 64,
		p:    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7",
		a:    "dc9203e514a721875485a529d2c722fb187bc8980eb866644de41c68e143064546e861c0e2c9edd92ade71f46fcf50ff2ad97f951fda9f2a2eb6546f39689bd3",
		b:    "b4c4ee28cebc6c2c8ac12952cf37f16ac7efb6a9f69f4b57ffda2e4f0de5ade038cbc2fff719d2c18de0284b8bfef3b52b8cc7a5f5bf0a3c8d2319a5312557e1",
		q:    "3fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc98cdba46506ab004c33a9ff5147502cc8eda9e7a769a12694623cef47f023ed",
		x:    "e2e31edfc23de7bdebe241ce593ef5de2295b7a9cbaef021d385f7074cea043aa27272a7ae602bf2a7b9033db9ed3610c6fb85487eae97aac5bc7928c1950148",
		y:    "f5ce40d95b5eb899abbccff5911cb8577939804d6527378b8c108c3d2090ff9be18e2d33e3021ed2ef32d85822423b6304f726aa854bae07d0396e9a9addc40f",
	},
	// Example curve of the standard; real keys do not use it.
	// Source: RFC 4357 section 11.4; RFC 5832 section 7.1 and RFC 7091 section 7.1 (same values, decimal and hex); gost-engine gost_params.c (cross-check).
	{
		name: "id-GostR3410-2001-TestParamSet",
		oid:  "1.2.643.2.2.35.0",
		size: 32,
		test: true,
		p:    "8000000000000000000000000000000000000000000000000000000000000431",
		a:    "0000000000000000000000000000000000000000000000000000000000000007",
		b:    "5fbff498aa938ce739b8e022fbafef40563f6e6a3472fc2a514c0ce9dae23b7e",
		q:    "8000000000000000000000000000000150fe8a1892976154c59cfc193accf5b3",
		x:    "0000000000000000000000000000000000000000000000000000000000000002",
		y:    "08e2a8a0e65147d4bd6316030e16d19c85c97f0a9ca267122b96abbcea7e8fc8",
	},
	// Example curve of the standard; real keys do not use it.
	// Source: RFC 9215 Appendix E (decimal and hex; OID from RFC 9215 Appendix A); gost-engine gost_params.c (cross-check).
	{
		name: "id-tc26-gost-3410-2012-512-paramSetTest",
		oid:  "1.2.643.7.1.2.1.2.0",
		size: 64,
		test: true,
		p:    "4531acd1fe0023c7550d267b6b2fee80922b14b2ffb90f04d4eb7c09b5d2d15df1d852741af4704a0458047e80e4546d35b8336fac224dd81664bbf528be6373",
		a:    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000007",
		b:    "1cff0806a31116da29d8cfa54e57eb748bc5f377e49400fdd788b649eca1ac4361834013b2ad7322480a89ca58e0cf74bc9e540c2add6897fad0a3084f302adc",
		q:    "4531acd1fe0023c7550d267b6b2fee80922b14b2ffb90f04d4eb7c09b5d2d15da82f2d7ecb1dbac719905c5eecc423f1d86e25edbe23c595d644aaf187e6e6df",
		x:    "24d19cc64572ee30f396bf6ebbfd7a6c5213b3b3d7057cc825f91093a68cd762fd60611262cd838dc6b60aa7eee804e28bc849977fac33b4b530f1b120248a9a",
		y:    "2bb312a43bd2ce6e0d020613c857acddcfbf061e91e5f2c3f32447c259f39b2c83ab156d77f1496bf7eb3351e1ee4e43dc1a18b91b24640b6dbb92cb1add371e",
	},
}

// curveTable is the parsed parameter sets, built on first use rather than at program
// start (parsing 14 sets of big hex numbers is wasted on runs that verify nothing).
type curveTable struct {
	byOID map[string]*Curve
	list  []*Curve
}

var curves = sync.OnceValue(func() curveTable {
	t := curveTable{byOID: map[string]*Curve{}}
	for _, d := range curveDefs {
		c := &Curve{
			Name: d.name,
			OID:  d.oid,
			P:    mustHex(d.p),
			A:    mustHex(d.a),
			B:    mustHex(d.b),
			Q:    mustHex(d.q),
			X:    mustHex(d.x),
			Y:    mustHex(d.y),
			Size: d.size,
			Test: d.test,
		}
		t.byOID[c.OID] = c
		t.list = append(t.list, c)
	}
	sort.SliceStable(t.list, func(i, j int) bool {
		if t.list[i].Test != t.list[j].Test {
			return !t.list[i].Test
		}
		return t.list[i].Size < t.list[j].Size
	})
	return t
})

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("gostsig: bad curve constant " + s)
	}
	return n
}

// CurveByOID returns the parameter set named by a dotted OID such as "1.2.643.2.2.35.1".
func CurveByOID(oid string) (*Curve, bool) {
	c, ok := curves().byOID[oid]
	return c, ok
}

// Curves returns every known parameter set: real 256-bit sets, then real 512-bit sets,
// then the two test curves. The slice is new on each call; the curves are shared.
func Curves() []*Curve {
	return append([]*Curve(nil), curves().list...)
}

// String returns the parameter set's name and OID.
func (c *Curve) String() string {
	return c.Name + " (" + c.OID + ")"
}
