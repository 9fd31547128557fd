package gost94

import (
	"hash"
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// FuzzGOST94 checks that hashing data in two Writes, split at any point, gives the
// one-shot digest, for both parameter sets.
func FuzzGOST94(f *testing.F) {
	hashtest.AddVectorSeeds(f, "testdata/gost94.json", 13)
	f.Fuzz(func(t *testing.T, data []byte, split uint) {
		for _, p := range []*Params{CryptoProParams, TestParams} {
			want := Sum(p, data)
			hashtest.CheckSplit(t, p.Name, data, split, func() hash.Hash { return New(p) }, want[:])
		}
	})
}
