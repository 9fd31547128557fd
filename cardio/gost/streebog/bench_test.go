package streebog

import (
	"crypto/sha256"
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// BenchmarkStreebog256 measures New256 on 1 KiB and 64 KiB messages.
func BenchmarkStreebog256(b *testing.B) { hashtest.Bench(b, New256) }

// BenchmarkStreebog512 measures New512 on 1 KiB and 64 KiB messages.
func BenchmarkStreebog512(b *testing.B) { hashtest.Bench(b, New512) }

// BenchmarkSHA256 is the same-run baseline: crypto/sha256 on the same sizes.
func BenchmarkSHA256(b *testing.B) { hashtest.Bench(b, sha256.New) }
