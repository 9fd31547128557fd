package sqlite

import (
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"omsdesk/cardio/registry"
)

// The look-up benchmark's database: built once per test process, on first use, in a
// temporary directory that TestMain removes.
var (
	benchOnce  sync.Once
	benchDir   string
	benchStore *Store
	benchBuild time.Duration
	benchErr   error
)

// benchPolicies is the size of the look-up database: 1,000,000 unless
// OMSDESK_BENCH_POLICIES says otherwise.
func benchPolicies() int {
	if n, err := strconv.Atoi(os.Getenv("OMSDESK_BENCH_POLICIES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore != nil {
		benchStore.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// lookupStore builds the database with ImportPolicies in chunks of 100,000 (one
// transaction each, statements prepared once per chunk).
func lookupStore(b *testing.B) *Store {
	benchOnce.Do(func() {
		if benchDir, benchErr = os.MkdirTemp("", "registry-bench-"); benchErr != nil {
			return
		}
		if benchStore, benchErr = Open(ctx, filepath.Join(benchDir, "registry.db")); benchErr != nil {
			return
		}
		start := time.Now()
		n := benchPolicies()
		const chunk = 100_000
		recs := make([]registry.PolicyRecord, 0, chunk)
		for i := 0; i < n; i++ {
			recs = append(recs, syntheticPolicy(i))
			if len(recs) == chunk || i == n-1 {
				if benchErr = benchStore.ImportPolicies(ctx, recs); benchErr != nil {
					return
				}
				recs = recs[:0]
			}
		}
		benchBuild = time.Since(start)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore
}

// BenchmarkLookup looks policies up by ENP (the unique index, then the row) beside the
// baseline of the same rows by integer primary key, in a database of
// benchPolicies() policies. Each look-up is timed alone; median and p99 are reported.
func BenchmarkLookup(b *testing.B) {
	s := lookupStore(b)
	n := benchPolicies()
	b.Logf("database of %d policies built in %v (%.0f records/s)", n, benchBuild.Round(time.Millisecond), float64(n)/benchBuild.Seconds())
	rng := rand.New(rand.NewSource(1))
	ids := make([]int, 1<<16)
	for i := range ids {
		ids[i] = rng.Intn(n)
	}
	enps := make([]string, len(ids))
	for i, id := range ids {
		enps[i] = syntheticENP(id)
	}
	run := func(b *testing.B, lookup func(i int) (registry.PolicyRecord, error)) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			r, err := lookup(i % len(ids))
			lat = append(lat, time.Since(t0))
			if err != nil || r.ENP != enps[i%len(ids)] {
				b.Fatalf("look-up %d: %+v, %v", i, r, err)
			}
		}
		b.StopTimer()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "median-ns")
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	}
	b.Run("enp", func(b *testing.B) {
		run(b, func(i int) (registry.PolicyRecord, error) { return s.Policy(ctx, enps[i]) })
		b.ReportMetric(benchBuild.Seconds(), "build-s") // after run: ResetTimer drops metrics
	})
	b.Run("rowid-baseline", func(b *testing.B) {
		// Imported in order into an empty table: policy i has id i+1.
		run(b, func(i int) (registry.PolicyRecord, error) { return s.policyByID(ctx, int64(ids[i]+1)) })
	})
}

// BenchmarkImport stores 100,000 validated records with ImportPolicies (one
// transaction) beside the naive baseline of one PutPolicy, so one transaction, per
// record, measured on 2,000 records. Both report records/s.
func BenchmarkImport(b *testing.B) {
	for _, tt := range []struct {
		name string
		n    int
		put  func(s *Store, recs []registry.PolicyRecord) error
	}{
		{"bulk-100000", 100_000, func(s *Store, recs []registry.PolicyRecord) error { return s.ImportPolicies(ctx, recs) }},
		{"per-row-tx-baseline-2000", 2_000, func(s *Store, recs []registry.PolicyRecord) error {
			for _, r := range recs {
				if err := s.PutPolicy(ctx, r); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			recs := make([]registry.PolicyRecord, tt.n)
			for i := range recs {
				recs[i] = syntheticPolicy(i)
			}
			var elapsed time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, err := Open(ctx, filepath.Join(b.TempDir(), "import.db"))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0 := time.Now()
				if err := tt.put(s, recs); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(t0)
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(tt.n*b.N)/elapsed.Seconds(), "records/s")
		})
	}
}
