package gost94

import (
	"encoding/hex"
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// The oracle tests hash fresh random messages with Debian's gostsum (package gostsum)
// and OpenSSL's gost engine (package libengine-gost-openssl) and compare. A missing
// tool skips the test, unless OMSDESK_REQUIRE_TOOLS=1 makes it a failure.

func TestOracle(t *testing.T) {
	cases := []struct {
		name     string
		tool     string
		args     []string
		p        *Params
		reversed bool // gostsum prints the digest last byte first
	}{
		{"gostsum", "gostsum", nil, CryptoProParams, true},
		{"gostsum -t", "gostsum", []string{"-t"}, TestParams, true},
		{"openssl md_gost94", "openssl", []string{"dgst", "-engine", "gost", "-md_gost94", "-r"}, CryptoProParams, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tool string
			if c.tool == "openssl" {
				tool = hashtest.RequireOpenSSLGost(t, "", "dgst", "-engine", "gost", "-md_gost94", "-r")
			} else {
				tool = hashtest.RequireTool(t, c.tool, "gostsum")
			}
			// The fixed lengths straddle the 32-byte block.
			msgs := hashtest.WriteMessages(t, 341194, 2001, []int{0, 1, 31, 32, 33, 64, 65})
			msgs.Check(t, c.name, tool, c.args, func(data []byte) string {
				d := Sum(c.p, data)
				if c.reversed {
					return reversedHex(d[:])
				}
				return hex.EncodeToString(d[:])
			})
		})
	}
}
