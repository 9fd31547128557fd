//go:build !cgo

package signing

// PKCS11Supported tells whether this build can load PKCS#11 modules: false without cgo,
// where only pem: keys work.
const PKCS11Supported = false

func openPKCS11(*Spec) (*Key, error) { return nil, fail("pkcs11_unavailable", nil) }

// GenerateInToken needs cgo; this build always fails with ErrPKCS11Unavailable.
func GenerateInToken(string, CertRequest) (*Key, error) {
	return nil, fail("pkcs11_unavailable", nil)
}
