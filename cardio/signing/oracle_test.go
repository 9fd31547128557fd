package signing_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// openssl returns the openssl binary, skipping the test without it unless
// OMSDESK_REQUIRE_TOOLS=1 makes its absence a failure.
func openssl(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("openssl is required (OMSDESK_REQUIRE_TOOLS=1): %v", err)
		}
		t.Skip("openssl not installed")
	}
	return p
}

// opensslVerify checks an ECDSA signature with OpenSSL alone: it extracts the public key
// from the DER certificate itself (openssl x509 -pubkey), then runs
// "openssl dgst -sha256 -verify pub.pem -signature sig.der data.bin". It reports whether
// OpenSSL said "Verified OK".
func opensslVerify(t testing.TB, data, sig, certDER []byte) bool {
	t.Helper()
	bin := openssl(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	data1, sig1, cert1 := write("data.bin", data), write("sig.der", sig), write("cert.der", certDER)
	pub, err := exec.Command(bin, "x509", "-inform", "DER", "-in", cert1, "-pubkey", "-noout").Output()
	if err != nil {
		t.Fatalf("openssl x509 -pubkey: %v", err)
	}
	pub1 := write("pub.pem", pub)
	out, err := exec.Command(bin, "dgst", "-sha256", "-verify", pub1, "-signature", sig1, data1).CombinedOutput()
	ok := bytes.Contains(out, []byte("Verified OK"))
	if ok != (err == nil) {
		t.Fatalf("openssl dgst: exit %v but output %q", err, out)
	}
	return ok
}

// splitTLV walks BER-TLV objects at one level, independently of cardio/tlv: it returns
// each object's tag bytes, whole encoding and value. It handles what the card profile
// uses: one- and two-byte tags, short and long (81/82/83) lengths.
func splitTLV(t testing.TB, b []byte) (tags [][]byte, whole [][]byte, values [][]byte) {
	t.Helper()
	for len(b) > 0 {
		i := 1
		if b[0]&0x1F == 0x1F {
			for b[i]&0x80 != 0 {
				i++
			}
			i++
		}
		tag := b[:i]
		n := int(b[i])
		i++
		if n&0x80 != 0 {
			k := n & 0x7F
			n = 0
			for j := 0; j < k; j++ {
				n = n<<8 | int(b[i+j])
			}
			i += k
		}
		if i+n > len(b) {
			t.Fatalf("TLV overruns: tag % X length %d, %d bytes left", tag, n, len(b)-i)
		}
		tags, whole, values = append(tags, tag), append(whole, b[:i+n]), append(values, b[i:i+n])
		b = b[i+n:]
	}
	return
}

// berLength encodes a definite length (DER).
func berLength(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n < 0x100:
		return []byte{0x81, byte(n)}
	case n < 0x10000:
		return []byte{0x82, byte(n >> 8), byte(n)}
	}
	return []byte{0x83, byte(n >> 16), byte(n >> 8), byte(n)}
}

// signedRangeOfCard cuts what the profile signs out of an insurer EF's bytes as stored on
// the card: template 64 with its 7F60 child removed and the outer length recomputed. It
// also returns 5F61 (the signature) and 5F62 (the certificate) from inside 7F60.
func signedRangeOfCard(t testing.TB, ef []byte) (signed, sig, cert []byte) {
	t.Helper()
	tags, _, values := splitTLV(t, ef)
	if len(tags) < 1 || !bytes.Equal(tags[0], []byte{0x64}) {
		t.Fatalf("EF does not start with template 64: % X", ef)
	}
	var content []byte
	ctags, cwhole, cvalues := splitTLV(t, values[0])
	for i, tag := range ctags {
		if !bytes.Equal(tag, []byte{0x7F, 0x60}) {
			content = append(content, cwhole[i]...)
			continue
		}
		stags, _, svalues := splitTLV(t, cvalues[i])
		for j, st := range stags {
			switch {
			case bytes.Equal(st, []byte{0x5F, 0x61}):
				sig = svalues[j]
			case bytes.Equal(st, []byte{0x5F, 0x62}):
				cert = svalues[j]
			}
		}
	}
	signed = append(append([]byte{0x64}, berLength(len(content))...), content...)
	return signed, sig, cert
}
