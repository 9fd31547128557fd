package streebog

import (
	"encoding/hex"
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// The oracle tests hash fresh random messages with Debian's gost12sum (package
// gostsum) and OpenSSL's gost engine (package libengine-gost-openssl) and compare.
// A missing tool skips the test, unless OMSDESK_REQUIRE_TOOLS=1 makes it a failure.

func TestOracle(t *testing.T) {
	sum256 := func(b []byte) string { d := Sum256(b); return hex.EncodeToString(d[:]) }
	sum512 := func(b []byte) string { d := Sum512(b); return hex.EncodeToString(d[:]) }
	cases := []struct {
		name string
		tool string
		args []string
		sum  func([]byte) string
	}{
		{"gost12sum", "gost12sum", nil, sum256},
		{"gost12sum -l", "gost12sum", []string{"-l"}, sum512},
		{"openssl md_gost12_256", "openssl", []string{"dgst", "-engine", "gost", "-md_gost12_256", "-r"}, sum256},
		{"openssl md_gost12_512", "openssl", []string{"dgst", "-engine", "gost", "-md_gost12_512", "-r"}, sum512},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tool string
			if c.tool == "openssl" {
				tool = hashtest.RequireOpenSSLGost(t, "", "dgst", "-engine", "gost", "-md_gost12_256", "-r")
			} else {
				tool = hashtest.RequireTool(t, c.tool, "gostsum")
			}
			// The fixed lengths straddle the 64-byte block.
			msgs := hashtest.WriteMessages(t, 34112012, 6986, []int{0, 1, 63, 64, 65, 127, 128})
			msgs.Check(t, c.name, tool, c.args, c.sum)
		})
	}
}
