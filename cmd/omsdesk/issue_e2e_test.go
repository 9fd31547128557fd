package main

// End-to-end issuance through the real stack: pcscd + vpcd slot 1 with a blank virtual
// card, a SoftHSM2 PKCS#11 token holding the insurer key, a SQLite registry file, and
// OpenSSL as an independent judge of the signature written to the card.

import (
	"bytes"

	"database/sql"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/signing/softhsmtest"
	"omsdesk/cardio/tlv"
	"omsdesk/cardio/vcard"
)

// office is the set-up of an insurer office for one test: key, registry, PINs, files.
type officeSetup struct {
	dir, registry, key, trust, holder, photo string
}

func newOffice(t *testing.T) officeSetup {
	t.Helper()
	dir := t.TempDir()
	spec, cert := softhsmtest.NewToken(t)
	o := officeSetup{dir: dir, registry: filepath.Join(dir, "registry.db"), key: spec, trust: filepath.Join(dir, "trust")}
	if err := os.Mkdir(o.trust, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(o.trust, "insurer.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}), 0o600); err != nil {
		t.Fatal(err)
	}
	p := vcard.SamplePolicy(0)
	p.Owner.Photo, p.Owner.IssueDate, p.Insurer.Signature, p.Insurer.End = nil, policy.Date{}, nil, policy.Date{}
	doc, err := json.Marshal(p.Document())
	if err != nil {
		t.Fatal(err)
	}
	o.holder = filepath.Join(dir, "holder.json")
	if err := os.WriteFile(o.holder, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	// A synthetic "photo": a landscape gradient the issuer must crop to 3:4.
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 3), uint8(y / 2), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	o.photo = filepath.Join(dir, "photo.png")
	if err := os.WriteFile(o.photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OMSDESK_ISSUER_PIN", "12345678")
	t.Setenv("OMSDESK_HOLDER_PIN", "2468")
	return o
}

func (o officeSetup) args(cmd string, extra ...string) []string {
	return append([]string{cmd, "--registry", o.registry, "--key", o.key, "--reader", reader, "--timeout", "10s"}, extra...)
}

func TestE2EIssueReadVerifyChangeReissue(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	o := newOffice(t)
	card := vcard.NewBlank(vcard.BlankOptions{Serial: "89701000000000000101", IssuerPIN: "12345678"})
	link := pcsctest.InsertCard(t, pc, slot, card)

	code, out, errOut := runCLI(t, o.args("issue", "--data", o.holder, "--photo", o.photo, "--json")...)
	if code != exitOK {
		t.Fatalf("issue: exit %d\n%s", code, errOut)
	}
	var issued issueOutput
	if err := json.Unmarshal([]byte(out), &issued); err != nil {
		t.Fatalf("issue --json: %v\n%s", err, out)
	}
	if issued.Serial != card.Serial() || issued.Policy.Photo == nil || issued.Policy.Photo.MediaType != "image/jpeg" {
		t.Fatalf("issued %+v", issued)
	}

	// The ordinary read command reads the card we made, field by field.
	code, out, errOut = runCLI(t, "read", "--reader", reader, "--json", "--timeout", "10s")
	if code != exitOK {
		t.Fatalf("read: exit %d\n%s", code, errOut)
	}
	r := decodeReport(t, out)
	var want policy.Document
	data, _ := os.ReadFile(o.holder)
	json.Unmarshal(data, &want)
	if r.Policy.ENP != want.ENP || r.Policy.Surname != want.Surname || r.Policy.BirthDate != want.BirthDate ||
		r.Policy.Insurer.OGRN != want.Insurer.OGRN || r.Policy.Insurer.Signature == nil {
		t.Fatalf("read back %+v", r.Policy)
	}

	// The technician's check passes with the insurer's certificate trusted.
	if code, out, errOut := runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--timeout", "10s"); code != exitOK {
		t.Fatalf("verify of the issued card: exit %d\n%s\n%s", code, out, errOut)
	}

	// Against the registry the card is active and its data agree.
	if code, out, errOut := runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--registry", o.registry, "--timeout", "10s", "--json"); code != exitOK || !strings.Contains(out, `"registry"`) {
		t.Fatalf("verify --registry of the issued card: exit %d\n%s\n%s", code, out, errOut)
	}

	// The card face, made from the card as read, carries a signed QR code that agrees
	// with the chip (here the insurer's token key signs the QR codes too).
	facePath := filepath.Join(o.dir, "face.png")
	if code, _, errOut := runCLI(t, "face", "--reader", reader, "--key", o.key, "--trust", o.trust, "-o", facePath, "--timeout", "10s"); code != exitOK {
		t.Fatalf("face: exit %d\n%s", code, errOut)
	}
	code, out, errOut = runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--qr", filepath.Join(o.dir, "face-back.png"), "--timeout", "10s", "--json")
	if code != exitOK || !strings.Contains(out, `"qr_ok"`) {
		t.Fatalf("verify --qr against the printed face: exit %d\n%s\n%s", code, out, errOut)
	}

	// OpenSSL, knowing nothing of our code, checks the signature over the card's bytes.
	dumpPath := filepath.Join(o.dir, "card.json")
	if code, _, errOut := runCLI(t, "dump", "--reader", reader, "-o", dumpPath, "--timeout", "10s"); code != exitOK {
		t.Fatalf("dump: exit %d\n%s", code, errOut)
	}
	opensslVerifies(t, o, dumpPath)

	// A change of insurer on the issued card, then its status in the registry.
	code, _, errOut = runCLI(t, o.args("change-insurer", "--ogrn", "1027739008440", "--okato", "46000", "--start", "2026-12-01")...)
	if code != exitOK {
		t.Fatalf("change-insurer: exit %d\n%s", code, errOut)
	}
	code, out, errOut = runCLI(t, "status", want.ENP, "--registry", o.registry, "--json")
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s", code, errOut)
	}
	var st statusOutput
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Insurers) != 2 || len(st.Cards) != 1 || st.Cards[0].Status != "active" {
		t.Fatalf("status %v\n%s", err, out)
	}
	if code, out, errOut := runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--timeout", "10s"); code != exitOK {
		t.Fatalf("verify after the change: exit %d\n%s\n%s", code, out, errOut)
	}
	// Reported lost: the registry cross-check now fails and says why.
	if code, _, errOut := runCLI(t, "mark", card.Serial(), "lost", "--registry", o.registry); code != exitOK {
		t.Fatalf("mark lost: exit %d\n%s", code, errOut)
	}
	code, out, _ = runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--registry", o.registry, "--timeout", "10s", "--json")
	if code != exitFailedChecks || !strings.Contains(out, "lost") {
		t.Fatalf("verify --registry of a lost card: exit %d\n%s", code, out)
	}
	pcsctest.RemoveCard(t, pc, slot, link)

	// The holder lost the card: a new blank, the same ENP, the old card marked lost.
	second := vcard.NewBlank(vcard.BlankOptions{Serial: "89701000000000000102", IssuerPIN: "12345678"})
	link = pcsctest.InsertCard(t, pc, slot, second)
	code, _, errOut = runCLI(t, o.args("reissue", "--reason", "lost", "--old-card", card.Serial(), "--data", o.holder, "--photo", o.photo)...)
	if code != exitOK {
		t.Fatalf("reissue: exit %d\n%s", code, errOut)
	}
	code, out, _ = runCLI(t, "status", want.ENP, "--registry", o.registry, "--json")
	st = statusOutput{}
	json.Unmarshal([]byte(out), &st)
	if code != exitOK || len(st.Cards) != 2 || st.Cards[0].Status != "lost" || st.Cards[0].ReplacedBy != second.Serial() || st.Cards[1].Status != "active" {
		t.Fatalf("status after re-issue: %s", out)
	}
	// Issuing again on the same (now issued) card is refused with its exit code.
	if code, _, errOut := runCLI(t, o.args("issue", "--data", o.holder, "--photo", o.photo)...); code != exitNotBlank && code != exitRegistry {
		t.Fatalf("issue on an issued card: exit %d\n%s", code, errOut)
	}
	pcsctest.RemoveCard(t, pc, slot, link)

	// The journal is intact; edited by hand, journal verify names the entry.
	if code, out, errOut := runCLI(t, "journal", "verify", "--registry", o.registry); code != exitOK {
		t.Fatalf("journal verify: exit %d\n%s%s", code, out, errOut)
	}
	db, err := sql.Open("sqlite", o.registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT name FROM sqlite_master WHERE type = 'trigger'`} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		for _, n := range names {
			if _, err := db.Exec(`DROP TRIGGER "` + n + `"`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := db.Exec(`UPDATE journal SET detail = detail || ' (edited)' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ = runCLI(t, "journal", "verify", "--registry", o.registry)
	if code != exitJournal || !strings.Contains(out, "3") {
		t.Fatalf("journal verify after an edit: exit %d\n%s", code, out)
	}
}

// opensslVerifies cuts the signature object out of the card's current insurer record
// by hand (BER: template 64 without 7F60, outer length fixed) and has OpenSSL check the
// ECDSA signature with the certificate's public key.
func opensslVerifies(t *testing.T, o officeSetup, dumpPath string) {
	t.Helper()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatalf("openssl is needed as the independent signature check: %v", err)
	}
	f, err := os.Open(dumpPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.Load(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var record []byte
	for _, file := range d.Files {
		if file.DF == omscard.DFInsurers && file.FID == d.CurrentInsurer {
			record, _ = hex.DecodeString(file.Data)
		}
	}
	objs, err := tlv.Decoder{AllowPadding: true}.Decode(record)
	if err != nil || len(objs) == 0 {
		t.Fatalf("insurer record: %v", err)
	}
	var signed, sig, cert []byte
	for _, c := range objs[0].Children {
		if c.Tag == 0x7F60 {
			for _, s := range c.Children {
				switch s.Tag {
				case 0x5F61:
					sig = s.Value
				case 0x5F62:
					cert = s.Value
				}
			}
			continue
		}
		signed = append(signed, record[c.Offset:c.Offset+c.HeaderLen+len(c.Value)]...)
	}
	signed = append(append([]byte{0x64}, berLength(len(signed))...), signed...)
	certPath, pubPath := filepath.Join(o.dir, "cert.der"), filepath.Join(o.dir, "pub.pem")
	dataPath, sigPath := filepath.Join(o.dir, "signed.bin"), filepath.Join(o.dir, "sig.der")
	for p, b := range map[string][]byte{certPath: cert, dataPath: signed, sigPath: sig} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(openssl, "x509", "-inform", "DER", "-in", certPath, "-pubkey", "-noout", "-out", pubPath).CombinedOutput(); err != nil {
		t.Fatalf("openssl x509: %v\n%s", err, out)
	}
	out, err := exec.Command(openssl, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, dataPath).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verified OK") {
		t.Fatalf("OpenSSL does not accept the card's signature: %v\n%s", err, out)
	}
	signed[len(signed)-1] ^= 1
	os.WriteFile(dataPath, signed, 0o600)
	if out, err := exec.Command(openssl, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, dataPath).CombinedOutput(); err == nil {
		t.Fatalf("OpenSSL accepts a changed record:\n%s", out)
	}
}

// berLength encodes a BER definite length.
func berLength(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n < 0x100:
		return []byte{0x81, byte(n)}
	}
	return []byte{0x82, byte(n >> 8), byte(n)}
}

// TestE2EPowerCutRecoverAndVoid cuts a card's power in the middle of an issuance
// through pcscd, puts it back, and follows what an operator does: verify says the card
// is incomplete, recover wipes it, issue finishes; a second torn card is voided, after
// which read and verify both refuse it.
func TestE2EPowerCutRecoverAndVoid(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	for i, void := range []bool{false, true} {
		o := newOffice(t) // a registry of its own: the first round issues the holder's card
		card := vcard.NewBlank(vcard.BlankOptions{Serial: fmt.Sprintf("8970100000000000020%d", i), IssuerPIN: "12345678",
			Faults: vcard.Faults{TearAfter: 25}})
		link := pcsctest.InsertCard(t, pc, slot, card)
		if code, _, errOut := runCLI(t, o.args("issue", "--data", o.holder, "--photo", o.photo)...); code == exitOK {
			t.Fatalf("issue through a power cut succeeded\n%s", errOut)
		}
		pcsctest.RemoveCard(t, pc, slot, link)
		card.Reinsert()
		if lcs, ok := card.Lifecycle(0x5000); !ok || lcs != 0x01 {
			t.Fatalf("after the cut foms_root is %02X (exists %v), want 01: the cut came too early to test anything", lcs, ok)
		}
		link = pcsctest.InsertCard(t, pc, slot, card)
		code, out, errV := runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--timeout", "10s", "--json", "--lang", "en")
		if code != exitFailedChecks || !strings.Contains(out, `"card.lifecycle"`) {
			t.Fatalf("verify of a torn card: exit %d\n%s\n%s", code, out, errV)
		}
		if void {
			if code, _, errOut := runCLI(t, o.args("recover", "--void")...); code != exitOK {
				t.Fatalf("recover --void: exit %d\n%s", code, errOut)
			}
			code, _, errOut := runCLI(t, "read", "--reader", reader, "--timeout", "10s", "--lang", "en")
			if code != exitNotOMS || !strings.Contains(errOut, "voided") {
				t.Fatalf("read of a voided card: exit %d\n%s", code, errOut)
			}
			code, out, _ = runCLI(t, "verify", "--reader", reader, "--timeout", "10s", "--json")
			if code != exitFailedChecks || !strings.Contains(out, "voided") {
				t.Fatalf("verify of a voided card: exit %d\n%s", code, out)
			}
		} else {
			if code, _, errOut := runCLI(t, o.args("recover")...); code != exitOK {
				t.Fatalf("recover: exit %d\n%s", code, errOut)
			}
			if code, _, errOut := runCLI(t, o.args("issue", "--data", o.holder, "--photo", o.photo)...); code != exitOK {
				t.Fatalf("issue after recover: exit %d\n%s", code, errOut)
			}
			if code, out, errOut := runCLI(t, "verify", "--reader", reader, "--trust", o.trust, "--timeout", "10s"); code != exitOK {
				t.Fatalf("verify after recovery: exit %d\n%s%s", code, out, errOut)
			}
		}
		pcsctest.RemoveCard(t, pc, slot, link)
	}
}
