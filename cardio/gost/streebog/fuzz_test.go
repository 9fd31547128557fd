package streebog

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
)

// FuzzStreebog checks that hashing data in two Writes, split at any point, gives the
// one-shot digest, for both sizes.
func FuzzStreebog(f *testing.F) {
	raw, err := os.ReadFile("testdata/streebog.json")
	if err != nil {
		f.Fatalf("reading reference data: %v", err)
	}
	var ref struct {
		TestVectors []struct {
			MessageHex string `json:"message_hex"`
		} `json:"test_vectors"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		f.Fatalf("decoding reference data: %v", err)
	}
	for i, tv := range ref.TestVectors {
		msg, err := hex.DecodeString(tv.MessageHex)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg, uint(i*29))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint) {
		k := int(split % uint(len(data)+1))
		d256, d512 := Sum256(data), Sum512(data)
		h256, h512 := New256(), New512()
		for _, h := range []interface{ Write([]byte) (int, error) }{h256, h512} {
			h.Write(data[:k])
			h.Write(data[k:])
		}
		if got := h256.Sum(nil); !bytes.Equal(got, d256[:]) {
			t.Errorf("256-bit, split at %d of %d: streamed %x, one-shot %x", k, len(data), got, d256)
		}
		if got := h512.Sum(nil); !bytes.Equal(got, d512[:]) {
			t.Errorf("512-bit, split at %d of %d: streamed %x, one-shot %x", k, len(data), got, d512)
		}
	})
}
