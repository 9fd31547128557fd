package gostsig

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The JSON files in testdata/ are copies of the machine-checked reference data
// (curves.json, signatures.json); see their "checks_performed" fields.

type curveJSON struct {
	Name     string `json:"name"`
	OID      string `json:"oid"`
	Bits     int    `json:"bits"`
	TestOnly bool   `json:"test_only"`
	P        string `json:"p"`
	A        string `json:"a"`
	B        string `json:"b"`
	M        string `json:"m"`
	Q        string `json:"q"`
	Cofactor int64  `json:"cofactor"`
	X        string `json:"x"`
	Y        string `json:"y"`
}

type workedJSON struct {
	ID           string `json:"id"`
	CurveOID     string `json:"curve_oid"`
	D            string `json:"d"`
	Qx           string `json:"Qx"`
	Qy           string `json:"Qy"`
	E            string `json:"e"`
	K            string `json:"k"`
	Cx           string `json:"C_x"`
	Cy           string `json:"C_y"`
	R            string `json:"r"`
	S            string `json:"s"`
	SigX509      string `json:"signature_x509_layout_hex"`
	Verification struct {
		V  string `json:"v"`
		Z1 string `json:"z1"`
		Z2 string `json:"z2"`
		Cx string `json:"C_x"`
		Cy string `json:"C_y"`
		R  string `json:"R"`
	} `json:"verification"`
}

type x509JSON struct {
	ID           string `json:"id"`
	CurveOID     string `json:"curve_oid"`
	SigAlgOID    string `json:"signature_algorithm_oid"`
	D            string `json:"d"`
	Qx           string `json:"Qx"`
	Qy           string `json:"Qy"`
	PubLE        string `json:"public_key_octets_le"`
	DERBase64    string `json:"der_base64"`
	TBSHex       string `json:"tbs_hex"`
	DigestHex    string `json:"digest_hex"`
	EModQ        string `json:"e_mod_q"`
	SignatureHex string `json:"signature_bitstring_hex"`
	R            string `json:"r"`
	S            string `json:"s"`
}

type opensslJSON struct {
	ID           string   `json:"id"`
	Algorithm    string   `json:"openssl_algorithm"`
	Paramset     string   `json:"openssl_paramset"`
	KeyAlgOID    string   `json:"key_algorithm_oid"`
	KeyParamOIDs []string `json:"key_parameter_oids"`
	CurveOID     string   `json:"curve_oid"`
	MessageHex   string   `json:"message_hex"`
	DigestAlg    string   `json:"digest_algorithm"`
	DigestHex    string   `json:"digest_hex"`
	EModQ        string   `json:"e_mod_q"`
	D            string   `json:"d"`
	Qx           string   `json:"Qx"`
	Qy           string   `json:"Qy"`
	SPKIHex      string   `json:"spki_der_hex"`
	PubLE        string   `json:"public_key_octets_le"`
	SignatureHex string   `json:"signature_hex"`
	R            string   `json:"r"`
	S            string   `json:"s"`
}

type signaturesJSON struct {
	Worked  []workedJSON  `json:"worked_examples"`
	X509    []x509JSON    `json:"rfc9215_x509_examples"`
	OpenSSL []opensslJSON `json:"openssl_generated"`
}

var (
	loadOnce sync.Once
	curvesTD []curveJSON
	sigsTD   signaturesJSON
	loadErr  error
)

func loadTestdata(t testing.TB) ([]curveJSON, *signaturesJSON) {
	t.Helper()
	loadOnce.Do(func() {
		var cf struct {
			Curves []curveJSON `json:"curves"`
		}
		if loadErr = readJSON("curves.json", &cf); loadErr != nil {
			return
		}
		curvesTD = cf.Curves
		loadErr = readJSON("signatures.json", &sigsTD)
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return curvesTD, &sigsTD
}

func readJSON(name string, v any) error {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func hexInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex integer %q", s)
	}
	return n
}

func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func mustCurve(t testing.TB, oid string) *Curve {
	t.Helper()
	c, ok := CurveByOID(oid)
	if !ok {
		t.Fatalf("CurveByOID(%q) not found", oid)
	}
	return c
}

// leBytes encodes n as size bytes little-endian (the digest whose LE value is n).
func leBytes(n *big.Int, size int) []byte {
	b := n.FillBytes(make([]byte, size))
	reverse(b)
	return b
}

func reverse(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}

func reversed(b []byte) []byte {
	out := append([]byte(nil), b...)
	reverse(out)
	return out
}

// layoutSig encodes (r, s) in layout with size-byte halves.
func layoutSig(r, s *big.Int, size int, l Layout) []byte {
	enc := func(n *big.Int) []byte {
		b := n.FillBytes(make([]byte, size))
		if l.LittleEndian {
			reverse(b)
		}
		return b
	}
	if l.RFirst {
		return append(enc(r), enc(s)...)
	}
	return append(enc(s), enc(r)...)
}

func flipByte(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i%len(out)] ^= 0x01
	return out
}
