package scan_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/layout/qr"
)

// needTool returns the path of an external program, skipping the test when it is
// missing, or failing it when OMSDESK_REQUIRE_TOOLS=1 (as in CI).
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (OMSDESK_REQUIRE_TOOLS=1): install the Debian package %s", name, pkg)
		}
		t.Skipf("%s not installed (Debian package %s)", name, pkg)
	}
	return p
}

type signer struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func newSigner(t testing.TB) signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Офис 77-001"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return signer{key, cert}
}

// payload is a synthetic holder; n varies the ENP so several codes differ.
func payload(n int) qr.Payload {
	enps := []string{"5001234567890127", "7800000000012341", "1234567890123452", "5001234567890119"}
	return qr.Payload{ENP: enps[n%len(enps)], Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
		BirthDate: policy.MakeDate(1985, 3, 15), OGRN: "1027700000008", OKATO: "45000",
		CardSerial: "000123456" + string(rune('0'+n%10)), IssueDate: policy.MakeDate(2025, 9, 1), Office: "77-001"}
}

func maxPayload() qr.Payload {
	p := payload(0)
	p.Surname = "КОНСТАНТИНОПОЛЬСКИЙ-ВЕРХНЕДНЕПРОВСКИЙЁЪЫ"
	p.FirstName = "АЛЕКСАНДРА-ЕВГЕНИЯ"
	p.Patronymic = "КОНСТАНТИНОВНА-ОГЛЫ'"
	p.OKATO, p.CardSerial, p.Office = "45286555000", "AB-1234567890123", "77-001-MOSCOW-01"
	return p
}

func (s signer) sign(t testing.TB, p qr.Payload) string {
	t.Helper()
	text, err := qr.Sign(p, s.key, s.cert)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// render draws text as a QR symbol, px pixels per module, with its quiet zone.
func render(t testing.TB, text string, px int) image.Image {
	t.Helper()
	sym, err := qr.NewSymbol(text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sym.PNG(px)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// sheet places images on a white page at the given points.
func sheet(w, h int, imgs []image.Image, at []image.Point) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(g, g.Bounds(), image.NewUniform(color.Gray{0xF0}), image.Point{}, draw.Src)
	for i, img := range imgs {
		draw.Draw(g, img.Bounds().Add(at[i]), img, img.Bounds().Min, draw.Src)
	}
	return g
}

func writePNG(t testing.TB, img image.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "code.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}
