package issuing

import (
	"bytes"
	"crypto/x509"
	"image"
	"testing"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify/verifytest"
	"omsdesk/layout/qr"
)

// TestLayoutRenderer makes the previews and PDFs of an issued card, with and without
// a signed QR code, and checks the QR text verifies against the office's certificate.
func TestLayoutRenderer(t *testing.T) {
	signer := verifytest.NewSigner(t, "Synthetic insurer")
	cert, err := x509.ParseCertificate(signer.Cert)
	if err != nil {
		t.Fatal(err)
	}
	p := vcard.SamplePolicy(0)
	photo := photoPNG(t, 240, 320)
	d := Printable{Policy: p, Serial: "89701000000000000042", Photo: photo, Issued: policy.DateOf(testDay)}
	for _, tc := range []struct {
		name string
		r    LayoutRenderer
		qr   bool
	}{
		{"plain", LayoutRenderer{Tr: i18n.MustLoad(i18n.Russian), Office: "Synthetic office"}, false},
		{"qr", LayoutRenderer{Tr: i18n.MustLoad(i18n.English), Office: "Synthetic office", OfficeCode: "MSK-01", QRSigner: signer.Key, QRCert: cert}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			front, back, pdf, err := tc.r.Face(d)
			if err != nil {
				t.Fatal(err)
			}
			for _, png := range [][]byte{front, back} {
				img, _, err := image.Decode(bytes.NewReader(png))
				if err != nil || img.Bounds().Dx() < img.Bounds().Dy() {
					t.Fatalf("face preview: %v %v", img.Bounds(), err)
				}
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF")) {
				t.Fatal("face PDF is no PDF")
			}
			prev, cpdf, err := tc.r.Certificate(d)
			if err != nil {
				t.Fatal(err)
			}
			if img, _, err := image.Decode(bytes.NewReader(prev)); err != nil || img.Bounds().Dx() > img.Bounds().Dy() {
				t.Fatalf("certificate preview (A4 portrait): %v", err)
			}
			if !bytes.HasPrefix(cpdf, []byte("%PDF")) {
				t.Fatal("certificate PDF is no PDF")
			}
			text, err := tc.r.qr(d)
			if err != nil || (text != "") != tc.qr {
				t.Fatalf("QR text %q, %v", text, err)
			}
			if tc.qr {
				res := qr.VerifyAt(text, qr.NewTrust(cert), testDay)
				if res.Verdict != qr.Valid || res.Payload.CardSerial != d.Serial || res.Payload.ENP != p.Owner.ENP {
					t.Fatalf("QR verdict %+v", res)
				}
			}
		})
	}
}
