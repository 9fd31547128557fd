package gostsig

import "fmt"

// Match is one way an unknown producer may have made a GOST signature: which hash it
// computed over the message, how it laid out r and s, and whether it (wrongly) read
// the digest as a big-endian number. VerifyAny reports the Match that verified; once
// the layout of a card family is known, Match.Verify checks further cards against it.
type Match struct {
	Hash            Hash
	Layout          Layout
	DigestBigEndian bool
}

// Standard reports whether m is what the standards and X.509 prescribe: signature s||r
// big-endian and the digest read little-endian. (Which hash is standard depends on the
// key algorithm, which a bare public key does not say.)
func (m Match) Standard() bool {
	return m.Layout == Layout{} && !m.DigestBigEndian
}

// String describes m in words a technician can copy into a report, for example
// "hash GOST R 34.11-94, CryptoPro parameters; signature r||s, little-endian (...);
// digest read little-endian (standard)".
func (m Match) String() string {
	digest := "digest read little-endian (standard)"
	if m.DigestBigEndian {
		digest = "digest read big-endian (non-standard)"
	}
	return fmt.Sprintf("hash %v; signature %v; %s", m.Hash, m.Layout, digest)
}

// Verify reports whether sig is a signature of message by pub made the way m says.
func (m Match) Verify(pub *PublicKey, message, sig []byte) bool {
	if !validKey(pub) || len(sig) != 2*pub.Curve.Size {
		return false
	}
	digest := m.Hash.Sum(message)
	if digest == nil {
		return false
	}
	if m.DigestBigEndian {
		digest = reversedCopy(digest)
	}
	r, s, err := ParseSignature(sig, m.Layout)
	return err == nil && VerifyDigest(pub, digest, r, s)
}

// hashesFor lists the hashes VerifyAny tries for a key of the given size, most likely
// first: Streebog of the key's size, then for 256-bit keys GOST R 34.11-94 with the
// CryptoPro and then the test parameters (GOST R 34.10-2001 signatures).
func hashesFor(size int) []Hash {
	if size == 64 {
		return []Hash{HashStreebog512}
	}
	return []Hash{HashStreebog256, HashGOST94CryptoPro, HashGOST94Test}
}

// VerifyAny tries every plausible way the signer may have produced sig over message
// and reports the first that verifies under pub. It exists because the signature on
// OMS cards is made by a Windows crypto provider whose hash and byte order are not
// public (oms-card-format.md §3); the caller chooses which byte ranges to offer as
// message.
//
// It tries, in this order: each hash of the key's size (Streebog-256, GOST R 34.11-94
// CryptoPro, GOST R 34.11-94 test for 256-bit keys; Streebog-512 for 512-bit keys); the
// digest read little-endian (standard) and big-endian; the four signature layouts s||r
// and r||s, big- and little-endian. That is at most 24 verifications for a 256-bit key
// and 8 for a 512-bit key. A random signature passes one of them with negligible
// probability (about 24/q), so a reported Match is as good as a strict verification
// with that Match. It returns false if none verifies or the inputs are malformed.
func VerifyAny(pub *PublicKey, message, sig []byte) (Match, bool) {
	if !validKey(pub) || len(sig) != 2*pub.Curve.Size {
		return Match{}, false
	}
	for _, h := range hashesFor(pub.Curve.Size) {
		digest := h.Sum(message)
		if digest == nil {
			continue
		}
		for _, be := range []bool{false, true} {
			d := digest
			if be {
				d = reversedCopy(digest)
			}
			for _, l := range layouts {
				r, s, err := ParseSignature(sig, l)
				if err == nil && VerifyDigest(pub, d, r, s) {
					return Match{Hash: h, Layout: l, DigestBigEndian: be}, true
				}
			}
		}
	}
	return Match{}, false
}

func reversedCopy(b []byte) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		out[len(b)-1-i] = v
	}
	return out
}
