// Package signing holds the signing keys of OMS Desk: the insurer's key that signs the
// insurer record (template 64, signature in 7F60/5F61, certificate in 7F60/5F62) and the
// issuing office's key that signs QR codes.
//
// A key is named by a spec string (docs/signing.md):
//
//	pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=<label>;object=<key label>;pin-env=<ENV>
//	pem:key=<path>;cert=<path>
//
// Production keys live in a PKCS#11 token (github.com/ThalesGroup/crypto11 over
// github.com/miekg/pkcs11, both cgo and dlopen the module); the private key never leaves
// it. PEM files are for development only: Open sets Key.DevelopmentOnly and callers must
// warn (catalogue key "signing.warn.development_only").
//
// Only ECDSA P-256 with SHA-256 is accepted: that is our card profile
// (oms-card-format.md §3), and cardio/verify checks exactly that. A PIN never appears in a
// spec, an error or a log line: it comes from an environment variable or a file.
package signing
