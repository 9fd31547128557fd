package signing_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"omsdesk/cardio/signing/softhsmtest"
)

// BenchmarkSign measures ECDSA P-256 signatures of a SHA-256 digest: through SoftHSM2 over
// PKCS#11 (crypto11), against the baseline of an in-memory crypto/ecdsa key in the same
// run. The parallel variants sign from GOMAXPROCS goroutines through one Key.
func BenchmarkSign(b *testing.B) {
	digest := sha256.Sum256([]byte("64 record without 7F60"))
	b.Run("memory-ecdsa", func(b *testing.B) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("softhsm2", func(b *testing.B) {
		spec, _ := softhsmtest.NewToken(b)
		k := open(b, spec)
		for b.Loop() {
			if _, err := k.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("softhsm2-parallel", func(b *testing.B) {
		spec, _ := softhsmtest.NewToken(b)
		k := open(b, spec)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := k.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
