package diag_test

// End-to-end tests through the real pcscd and vsmartcard's vpcd, with virtual cards in
// vpcd slot 0 ("Virtual PCD 00 00", locked by pcsctest.InsertCard). They skip when
// pcscd is not reachable, unless OMSDESK_REQUIRE_PCSC=1.

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"omsdesk/cardio/atr"
	"omsdesk/cardio/diag"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/vpcd"
)

const slot = 0

var (
	reader = vpcd.ReaderName(slot)
	now    = time.Date(2025, 11, 20, 10, 30, 0, 0, time.UTC)
)

func collect(t *testing.T, opts diag.Options) (b *diag.Bundle, js, text string) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return now }
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b = diag.Collect(ctx, opts)
	var j, x bytes.Buffer
	if err := b.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteText(&x); err != nil {
		t.Fatal(err)
	}
	return b, j.String(), x.String()
}

func findReader(t *testing.T, b *diag.Bundle, name string) diag.Reader {
	t.Helper()
	for _, r := range b.Readers {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("bundle lists no reader %q: %+v", name, b.Readers)
	return diag.Reader{}
}

// checkService checks what every bundle made with pcscd running says about it.
func checkService(t *testing.T, b *diag.Bundle) {
	t.Helper()
	s := b.Service
	if !s.Connected || s.ConnectError != nil || s.ListError != nil {
		t.Errorf("service = %+v", s)
	}
	if d := s.Daemon; d == nil || !d.Running || len(d.PIDs) == 0 || !d.SocketPresent {
		t.Errorf("pcscd is running, bundle says %+v", d)
	}
	if b.Host.OS == "" || b.Program.Name != "omsdesk e2e" || b.Program.GoVersion == "" {
		t.Errorf("host %+v program %+v", b.Host, b.Program)
	}
	if !b.Created.Equal(now) {
		t.Errorf("created %v, want %v", b.Created, now)
	}
}

func TestOMSCardThroughPCSCD(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	sample := vcard.SamplePolicy(6000)
	card := vcard.New(vcard.FromPolicy(sample))
	pcsctest.InsertCard(t, pc, slot, card)

	b, js, text := collect(t, diag.Options{Program: "omsdesk e2e"})
	checkService(t, b)
	r := findReader(t, b, reader)
	if r.State == nil || !r.State.Present || r.State.Empty || r.StateError != nil {
		t.Errorf("state = %+v, %v", r.State, r.StateError)
	}
	// vpcd's driver provides no attribute; each is reported as unsupported, not failed.
	if len(r.Attributes.Unsupported) != 5 || len(r.Attributes.Errors) != 0 {
		t.Errorf("attributes = %+v", r.Attributes)
	}
	c := r.Card
	if c == nil {
		t.Fatal("no card in the bundle")
	}
	wantATR := atr.Hex(vcard.DefaultATR).String()
	if c.ATR != wantATR {
		t.Errorf("ATR = %q, want %q", c.ATR, wantATR)
	}
	if d := c.Decoded; d == nil || !slices.Equal(d.Protocols, []string{"T=1"}) || !d.TCKValid || d.HistoricalASCII != "FOMSOMS" {
		t.Errorf("decoded ATR = %+v", d)
	}
	if _, err := atr.LoadSystemKnownList(); err == nil && !slices.Contains(c.Known, "Health card Russian Federation") {
		t.Errorf("known = %q, want pcsc-tools' name for the OMS ATR", c.Known)
	}
	p := c.Probe
	if p.Verdict != diag.VerdictOMS || p.Error != nil || p.Policy == nil {
		t.Fatalf("probe = %+v", p)
	}
	f := p.Policy
	if f.Status != string(policy.StatusValid) || len(f.Findings) != 0 || f.APDUs < 5 || f.PhotoBytes != 6000 ||
		f.OwnerRecordBytes != len(sample.Owner.Encode()) || f.InsurerRecordBytes != len(sample.Insurer.Encode()) {
		t.Errorf("policy facts = %+v", f)
	}
	for _, want := range []string{"Reader 1: " + reader, "Card ATR: " + wantATR, "Probe: OMS policy", "Status: valid"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}

	// No personal data, in either form.
	o := sample.Owner
	private := []string{o.ENP, o.Surname, o.FirstName, o.Patronymic, o.BirthPlace,
		"1985-03-15", "15.03.1985", "15031985", "15 03 19 85", "2015-09-01", "01.09.2015"}
	photo := o.Photo.Data
	for off := 0; off+16 <= len(photo); off += 500 {
		chunk := photo[off : off+16]
		private = append(private, string(chunk), hex.EncodeToString(chunk), strings.ToUpper(hex.EncodeToString(chunk)),
			atr.Hex(chunk).String())
	}
	for _, form := range []struct{ name, out string }{{"JSON", js}, {"text", text}} {
		for _, s := range private {
			if strings.Contains(form.out, s) {
				t.Errorf("%s holds personal data %q", form.name, s)
			}
		}
	}
	// The insurer's OGRN names a company, not a person: it may stay, and helps support.
	if !strings.Contains(js, sample.Insurer.OGRN) || !strings.Contains(text, sample.Insurer.OGRN) {
		t.Errorf("insurer OGRN %s missing", sample.Insurer.OGRN)
	}
}

// withTCK appends the check byte (ISO/IEC 7816-3 §8.2.5).
func withTCK(b []byte) []byte {
	var x byte
	for _, c := range b[1:] {
		x ^= c
	}
	return append(b, x)
}

func TestNonOMSCardThroughPCSCD(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	// T=1, historical bytes "JCOP": some other smart card with no OMS application.
	other := withTCK([]byte{0x3B, 0x84, 0x01, 'J', 'C', 'O', 'P'})
	pcsctest.InsertCard(t, pc, slot, vcard.New(vcard.Layout{ATR: other}))

	b, js, text := collect(t, diag.Options{Program: "omsdesk e2e"})
	checkService(t, b)
	c := findReader(t, b, reader).Card
	if c == nil {
		t.Fatal("no card in the bundle")
	}
	if c.ATR != atr.Hex(other).String() || c.Decoded == nil || c.Decoded.HistoricalASCII != "JCOP" || !c.Decoded.TCKValid {
		t.Errorf("card = %+v, decoded %+v", c, c.Decoded)
	}
	if c.Probe.Verdict != diag.VerdictNotOMS || c.Probe.Error != nil || c.Probe.Policy != nil {
		t.Errorf("probe = %+v", c.Probe)
	}
	if !strings.Contains(text, "Probe: not an OMS policy") || !strings.Contains(js, `"verdict": "not an OMS policy"`) {
		t.Errorf("verdict missing from text or JSON:\n%s", text)
	}
}

func TestBusyCardThroughPCSCD(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	l := vcard.FromPolicy(vcard.SamplePolicy(0))
	l.Faults.Delay = 400 * time.Millisecond
	pcsctest.InsertCard(t, pc, slot, vcard.New(l))

	b, _, text := collect(t, diag.Options{Program: "omsdesk e2e", ProbeTimeout: 150 * time.Millisecond})
	c := findReader(t, b, reader).Card
	if c == nil {
		t.Fatal("no card in the bundle")
	}
	if c.Probe.Verdict != diag.VerdictUnreadable || !errors.Is(c.Probe.Error, probe.ErrBusy) {
		t.Errorf("probe = %+v, want unreadable: %v", c.Probe, probe.ErrBusy)
	}
	// The collection went on past the slow card: the next reader is listed too.
	findReader(t, b, vpcd.ReaderName(1))
	if !slices.ContainsFunc(b.Errors, func(e string) bool { return strings.HasPrefix(e, "reader "+reader+" card: ") }) {
		t.Errorf("errors = %q, want the card's", b.Errors)
	}
	if !strings.Contains(text, "Probe: unreadable") || !strings.Contains(text, "card busy") {
		t.Errorf("text does not say why the card is unreadable:\n%s", text)
	}
}

// childEnv makes TestWithoutPCSCService run Collect in a child process whose PC/SC
// library looks for pcscd at a socket that does not exist: pcsc-lite reads
// PCSCLITE_CSOCK_NAME once per process, so a child is the only way to see the real
// "service not running" path while pcscd runs for the other tests.
const childEnv = "OMSDESK_DIAG_CHILD_OUT"

func TestWithoutPCSCService(t *testing.T) {
	if out := os.Getenv(childEnv); out != "" {
		b := diag.Collect(context.Background(), diag.Options{Program: "omsdesk child"})
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := b.WriteJSON(f); err != nil {
			t.Fatal(err)
		}
		return
	}

	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("PCSCLITE_CSOCK_NAME is pcsc-lite's")
	}
	out := filepath.Join(t.TempDir(), "bundle.json")
	sock := filepath.Join(t.TempDir(), "no-pcscd.comm")
	cmd := exec.Command(os.Args[0], "-test.run=^TestWithoutPCSCService$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+out, "PCSCLITE_CSOCK_NAME="+sock)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var b diag.Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("decoding the child's bundle: %v\n%s", err, data)
	}

	s := b.Service
	if s.Connected || s.ConnectError == nil || s.ConnectError.PCSCCode != "0x8010001D" ||
		!strings.Contains(s.ConnectError.Message, pcsc.ErrNoService.Error()) {
		t.Errorf("service = %+v, connect error %+v; want %v (SCARD_E_NO_SERVICE)", s, s.ConnectError, pcsc.ErrNoService)
	}
	if d := s.Daemon; d == nil || d.Socket != sock || d.SocketPresent {
		t.Errorf("daemon = %+v, want socket %s absent", d, sock)
	}
	if len(b.Readers) != 0 {
		t.Errorf("readers = %+v", b.Readers)
	}
	// The sections that need no PC/SC are all there.
	if b.Format != diag.FormatVersion || b.Program.Name != "omsdesk child" || b.Program.GoVersion == "" ||
		b.Host.OS == "" || b.Host.Arch == "" || b.Created.IsZero() {
		t.Errorf("program %+v host %+v created %v", b.Program, b.Host, b.Created)
	}
	if !slices.ContainsFunc(b.Errors, func(e string) bool { return strings.HasPrefix(e, "PC/SC service: ") }) {
		t.Errorf("errors = %q, want the service's", b.Errors)
	}
}
