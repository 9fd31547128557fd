package sqlite

import (
	"bytes"
	"slices"
	"testing"

	"omsdesk/cardio/registry"
)

// TestExportOfTamperedDatabase: an export shows the database's damage exactly as
// VerifyJournal does, so a third party reaches the same verdict.
func TestExportOfTamperedDatabase(t *testing.T) {
	s, path := newStore(t)
	journalOf(t, s, 8)
	db := rawDB(t, path)
	dropTriggers(t, db)
	mustExec(t, db, `UPDATE journal SET actor = 'mallory' WHERE seq = 2`)
	mustExec(t, db, `DELETE FROM journal WHERE seq = 6`)
	want, err := s.VerifyJournal(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Problems) != 2 {
		t.Fatalf("database report: %v", want.Problems)
	}
	for _, f := range []registry.ExportFormat{registry.ExportJSONL, registry.ExportCSV} {
		got, err := registry.VerifyExport(bytes.NewReader(export(t, s, f)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Problems, want.Problems) || got.Entries != want.Entries || got.Head != want.Head {
			t.Errorf("%s: export report %+v, database report %+v", f, got, want)
		}
	}
}

func export(t *testing.T, s *Store, f registry.ExportFormat) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.ExportJournal(ctx, &b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
