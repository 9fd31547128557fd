package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omsdesk/cardio/batch/register"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/vcard"
)

// batchDir writes a generated register of n rows and its photos.
func batchDir(t *testing.T, n int) (dir, csvPath string) {
	t.Helper()
	dir = t.TempDir()
	if err := register.GeneratePhotos(dir); err != nil {
		t.Fatal(err)
	}
	csvPath = filepath.Join(dir, "register.csv")
	// Every row a first card: generated re-issues name old cards no registry here knows.
	lines := strings.Split(strings.TrimSpace(string(register.Generate(n, 7))), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], ",")
		f[len(f)-2], f[len(f)-1] = "", ""
		lines[i] = strings.Join(f, ",")
	}
	if err := os.WriteFile(csvPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, csvPath
}

var registerDay = register.GenerateNow.Format("2006-01-02")

// TestBatchRefusesABadRegisterWhole: one bad row, and nothing is queued; every problem
// is named with its row.
func TestBatchRefusesABadRegisterWhole(t *testing.T) {
	_, path := batchDir(t, 5)
	data, _ := os.ReadFile(path)
	lines := strings.Split(string(data), "\n")
	// Break the check digit of the ENP on data row 3 (line 4 of the file).
	fields := strings.Split(lines[3], ",")
	for i, f := range fields {
		if len(f) == 16 && strings.Trim(f, "0123456789") == "" {
			last := f[15]
			fields[i] = f[:15] + string('0'+(last-'0'+1)%10)
		}
	}
	lines[3] = strings.Join(fields, ",")
	os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)
	registry := filepath.Join(t.TempDir(), "registry.db")
	code, _, errOut := runCLI(t, "batch", path, "--check", "--today", registerDay, "--registry", registry, "--lang", "en")
	if code != exitInvalidInput || !strings.Contains(errOut, "row 4") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "batch", path, "--today", registerDay, "--registry", registry, "--key", "pem:key=x;cert=y")
	if code != exitInvalidInput {
		t.Fatalf("queueing a bad register: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(registry); err == nil {
		code, out, _ := runCLI(t, "batch", "--list", "--registry", registry)
		if code != exitOK || strings.TrimSpace(out) != "" {
			t.Fatalf("a bad register left a batch behind:\n%s", out)
		}
	}
}

// TestE2EBatchThroughPCSCD issues a two-row register on blank cards inserted one after
// another into the vpcd reader, as an operator would.
func TestE2EBatchThroughPCSCD(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	o := newOffice(t)
	_, path := batchDir(t, 2)
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	pcsctest.LockSlot(t, slot)
	go func() {
		var out, errOut bytes.Buffer
		code := run([]string{"batch", path, "--today", registerDay, "--registry", o.registry, "--key", o.key, "--reader", reader}, &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	for i := 0; i < 2; i++ {
		card := vcard.NewBlank(vcard.BlankOptions{Serial: "8970100000000000030" + string(rune('0'+i)), IssuerPIN: "12345678"})
		link := pcsctest.InsertCard(t, pc, slot, card)
		deadline := time.Now().Add(30 * time.Second)
		for {
			if lcs, _ := card.Lifecycle(0x5000); lcs == 0x05 {
				break
			}
			select {
			case r := <-done:
				t.Fatalf("batch ended early: exit %d\n%s\n%s", r.code, r.out, r.err)
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatal("the card was not issued in time")
			}
		}
		time.Sleep(200 * time.Millisecond) // let the batch record the card before it goes
		pcsctest.RemoveCard(t, pc, slot, link)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case r := <-done:
		if r.code != exitOK || strings.Count(r.out, "89701000000000000") != 2 {
			t.Fatalf("batch: exit %d\n%s\n%s", r.code, r.out, r.err)
		}
	case <-ctx.Done():
		t.Fatal("batch did not finish")
	}
	if code, out, _ := runCLI(t, "journal", "verify", "--registry", o.registry); code != exitOK {
		t.Fatalf("journal after the batch: %s", out)
	}
}
