package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

// historyFixture writes a fixture of a card with two insurer records, 0202 closed and
// 0203 current, neither signed.
func historyFixture(t *testing.T) string {
	t.Helper()
	p := vcard.SamplePolicy(0)
	first := *p.Insurer
	first.End = policy.MakeDate(2019, 12, 31)
	second := *p.Insurer
	second.Start = policy.MakeDate(2020, 1, 1)
	fx := map[string]any{
		"owner_hex": hex.EncodeToString(p.Owner.Encode()),
		"insurer_files": []map[string]string{
			{"fid": "0202", "hex": hex.EncodeToString(first.Encode())},
			{"fid": "0203", "hex": hex.EncodeToString(second.Encode())},
		},
		"current_insurer": "0203",
	}
	data, _ := json.Marshal(fx)
	path := filepath.Join(t.TempDir(), "history.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDumpAndVerifyReadTheHistory: dump keeps every insurer record, and verify judges
// them as a history (here failing: the records are unsigned).
func TestDumpAndVerifyReadTheHistory(t *testing.T) {
	fx := historyFixture(t)
	out := filepath.Join(t.TempDir(), "d.json")
	if code, _, errOut := runCLI(t, "dump", "--fixture", fx, "-o", out); code != exitOK {
		t.Fatalf("dump: exit %d %s", code, errOut)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.Load(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 3 || d.Files[1].FID != "0202" || d.Files[2].FID != "0203" || d.CurrentInsurer != "0203" {
		t.Fatalf("dump files %+v", d.Files)
	}
	if len(d.Trace) <= 8 {
		t.Fatalf("%d trace entries: the details were not traced", len(d.Trace))
	}
	for _, args := range [][]string{{"--fixture", fx}, {"--dump", out}} {
		code, stdout, _ := runCLI(t, append([]string{"verify", "--json", "--today", "2026-11-25"}, args...)...)
		var r struct {
			Checks []struct{ ID, Status, Code string }
		}
		if code != exitFailedChecks || json.Unmarshal([]byte(stdout), &r) != nil {
			t.Fatalf("verify %v: exit %d\n%s", args, code, stdout)
		}
		got := map[string]string{}
		for _, c := range r.Checks {
			got[c.ID] = c.Status + " " + c.Code
		}
		if got["insurer.history"] != "fail record_unsigned" || got["card.lifecycle"] != "not_applicable lifecycle_unknown" ||
			got["registry"] != "not_applicable registry_none" || got["qr"] != "not_applicable qr_none" {
			t.Fatalf("verify %v: %v", args, got)
		}
	}
}
