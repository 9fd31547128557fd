package registry

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExportGolden(t *testing.T) {
	es := appendTo(chainOf(3), Entry{At: vectorEntry().At.AddDate(0, 1, 0), Step: StepCompare, Result: ResultFailed,
		Detail: "differs at byte 37, \"quoted\", comma\nsecond line"})
	for _, f := range []ExportFormat{ExportJSONL, ExportCSV} {
		got := exportOf(t, es, f)
		golden := filepath.Join("testdata", "export."+string(f)+".golden")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("reading golden (run with -update to create): %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s export differs from %s:\n%s", f, golden, got)
		}
		r, err := VerifyExport(bytes.NewReader(got), &Anchor{Seq: 4, Hash: es[3].Hash})
		if err != nil || !r.OK() || r.Entries != 4 {
			t.Errorf("%s: verifying a clean export: %+v, %v", f, r, err)
		}
	}
}

// TestVerifyExportDetectsTampering edits export files as text.
func TestVerifyExportDetectsTampering(t *testing.T) {
	es := chainOf(6)
	head := &Anchor{Seq: 6, Hash: es[5].Hash}
	for _, f := range []ExportFormat{ExportJSONL, ExportCSV} {
		clean := string(exportOf(t, es, f))
		lines := strings.SplitAfter(clean, "\n")
		lines = lines[:len(lines)-1] // after the final newline
		off := 0
		if f == ExportCSV {
			off = 1 // header
		}
		line := func(seq int) string { return lines[off+seq-1] }
		join := func(ls ...string) string { return strings.Join(ls, "") }
		tests := []struct {
			name   string
			text   string
			anchor *Anchor
			want   []problem
		}{
			{"clean", clean, head, nil},
			{"field edited", strings.Replace(clean, "apdus=10", "apdus=11", 1), nil, []problem{{seq: 3, code: ProblemEdited}}},
			{"hash edited", strings.Replace(clean, es[1].Hash.String()[:8], "00000000", 1), nil,
				[]problem{{seq: 2, code: ProblemEdited}, {seq: 3, code: ProblemBrokenLink}}},
			{"line deleted", join(slices.Concat(lines[:off+3], lines[off+4:])...), nil,
				[]problem{{seq: 5, code: ProblemDeleted, from: 4, to: 4}}},
			{"last lines cut, anchor", join(lines[:off+4]...), head,
				[]problem{{seq: 4, code: ProblemTruncated, from: 5, to: 6}}},
			{"lines swapped", join(slices.Concat(lines[:off+2], []string{line(4), line(3)}, lines[off+4:])...), nil,
				[]problem{{seq: 3, code: ProblemSeqOrder}, {seq: 3, code: ProblemTimeOrder}}},
			{"line copied", join(slices.Concat(lines[:off+3], []string{line(2)}, lines[off+3:])...), nil,
				[]problem{{seq: 2, code: ProblemSeqOrder}, {seq: 2, code: ProblemTimeOrder}}},
		}
		for _, tt := range tests {
			t.Run(string(f)+"/"+tt.name, func(t *testing.T) {
				if f == ExportCSV && tt.name != "clean" && !strings.HasPrefix(tt.text, "seq,") {
					t.Fatal("lost the CSV header")
				}
				r, err := VerifyExport(strings.NewReader(tt.text), tt.anchor)
				if err != nil {
					t.Fatal(err)
				}
				if got := problemsOf(r); !slices.Equal(got, tt.want) {
					t.Errorf("problems:\n got %v\nwant %v", got, tt.want)
					for _, p := range r.Problems {
						t.Log(p)
					}
				}
			})
		}
	}
}

func TestVerifyExportRefusesNonExports(t *testing.T) {
	for name, text := range map[string]string{
		"wrong header":          "seq,at,who\n1,2,3\n",
		"short csv row":         strings.Join(ExportColumns, ",") + "\n1,2\n",
		"broken json":           `{"seq":1,"at":` + "\n",
		"json seq not a number": `{"seq":"x"}` + "\n",
		"huge line":             `{"detail":"` + strings.Repeat("a", maxExportLine) + `"}`,
	} {
		if _, err := VerifyExport(strings.NewReader(text), nil); !errors.Is(err, ErrBadExport) {
			t.Errorf("%s: err %v, want ErrBadExport", name, err)
		}
	}
	r, err := VerifyExport(strings.NewReader(" \n"), nil)
	if err != nil || !r.OK() || r.Entries != 0 {
		t.Errorf("empty export: %+v, %v", r, err)
	}
	h := Anchor{Seq: 3}
	r, err = VerifyExport(strings.NewReader(""), &h)
	if err != nil || len(r.Problems) != 1 || r.Problems[0].Code != ProblemTruncated {
		t.Errorf("empty export with anchor: %+v, %v", r, err)
	}
	if _, err := NewExportWriter(&bytes.Buffer{}, "xml"); !errors.Is(err, ErrBadExport) {
		t.Errorf("unknown format: %v", err)
	}
	for in, want := range map[string]ExportFormat{"jsonl": ExportJSONL, "CSV": ExportCSV} {
		if f, err := ParseExportFormat(in); err != nil || f != want {
			t.Errorf("ParseExportFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := ParseExportFormat("json"); !errors.Is(err, ErrBadExport) {
		t.Errorf("ParseExportFormat(json): %v", err)
	}
}
