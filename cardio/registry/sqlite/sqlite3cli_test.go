package sqlite

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"omsdesk/cardio/registry"
)

// sqlite3 finds the sqlite3 command-line shell, the tool the acceptance check edits the
// journal with. Without it the test skips, or fails when OMSDESK_REQUIRE_TOOLS=1.
func sqlite3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("sqlite3 is required (OMSDESK_REQUIRE_TOOLS=1): %v", err)
		}
		t.Skip("sqlite3 not installed")
	}
	return p
}

// TestSQLite3ShellTampering edits a closed registry with the sqlite3 shell, then
// verifies it with this package.
func TestSQLite3ShellTampering(t *testing.T) {
	bin := sqlite3(t)
	tests := []struct {
		name string
		sql  string
		want []problem
	}{
		{"update refused by trigger", `UPDATE journal SET actor = 'x' WHERE seq = 3;`, nil},
		{"update", `DROP TRIGGER journal_no_update; UPDATE journal SET card_serial = 'CARD9999' WHERE seq = 3;`,
			[]problem{{seq: 3, code: registry.ProblemEdited}}},
		{"delete", `DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 4;`,
			[]problem{{seq: 5, code: registry.ProblemDeleted, from: 4, to: 4}}},
		{"reorder", `DROP TRIGGER journal_no_update; UPDATE journal SET seq = 100 WHERE seq = 2; UPDATE journal SET seq = 2 WHERE seq = 3; UPDATE journal SET seq = 3 WHERE seq = 100;`,
			[]problem{
				{seq: 2, code: registry.ProblemBrokenLink}, {seq: 2, code: registry.ProblemMoved, from: 3},
				{seq: 3, code: registry.ProblemBrokenLink}, {seq: 3, code: registry.ProblemMoved, from: 2}, {seq: 3, code: registry.ProblemTimeOrder},
				{seq: 4, code: registry.ProblemBrokenLink},
			}},
		{"hash", `DROP TRIGGER journal_no_update; UPDATE journal SET hash = replace(hash, substr(hash, 1, 1), 'f') WHERE seq = 5;`,
			[]problem{{seq: 5, code: registry.ProblemEdited}, {seq: 6, code: registry.ProblemBrokenLink}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := newStore(t)
			journalOf(t, s, 6)
			s.Close()
			out, err := exec.Command(bin, path, tt.sql).CombinedOutput()
			if tt.want == nil {
				if err == nil || !strings.Contains(string(out), "append-only") {
					t.Fatalf("sqlite3 edit with triggers in place: %v: %s", err, out)
				}
			} else if err != nil {
				t.Fatalf("sqlite3: %v: %s", err, out)
			}
			s, err = Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r, err := s.VerifyJournal(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := problemsOf(r); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}
