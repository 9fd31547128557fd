package encoder

import (
	"math/rand/v2"
	"testing"

	"github.com/skip2/go-qrcode"
)

// The batch target is 1,000 certificates per second on one core, so one symbol must
// take well under a millisecond; run with -cpu 1 (GOMAXPROCS=1).

// byteText is a byte-mode payload of similar size: a URL-ish text with lower case.
func byteText() string {
	r := rand.New(rand.NewPCG(8, 8))
	return "https://verify.example.org/c?d=" + randText(r, "abcdefghijklmnopqrstuvwxyz0123456789-_", 150)
}

func benchOurs(b *testing.B, text string) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(text, Medium); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSkip2(b *testing.B, text string) {
	b.ReportAllocs()
	for b.Loop() {
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			b.Fatal(err)
		}
		q.DisableBorder = true
		_ = q.Bitmap()
	}
}

func BenchmarkEncodeBase45M(b *testing.B) { benchOurs(b, base45Text()) }
func BenchmarkSkip2Base45M(b *testing.B)  { benchSkip2(b, base45Text()) }
func BenchmarkEncodeByteM(b *testing.B)   { benchOurs(b, byteText()) }
func BenchmarkSkip2ByteM(b *testing.B)    { benchSkip2(b, byteText()) }

// BenchmarkEncodeBase45MWithMask is the cost without mask selection: codewords,
// placement and one mask.
func BenchmarkEncodeBase45MWithMask(b *testing.B) {
	text := base45Text()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeWithMask(text, Medium, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeLarge is a version 40-L symbol, the worst case for the penalty rules.
func BenchmarkEncodeLarge(b *testing.B) {
	text := randText(rand.New(rand.NewPCG(1, 1)), alnumChars, 4296)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(text, Low); err != nil {
			b.Fatal(err)
		}
	}
}
