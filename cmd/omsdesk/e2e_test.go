package main

// End-to-end tests through the real PC/SC stack: pcscd, vsmartcard's vpcd driver and
// the virtual OMS card, read with github.com/ebfe/scard exactly as a user's reader would
// be. They use vpcd slot 1 ("Virtual PCD 00 01"); package pcsc's own tests use slot 0,
// so `go test ./...` can run both packages at once.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/vpcd"
)

const slot = 1

var reader = vpcd.ReaderName(slot)

func fixtureCard(t *testing.T, path string, mod func(*vcard.Layout)) *vcard.Card {
	t.Helper()
	l, err := vcard.LoadFixture(path)
	if err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(&l)
	}
	return vcard.New(l)
}

func TestE2EReadJSONEveryField(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	tests := []struct {
		name     string
		mod      func(*vcard.Layout)
		maxAPDUs int
		extended bool
	}{
		{"plain", nil, 50, false},
		{"T=0 style 61xx chains", func(l *vcard.Layout) { l.Faults.T0 = true }, 120, false},
		{"6Cxx answers", func(l *vcard.Layout) { l.Faults.WrongLe = true }, 60, false},
		{"extended length", func(l *vcard.Layout) { l.ExtendedLength = true; l.ATR = nil }, 12, true},
		{"slow card", func(l *vcard.Layout) { l.Faults.Delay = 20 * time.Millisecond }, 50, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := fixtureCard(t, "testdata/petrova.json", tt.mod)
			link := pcsctest.InsertCard(t, pc, slot, card)
			code, out, errOut := runCLI(t, "read", "--reader", reader, "--json", "--timeout", "10s", "--today", "2026-11-25")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			r := decodeReport(t, out)
			wantPolicy(t, r.Policy, "testdata/petrova.json")
			if r.Source != "pcsc" || r.Reader != reader || r.ATR != strings.ToUpper(hexBytes(card.ATR())) {
				t.Errorf("source %q reader %q atr %q", r.Source, r.Reader, r.ATR)
			}
			if r.Card.APDUs > tt.maxAPDUs || r.Card.ExtendedLength != tt.extended {
				t.Errorf("%d APDUs (max %d), extended %v", r.Card.APDUs, tt.maxAPDUs, r.Card.ExtendedLength)
			}
			pcsctest.RemoveCard(t, pc, slot, link)
		})
	}
}

// TestE2ENotAnOMSCard inserts a card without the OMS application (a Java Card's ATR):
// read must say so, with the ATR, and readers must tell it apart from a policy.
func TestE2ENotAnOMSCard(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	token := vcard.New(vcard.Layout{ATR: []byte{0x3B, 0x8A, 0x80, 0x01, 0x4A, 0x43, 0x4F, 0x50, 0x33, 0x31, 0x56, 0x32, 0x33, 0x32, 0x7A}})
	link := pcsctest.InsertCard(t, pc, slot, token)
	code, out, _ := runCLI(t, "read", "--reader", reader, "--json", "--timeout", "10s")
	r := decodeReport(t, out)
	if code != exitNotOMS || r.Error == nil || r.Error.Code != "not_oms" || r.ATR != "3B8A80014A434F503331563233327A" || r.Policy != nil {
		t.Fatalf("exit %d report %+v", code, r.Error)
	}
	code, _, errOut := runCLI(t, "--lang", "en", "read", "--reader", reader, "--timeout", "10s")
	if code != exitNotOMS || !strings.Contains(errOut, "not an OMS policy card") || !strings.Contains(errOut, "3B 8A 80 01") {
		t.Fatalf("human: exit %d %q", code, errOut)
	}
	// readers names it for what it is.
	code, out, _ = runCLI(t, "readers", "--json")
	var infos []readerInfo
	if code != exitOK || json.Unmarshal([]byte(out), &infos) != nil {
		t.Fatalf("readers: exit %d %s", code, out)
	}
	found := false
	for _, in := range infos {
		if in.Reader == reader {
			found = in.State == "card" && in.OMSCard != nil && !*in.OMSCard
		}
	}
	if !found {
		t.Fatalf("readers did not report the token as a non-OMS card: %s", out)
	}
	pcsctest.RemoveCard(t, pc, slot, link)
}

// TestE2EProbesEveryReader puts a token in one reader and a policy in the other: read
// without --reader must find the policy wherever it is, and name the other card.
func TestE2EProbesEveryReader(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	token := vcard.New(vcard.Layout{ATR: []byte{0x3B, 0x8A, 0x80, 0x01, 0x4A, 0x43, 0x4F, 0x50, 0x33, 0x31, 0x56, 0x32, 0x33, 0x32, 0x7A}})
	pcsctest.InsertCard(t, pc, 0, token)
	pcsctest.InsertCard(t, pc, slot, vcard.Default())
	code, out, errOut := runCLI(t, "--lang", "en", "read", "--json", "--timeout", "10s")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if r := decodeReport(t, out); r.Reader != reader || r.Policy.Surname != "ИВАНОВ" {
		t.Fatalf("read %q from %q", r.Policy.Surname, r.Reader)
	}
	if !strings.Contains(errOut, vpcd.ReaderName(0)) || !strings.Contains(errOut, "not an OMS policy card") {
		t.Fatalf("the token was not named: %q", errOut)
	}
}

func TestE2ERemovedMidRead(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	card := fixtureCard(t, "testdata/petrova.json", func(l *vcard.Layout) { l.Faults.RemoveAfter = 10 })
	pcsctest.InsertCard(t, pc, slot, card)
	code, out, _ := runCLI(t, "read", "--reader", reader, "--json", "--timeout", "10s")
	r := decodeReport(t, out)
	if code != exitUnreadable || r.Error == nil || r.Policy != nil {
		t.Fatalf("exit %d: %+v", code, r.Error)
	}
}

func TestE2EMalformedCardData(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	for _, fault := range []string{`"malformed_tlv":true`, `"oversize_length":true`} {
		l, err := vcard.ParseFixture([]byte(`{"policy":{"enp":"5001234567890127","surname":"ТЕСТ"},"faults":{`+fault+`}}`), ".")
		if err != nil {
			t.Fatal(err)
		}
		link := pcsctest.InsertCard(t, pc, slot, vcard.New(l))
		code, out, _ := runCLI(t, "read", "--reader", reader, "--json", "--timeout", "10s")
		if r := decodeReport(t, out); code != exitUnreadable || r.Error == nil || r.Error.Code != "bad_data" {
			t.Fatalf("%s: exit %d %+v", fault, code, r.Error)
		}
		pcsctest.RemoveCard(t, pc, slot, link)
	}
}

// TestE2EWaitsForInsertion starts read with the reader empty, then inserts the card.
func TestE2EWaitsForInsertion(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run([]string{"read", "--reader", reader, "--json", "--timeout", "15s"}, &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	time.Sleep(300 * time.Millisecond) // let read start waiting; it must cope either way
	link := pcsctest.InsertCard(t, pc, slot, vcard.Default())
	res := <-done
	if res.code != exitOK {
		t.Fatalf("exit %d %s", res.code, res.err)
	}
	if r := decodeReport(t, res.out); r.Policy.Surname != "ИВАНОВ" {
		t.Fatalf("read %q (ATR %s) from %s, want the card just inserted", r.Policy.Surname, r.ATR, r.Reader)
	}
	pcsctest.RemoveCard(t, pc, slot, link)
	// With nothing inserted, --timeout ends the wait with its own exit code.
	start := time.Now()
	if code, _, _ := runCLI(t, "read", "--reader", reader, "--timeout", "700ms"); code != exitTimeout {
		t.Fatalf("empty reader: exit %d, want %d", code, exitTimeout)
	}
	if waited := time.Since(start); waited < 700*time.Millisecond {
		t.Fatalf("gave up after %v, before the timeout", waited)
	}
}

// TestE2EVirtualCardCommand drives the omsdesk-vcard binary: inserted on start,
// removed and re-inserted on command, seen by `watch` and read by `read` each time.
func TestE2EVirtualCardCommand(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	pcsctest.LockSlot(t, slot) // the binary inserts its card itself
	bin := buildVCard(t)
	cmd := exec.Command(bin, "--slot", "1", "--fixture", "testdata/petrova.json", "--lang", "en")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill() // no-op after a clean quit
		cmd.Wait()
		waitPresent(t, pc, false)
	})
	lines := bufio.NewScanner(stdout)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || !strings.Contains(lines.Text(), want) {
			t.Fatalf("omsdesk-vcard said %q, want %q", lines.Text(), want)
		}
	}
	expect("card inserted")
	waitPresent(t, pc, true)

	// watch, started now, reports the card present, then its removal and re-insertion.
	var watchOut syncBuffer
	watchDone := make(chan int, 1)
	go func() {
		watchDone <- run([]string{"watch", "--json", "--reader", reader, "--count", "4"}, &watchOut, io.Discard)
	}()
	waitFor(t, func() bool { return strings.Contains(watchOut.String(), reader) })

	code, out, errOut := runCLI(t, "read", "--reader", reader, "--json", "--timeout", "10s")
	if code != exitOK {
		t.Fatalf("read: exit %d %s", code, errOut)
	}
	wantPolicy(t, decodeReport(t, out).Policy, "testdata/petrova.json")

	io.WriteString(stdin, "remove\n")
	expect("card removed")
	waitPresent(t, pc, false)
	io.WriteString(stdin, "insert\n")
	expect("card inserted")
	waitPresent(t, pc, true)
	select {
	case code := <-watchDone:
		if code != exitOK {
			t.Fatalf("watch: exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("watch saw only:\n%s", watchOut.String())
	}
	var kinds []string
	for _, l := range strings.Split(strings.TrimSpace(watchOut.String()), "\n") {
		var e watchEvent
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("watch line %q: %v", l, err)
		}
		if e.Reader == reader {
			kinds = append(kinds, e.Event)
			if e.Event == "card_inserted" && e.ATR != "3BF71300008131FE45464F4D534F4D53A9" {
				t.Errorf("inserted event ATR %q", e.ATR)
			}
		}
	}
	if strings.Join(kinds, ",") != "reader_added,card_inserted,card_removed,card_inserted" {
		t.Fatalf("watch events for %s: %v\n%s", reader, kinds, watchOut.String())
	}
	io.WriteString(stdin, "quit\n")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("omsdesk-vcard: %v", err)
	}
}

// TestE2EIndependentClients: programs this project did not write (OpenSC's
// opensc-tool and pcsc-tools' scriptor) send the documented APDUs of
// oms-card-format.md §1 to the virtual card through pcscd and get the documented answers.
func TestE2EIndependentClients(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	owner, _ := vcard.ReadRawFile("testdata/owner.hex")
	insurer, _ := vcard.ReadRawFile("testdata/insurer.hex")
	link := pcsctest.InsertCard(t, pc, slot, vcard.New(vcard.Layout{Owner: owner,
		Insurers: []vcard.InsurerEF{{FID: 0x0202, Data: insurer}}, Current: 0x0202}))
	script := []struct{ apdu, answer string }{
		{"00 A4 04 0C 09 66 6F 6D 73 5F 72 6F 6F 74", "90 00"},
		{"00 A4 04 0C 07 46 4F 4D 53 5F 49 44", "90 00"},
		{"00 A4 02 0C 02 02 01", "90 00"},
		{"00 B0 00 00 00", spaced(owner) + " 90 00"}, // Le=00: all 127 bytes there are
		{"00 B0 00 7C 10", spaced(owner[0x7C:]) + " 62 82"},
		{"00 B0 00 7F 01", "6B 00"}, // offset past the end of the EF
		{"00 A4 04 0C 08 46 4F 4D 53 5F 49 4E 53", "90 00"},
		{"00 CA 01 B0 02", "02 02 90 00"},
		{"00 A4 02 0C 02 02 02", "90 00"},
		{"00 B0 00 00 21", spaced(insurer) + " 90 00"},
		{"00 A4 02 0C 02 09 99", "6A 82"},
		{"00 A4 04 0C 07 46 4F 4D 53 5F 49 4E 53", "90 00"}, // Lc=07 with 8 name bytes, as some readers send
		{"00 CA 01 B1 02", "6A 88"},
		{"00 12 00 00", "6D 00"},
		{"80 A4 04 0C 07 46 4F 4D 53 5F 49 44", "6E 00"},
	}
	if _, err := exec.LookPath("opensc-tool"); err == nil {
		args := []string{"-r", reader}
		for _, s := range script {
			args = append(args, "-s", s.apdu)
		}
		out, err := exec.Command("opensc-tool", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("opensc-tool: %v\n%s", err, out)
		}
		got := parseOpenSC(string(out))
		checkAnswers(t, "opensc-tool", script, got)
	} else if os.Getenv(pcsctest.RequireEnv) == "1" {
		t.Fatal("opensc-tool is not installed (Debian package opensc)")
	}
	if _, err := exec.LookPath("scriptor"); err == nil {
		var in strings.Builder
		for _, s := range script {
			in.WriteString(s.apdu + "\n")
		}
		cmd := exec.Command("scriptor", "-r", reader)
		cmd.Stdin = strings.NewReader(in.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("scriptor: %v\n%s", err, out)
		}
		checkAnswers(t, "scriptor", script, parseScriptor(string(out)))
	} else if os.Getenv(pcsctest.RequireEnv) == "1" {
		t.Fatal("scriptor is not installed (Debian package pcsc-tools)")
	}
	pcsctest.RemoveCard(t, pc, slot, link)
}

func checkAnswers(t *testing.T, tool string, script []struct{ apdu, answer string }, got []string) {
	t.Helper()
	if len(got) != len(script) {
		t.Fatalf("%s: %d answers for %d commands: %q", tool, len(got), len(script), got)
	}
	for i, s := range script {
		if !strings.EqualFold(got[i], s.answer) {
			t.Errorf("%s: %s\n got %s\nwant %s", tool, s.apdu, got[i], s.answer)
		}
	}
}

// parseOpenSC reads opensc-tool -s output: "Received (SW1=0x90, SW2=0x00)" then hex dump
// lines "62 82 17 FB ... text".
func parseOpenSC(out string) []string {
	var answers []string
	sw := regexp.MustCompile(`Received \(SW1=0x([0-9A-Fa-f]{2}), SW2=0x([0-9A-Fa-f]{2})\)`)
	dump := regexp.MustCompile(`^((?:[0-9A-F]{2} )+)`)
	var data []string
	var cur string
	flush := func() {
		if cur != "" {
			answers = append(answers, strings.TrimSpace(strings.Join(append(data, cur), " ")))
		}
		data, cur = nil, ""
	}
	for _, line := range strings.Split(out, "\n") {
		if m := sw.FindStringSubmatch(line); m != nil {
			flush()
			cur = m[1] + " " + m[2]
			continue
		}
		if strings.HasPrefix(line, "Sending:") {
			flush()
			continue
		}
		if m := dump.FindStringSubmatch(line); m != nil && cur != "" {
			data = append(data, strings.TrimSpace(m[1]))
		}
	}
	flush()
	return answers
}

// parseScriptor reads scriptor output: "< 62 82 ... 90 00 : Normal processing." lines,
// which wrap long answers over several "< "-less continuation lines.
func parseScriptor(out string) []string {
	var answers []string
	var cur []string
	in := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "< "):
			in = true
			cur = []string{strings.TrimPrefix(line, "< ")}
		case in && line != "" && !strings.HasPrefix(line, "> ") && !strings.HasPrefix(line, "Using"):
			cur = append(cur, line)
		}
		if in && strings.Contains(line, " : ") {
			s := strings.Join(cur, " ")
			s = s[:strings.Index(s, " : ")]
			answers = append(answers, strings.Join(strings.Fields(s), " "))
			in = false
		}
	}
	return answers
}

func spaced(b []byte) string { return spacedHex(strings.ToUpper(hexBytes(b))) }

func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func buildVCard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "omsdesk-vcard")
	out, err := exec.Command("go", "build", "-o", bin, "../omsdesk-vcard").CombinedOutput()
	if err != nil {
		t.Fatalf("building omsdesk-vcard: %v\n%s", err, out)
	}
	return bin
}

func waitPresent(t *testing.T, pc *pcsc.Context, present bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
	defer cancel()
	var err error
	if present {
		_, _, err = pcsc.WaitForCard(ctx, pc, reader)
	} else {
		err = pcsc.WaitForRemoval(ctx, pc, reader)
	}
	if err != nil {
		t.Fatalf("waiting for the card to be present=%v: %v", present, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(pcsctest.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe to read while another goroutine writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestE2EWatchRead is the clinic integration: `watch --read --json` prints one line per
// inserted card carrying the whole `read --json` report.
func TestE2EWatchRead(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	pcsctest.LockSlot(t, slot)
	waitPresent(t, pc, false)
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"watch", "--json", "--read", "--reader", reader, "--count", "3"}, &out, io.Discard)
	}()
	waitFor(t, func() bool { return strings.Contains(out.String(), "reader_added") })
	link := pcsctest.InsertCard(t, pc, slot, fixtureCard(t, "testdata/petrova.json", nil))
	waitFor(t, func() bool { return strings.Contains(out.String(), "card_inserted") }) // read done
	pcsctest.RemoveCard(t, pc, slot, link)
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("watch: exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("watch printed only:\n%s", out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	var ins, rem watchEvent
	if json.Unmarshal([]byte(lines[1]), &ins) != nil || json.Unmarshal([]byte(lines[2]), &rem) != nil {
		t.Fatalf("lines are not JSON:\n%s", out.String())
	}
	if ins.Event != "card_inserted" || ins.Read == nil || ins.Read.Error != nil {
		t.Fatalf("insertion line: %s", lines[1])
	}
	wantPolicy(t, ins.Read.Policy, "testdata/petrova.json")
	if rem.Event != "card_removed" || rem.Read != nil {
		t.Fatalf("removal line: %s", lines[2])
	}
}

// TestE2EDumpThroughPCSCD dumps a card through pcscd, replays the dump as a card and
// dumps that again: the two dumps hold the same card.
func TestE2EDumpThroughPCSCD(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.json"), filepath.Join(dir, "second.json")
	link := pcsctest.InsertCard(t, pc, slot, fixtureCard(t, "testdata/petrova.json", nil))
	if code, _, errOut := runCLI(t, "dump", "--reader", reader, "--timeout", "10s", "-o", first); code != exitOK {
		t.Fatalf("dump: exit %d %s", code, errOut)
	}
	pcsctest.RemoveCard(t, pc, slot, link)

	f, err := os.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.Load(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if d.Reader != reader || len(d.Trace) == 0 || !d.TraceRedacted {
		t.Fatalf("dump header: reader %q, %d trace entries, redacted %v", d.Reader, len(d.Trace), d.TraceRedacted)
	}
	l, err := d.Layout()
	if err != nil {
		t.Fatal(err)
	}
	link = pcsctest.InsertCard(t, pc, slot, vcard.New(l))
	if code, _, errOut := runCLI(t, "dump", "--reader", reader, "--timeout", "10s", "-o", second); code != exitOK {
		t.Fatalf("second dump: exit %d %s", code, errOut)
	}
	pcsctest.RemoveCard(t, pc, slot, link)
	if code, out, _ := runCLI(t, "diff", first, second); code != exitOK {
		t.Fatalf("the replayed card differs from the original (exit %d):\n%s", code, out)
	}
}

func TestE2EVerifyThroughPCSCD(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	pcsctest.InsertCard(t, pc, slot, vcard.Default())
	code, out, errOut := runCLI(t, "verify", "--json", "--reader", reader, "--timeout", "10s", "--today", "2026-11-25")
	var r struct {
		Verdict, Reader, ATR string
	}
	if code != exitOK || json.Unmarshal([]byte(out), &r) != nil || r.Verdict != "pass" || r.Reader != reader {
		t.Fatalf("exit %d %s\n%s", code, errOut, out)
	}
}
