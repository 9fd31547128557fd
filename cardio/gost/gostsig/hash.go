package gostsig

import (
	"omsdesk/cardio/gost/gost94"
	"omsdesk/cardio/gost/streebog"
)

// Hash names a GOST hash function a signature may have been computed over.
type Hash int

// The hash functions GOST R 34.10 signatures are used with.
const (
	// HashStreebog256 is GOST R 34.11-2012 with a 256-bit digest (RFC 6986), used with
	// 256-bit GOST R 34.10-2012 keys (signature OID 1.2.643.7.1.1.3.2).
	HashStreebog256 Hash = iota + 1
	// HashStreebog512 is GOST R 34.11-2012 with a 512-bit digest, used with 512-bit keys
	// (signature OID 1.2.643.7.1.1.3.3).
	HashStreebog512
	// HashGOST94CryptoPro is GOST R 34.11-94 (RFC 5831) with the CryptoPro S-boxes
	// (1.2.643.2.2.30.1), used with GOST R 34.10-2001 keys (signature OID 1.2.643.2.2.3).
	HashGOST94CryptoPro
	// HashGOST94Test is GOST R 34.11-94 with the test S-boxes of RFC 5831
	// (1.2.643.2.2.30.0), which some early software used.
	HashGOST94Test
)

// String names the hash as a technician would look it up.
func (h Hash) String() string {
	switch h {
	case HashStreebog256:
		return "GOST R 34.11-2012 (Streebog) 256-bit"
	case HashStreebog512:
		return "GOST R 34.11-2012 (Streebog) 512-bit"
	case HashGOST94CryptoPro:
		return "GOST R 34.11-94, CryptoPro parameters"
	case HashGOST94Test:
		return "GOST R 34.11-94, test parameters"
	}
	return "unknown hash"
}

// Sum returns the digest of message in the byte order of gost12sum and
// `openssl dgst -md_gost94` (the order GOST R 34.10 reads little-endian). It returns nil
// for an unknown Hash.
func (h Hash) Sum(message []byte) []byte {
	switch h {
	case HashStreebog256:
		d := streebog.Sum256(message)
		return d[:]
	case HashStreebog512:
		d := streebog.Sum512(message)
		return d[:]
	case HashGOST94CryptoPro:
		d := gost94.Sum(gost94.CryptoProParams, message)
		return d[:]
	case HashGOST94Test:
		d := gost94.Sum(gost94.TestParams, message)
		return d[:]
	}
	return nil
}
