package gost94

import (
	"crypto/sha256"
	"hash"
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// BenchmarkGOST94 measures New(CryptoProParams) on 1 KiB and 64 KiB messages.
func BenchmarkGOST94(b *testing.B) {
	hashtest.Bench(b, func() hash.Hash { return New(CryptoProParams) })
}

// BenchmarkSHA256 is the same-run baseline: crypto/sha256 on the same sizes.
func BenchmarkSHA256(b *testing.B) { hashtest.Bench(b, sha256.New) }
