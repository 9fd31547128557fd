package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// newStore opens a fresh registry file in a temporary directory.
func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "registry.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// rawDB opens a second, independent handle on the file, as someone with sqlite3 would.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// syntheticENP makes the n-th synthetic ENP: a 15-digit body from n and its check digit.
func syntheticENP(n int) string {
	body := fmt.Sprintf("77%013d", n)
	c, err := policy.ENPCheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// syntheticPolicy is a made-up person with valid numbers.
func syntheticPolicy(n int) registry.PolicyRecord {
	return registry.PolicyRecord{
		ENP: syntheticENP(n),
		Person: registry.Person{
			Surname: "Образцова", FirstName: "Анна", Patronymic: "Петровна",
			BirthDate: policy.MakeDate(1980+n%30, 1+n%12, 1+n%28), Sex: policy.Female,
			SNILS: "112-233-445 95", BirthPlace: "г. Тестовск",
		},
		IssueDate: policy.MakeDate(2020, 3, 15),
	}
}

var ctx = context.Background()

// fixedClock returns a clock that advances one second per call from t0.
func fixedClock(t0 time.Time) func() time.Time {
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Second) }
}

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }
