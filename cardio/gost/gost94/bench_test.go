package gost94

import (
	"crypto/sha256"
	"hash"
	"testing"
)

// benchSizes are the message sizes of every hash benchmark: a signed card record is
// well under 1 KiB; 64 KiB shows the bulk rate.
var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}}

func benchmarkHash(b *testing.B, newHash func() hash.Hash) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			msg := make([]byte, s.n)
			for i := range msg {
				msg[i] = byte(i)
			}
			h := newHash()
			out := make([]byte, 0, h.Size())
			b.SetBytes(int64(s.n))
			b.ReportAllocs()
			for b.Loop() {
				h.Reset()
				h.Write(msg)
				out = h.Sum(out[:0])
			}
		})
	}
}

// BenchmarkGOST94 measures New(CryptoProParams) on 1 KiB and 64 KiB messages.
func BenchmarkGOST94(b *testing.B) {
	benchmarkHash(b, func() hash.Hash { return New(CryptoProParams) })
}

// BenchmarkSHA256 is the same-run baseline: crypto/sha256 on the same sizes.
func BenchmarkSHA256(b *testing.B) { benchmarkHash(b, sha256.New) }
