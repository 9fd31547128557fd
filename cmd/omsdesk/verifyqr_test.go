package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/verify/verifytest"
	"omsdesk/layout/qr"
)

func qrPayload() qr.Payload {
	return qr.Payload{ENP: "5001234567890127", Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
		BirthDate: policy.MakeDate(1985, 3, 15), OGRN: "1027700000008", OKATO: "45000",
		CardSerial: "0001234567", IssueDate: policy.MakeDate(2025, 9, 1), Office: "77-001"}
}

// qrFixture signs the sample payload and writes the signer's certificate (PEM) into a
// trust directory; it returns the text, the directory, and a directory trusting
// another office only.
func qrFixture(t *testing.T) (text, trustDir, otherDir string) {
	t.Helper()
	s := verifytest.NewSigner(t, "Офис 77-001")
	cert, err := x509.ParseCertificate(s.Cert)
	if err != nil {
		t.Fatal(err)
	}
	text, err = qr.Sign(qrPayload(), s.Key, cert)
	if err != nil {
		t.Fatal(err)
	}
	trustDir, otherDir = t.TempDir(), t.TempDir()
	write := func(dir string, der []byte) {
		b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		if err := os.WriteFile(filepath.Join(dir, "office.pem"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(trustDir, s.Cert)
	write(otherDir, verifytest.NewSigner(t, "Офис 50-002").Cert)
	return text, trustDir, otherDir
}

// qrPNG draws the texts side by side as one image file.
func qrPNG(t *testing.T, texts ...string) string {
	t.Helper()
	page := image.NewGray(image.Rect(0, 0, 20+330*len(texts), 360))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	for i, text := range texts {
		sym, err := qr.NewSymbol(text)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sym.PNG(4)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		draw.Draw(page, img.Bounds().Add(image.Pt(10+330*i, 10)), img, image.Point{}, draw.Src)
	}
	path := filepath.Join(t.TempDir(), "photo.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, page); err != nil {
		t.Fatal(err)
	}
	return path
}

func decodeQRReport(t *testing.T, s string) qrReport {
	t.Helper()
	var r qrReport
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("output is not the documented JSON: %v\n%s", err, s)
	}
	return r
}

// tamper changes one character of the Base45 text so that it still decodes.
func tamper(text string) string {
	b := []byte(text)
	i := len(qr.Prefix) + 10
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

func TestVerifyQRExitCodes(t *testing.T) {
	text, trust, other := qrFixture(t)
	good := qrPNG(t, text)
	blank := qrPNG(t)
	foreign := qrPNG(t, "HTTPS://EXAMPLE.ORG/")
	mixed := qrPNG(t, text, "HTTPS://EXAMPLE.ORG/")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"valid image", []string{"--trust", trust, good}, exitOK},
		{"valid beside a web link", []string{"--trust", trust, mixed}, exitOK},
		{"valid text", []string{"--trust", trust, "--text", text}, exitOK},
		{"trust as a file, flags after the file", []string{good, "--trust", filepath.Join(trust, "office.pem")}, exitOK},
		{"two trust paths", []string{"--trust", other, "--trust", trust, good}, exitOK},
		{"tampered", []string{"--trust", trust, "--text", tamper(text)}, exitFailedChecks},
		{"unknown signer", []string{"--trust", other, good}, exitFailedChecks},
		{"tampered wins over valid", []string{"--trust", trust, good, "--text", tamper(text)}, exitFailedChecks},
		{"no code", []string{"--trust", trust, blank}, exitUnreadable},
		{"only a web link", []string{"--trust", trust, foreign}, exitUnreadable},
		{"one file without code", []string{"--trust", trust, good, blank}, exitUnreadable},
		{"garbage text", []string{"--trust", trust, "--text", "OMS:GGW"}, exitUnreadable},
		{"missing file", []string{"--trust", trust, filepath.Join(trust, "nope.png")}, exitFailure},
		{"no trust", []string{good}, exitUsage},
		{"no input", []string{"--trust", trust}, exitUsage},
		{"empty trust dir", []string{"--trust", t.TempDir(), good}, exitUsage},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, append([]string{"--lang", "en", "verify-qr"}, tt.args...)...)
		if code != tt.want {
			t.Errorf("%s: exit %d, want %d\n%s%s", tt.name, code, tt.want, out, errOut)
		}
	}
}

func TestVerifyQRText(t *testing.T) {
	text, trust, other := qrFixture(t)
	good := qrPNG(t, text)
	code, out, _ := runCLI(t, "--lang", "en", "verify-qr", "--trust", trust, good)
	for _, want := range []string{good + ": 1 QR code(s)", "[1] VALID — signed by a trusted issuing office",
		"CN=Офис 77-001", "5001234567890127", "ИВАНОВ ИВАН ИВАНОВИЧ", "15.03.1985", "0001234567", "77-001", "All OMS codes are valid."} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = runCLI(t, "--lang", "ru", "verify-qr", "--trust", other, good)
	for _, want := range []string{"НЕИЗВЕСТНЫЙ ПОДПИСАНТ", "не подтверждено", "Хотя бы один код"} {
		if code != exitFailedChecks || !strings.Contains(out, want) {
			t.Errorf("ru: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	_, out, _ = runCLI(t, "--lang", "en", "verify-qr", "--trust", trust, qrPNG(t))
	if !strings.Contains(out, "no QR code found") || !strings.Contains(out, "No valid OMS code") {
		t.Errorf("no code:\n%s", out)
	}
}

func TestVerifyQRJSON(t *testing.T) {
	text, trust, _ := qrFixture(t)
	mixed := qrPNG(t, text, "HTTPS://EXAMPLE.ORG/")
	blank := qrPNG(t)
	code, out, _ := runCLI(t, "--lang", "en", "verify-qr", "--json", "--trust", trust, "--text", tamper(text), mixed, blank)
	if code != exitFailedChecks {
		t.Errorf("exit %d", code)
	}
	r := decodeQRReport(t, out)
	if r.SchemaVersion != qrReportVersion || r.Outcome != "failed" || len(r.Files) != 3 {
		t.Fatalf("report %+v", r)
	}
	if f := r.Files[0]; f.File != "-" || len(f.Codes) != 1 || f.Codes[0].Verdict != qr.Tampered || f.Codes[0].Reason != qr.ReasonBadSignature {
		t.Errorf("text: %+v", f)
	}
	f := r.Files[1]
	if f.File != mixed || f.Error != nil || len(f.Codes) != 2 {
		t.Fatalf("mixed: %+v", f)
	}
	for _, c := range f.Codes {
		switch c.Text {
		case text:
			if c.Verdict != qr.Valid || c.Payload == nil || *c.Payload != qrPayload() || c.Signer == nil ||
				c.Signer.NotBefore != "2020-01-01" || c.KeyID == "" || c.ReasonText != "signed by a trusted issuing office" {
				t.Errorf("valid code: %+v", c)
			}
		case "HTTPS://EXAMPLE.ORG/":
			if c.Verdict != qr.Unreadable || c.Reason != qr.ReasonNotOurs || c.Payload != nil || c.Signer != nil {
				t.Errorf("web link: %+v", c)
			}
		default:
			t.Errorf("unexpected code %+v", c)
		}
	}
	if f := r.Files[2]; f.Error == nil || f.Error.Code != "no_code" || len(f.Codes) != 0 {
		t.Errorf("blank: %+v", f)
	}
}
