package tlv

import "testing"

// BenchmarkDecodeOwner decodes the 127-byte owner file of oms-card-format.md §6.
func BenchmarkDecodeOwner(b *testing.B) {
	benchmarkDecode(b, ownerFile)
}

// BenchmarkDecodeOwnerWithPhoto decodes the owner file with a 10 KB photo in 7F40/5F42.
func BenchmarkDecodeOwnerWithPhoto(b *testing.B) {
	benchmarkDecode(b, ownerWithPhoto(10*1024))
}

// BenchmarkEncodeOwnerWithPhoto encodes the decoded owner file with a 10 KB photo.
func BenchmarkEncodeOwnerWithPhoto(b *testing.B) {
	in := ownerWithPhoto(10 * 1024)
	objs, err := Decode(in)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if out := objs[0].Encode(); len(out) != len(in) {
			b.Fatalf("encoded %d bytes, want %d", len(out), len(in))
		}
	}
}

func benchmarkDecode(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		objs, err := Decode(in)
		if err != nil || len(objs) != 1 {
			b.Fatalf("Decode = %d objects, %v", len(objs), err)
		}
	}
}

// BenchmarkBaselineCopy copies the 127-byte owner file: the same-run baseline that
// docs/benchmarks.md divides TLV decoding times by (a decoder cannot beat touching the
// bytes once).
func BenchmarkBaselineCopy(b *testing.B) {
	b.SetBytes(int64(len(ownerFile)))
	b.ReportAllocs()
	for b.Loop() {
		sink = append([]byte(nil), ownerFile...)
	}
}

var sink []byte
