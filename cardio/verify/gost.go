package verify

// gostCert is a GOST X.509 certificate. Until the GOST verifier (cardio/gost/gostsig)
// is wired in here, such certificates are not recognised: a GOST-signed record is
// reported as carrying a certificate crypto/x509 cannot parse, never as verified.
type gostCert struct{}

func gostCertificate([]byte) (*gostCert, bool) { return nil, false }

func checkGOST(*Report, *gostCert, []byte, []signedRange, Options) {}
