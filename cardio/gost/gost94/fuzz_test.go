package gost94

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
)

// FuzzGOST94 checks that hashing data in two Writes, split at any point, gives the
// one-shot digest, for both parameter sets.
func FuzzGOST94(f *testing.F) {
	raw, err := os.ReadFile("testdata/gost94.json")
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
		f.Add(msg, uint(i*13))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint) {
		k := int(split % uint(len(data)+1))
		for _, p := range []*Params{CryptoProParams, TestParams} {
			want := Sum(p, data)
			h := New(p)
			h.Write(data[:k])
			h.Write(data[k:])
			if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
				t.Errorf("%s, split at %d of %d: streamed %x, one-shot %x", p.Name, k, len(data), got, want)
			}
		}
	})
}
