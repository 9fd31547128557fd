package register

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"
)

// BenchmarkParse100k validates a generated register of 100,000 rows (adults name one
// of 256 photo files, so each of their rows opens a file and decodes its header). The
// baseline is encoding/csv reading the same bytes with no validation, in the same
// run; the rows/s ratio of the two is the price of validation. A third register of
// children only (no photos) separates field validation from file checks.
func BenchmarkParse100k(b *testing.B) {
	const n = 100_000
	data := Generate(n, 1)
	dir := photoDir(b)
	b.Run("baseline_encoding_csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r := csv.NewReader(bytes.NewReader(data))
			rows := 0
			for {
				_, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				rows++
			}
			if rows != n+1 {
				b.Fatalf("%d records", rows)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	// Children under 14 have no photo: the same validation without file system work.
	children := generate(n, 1, photoAge)
	b.Run("Parse_children_no_files", func(b *testing.B) {
		b.SetBytes(int64(len(children)))
		opts := Options{Now: GenerateNow, Dir: dir}
		for b.Loop() {
			reg, err := Parse(bytes.NewReader(children), opts)
			if err != nil || !reg.Valid() || len(reg.Rows) != n || reg.Rows[0].PhotoPath != "" {
				b.Fatalf("%v %v", err, reg.Problems[:min(3, len(reg.Problems))])
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("Parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		opts := Options{Now: GenerateNow, Dir: dir}
		for b.Loop() {
			reg, err := Parse(bytes.NewReader(data), opts)
			if err != nil || !reg.Valid() || len(reg.Rows) != n {
				b.Fatalf("%v %v", err, reg.Problems[:min(3, len(reg.Problems))])
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
