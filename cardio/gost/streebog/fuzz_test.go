package streebog

import (
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// FuzzStreebog checks that hashing data in two Writes, split at any point, gives the
// one-shot digest, for both sizes.
func FuzzStreebog(f *testing.F) {
	hashtest.AddVectorSeeds(f, "testdata/streebog.json", 29)
	f.Fuzz(func(t *testing.T, data []byte, split uint) {
		d256, d512 := Sum256(data), Sum512(data)
		hashtest.CheckSplit(t, "256-bit", data, split, New256, d256[:])
		hashtest.CheckSplit(t, "512-bit", data, split, New512, d512[:])
	})
}
