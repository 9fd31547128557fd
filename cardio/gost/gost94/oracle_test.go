package gost94

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The oracle tests hash fresh random messages with Debian's gostsum (package gostsum)
// and OpenSSL's gost engine (package libengine-gost-openssl) and compare. A missing
// tool skips the test, unless OMSDESK_REQUIRE_TOOLS=1 makes it a failure.

// toolUnavailable skips t, or fails it when OMSDESK_REQUIRE_TOOLS=1.
func toolUnavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s (OMSDESK_REQUIRE_TOOLS=1)", why)
	}
	t.Skip(why)
}

// oracleMessage is one message written to a file for the external tools.
type oracleMessage struct {
	file string // base name inside the test's temporary directory
	data []byte
}

// writeOracleMessages writes about 20 seeded random messages of random lengths 0..300,
// plus the block-boundary lengths, into a fresh temporary directory.
func writeOracleMessages(t *testing.T) (dir string, msgs []oracleMessage) {
	t.Helper()
	dir = t.TempDir()
	rng := rand.New(rand.NewPCG(341194, 2001))
	lengths := []int{0, 1, 31, 32, 33, 64, 65}
	for range 20 {
		lengths = append(lengths, rng.IntN(301))
	}
	for i, n := range lengths {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("msg%02d.bin", i)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatalf("writing %s: %v", name, err)
		}
		msgs = append(msgs, oracleMessage{file: name, data: data})
	}
	return dir, msgs
}

// runDigestTool runs tool with args followed by every message file (in dir) and
// returns the hex digest it printed for each file. It understands the "HEX FILE"
// lines of gostsum and the "HEX *FILE" lines of openssl dgst -r.
func runDigestTool(t *testing.T, dir string, msgs []oracleMessage, tool string, args ...string) map[string]string {
	t.Helper()
	cmdArgs := append([]string(nil), args...)
	for _, m := range msgs {
		cmdArgs = append(cmdArgs, m.file)
	}
	cmd := exec.Command(tool, cmdArgs...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running %s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr.String())
	}
	digests := map[string]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if _, err := hex.DecodeString(fields[0]); err != nil {
			continue // not a digest line
		}
		digests[strings.TrimPrefix(fields[len(fields)-1], "*")] = strings.ToLower(fields[0])
	}
	return digests
}

// requireOpenSSLGost checks that openssl exists and loads the gost engine.
func requireOpenSSLGost(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		toolUnavailable(t, "openssl not found: "+err.Error())
	}
	probe := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(path, "dgst", "-engine", "gost", "-md_gost94", "-r", probe).CombinedOutput(); err != nil {
		toolUnavailable(t, fmt.Sprintf("openssl gost engine unavailable: %v: %s", err, out))
	}
	return path
}

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
				tool = requireOpenSSLGost(t)
			} else {
				var err error
				if tool, err = exec.LookPath(c.tool); err != nil {
					toolUnavailable(t, c.tool+" not found (Debian package gostsum): "+err.Error())
				}
			}
			dir, msgs := writeOracleMessages(t)
			got := runDigestTool(t, dir, msgs, tool, c.args...)
			for _, m := range msgs {
				printed, ok := got[m.file]
				if !ok {
					t.Errorf("%s printed no digest for %s (%d bytes)", c.name, m.file, len(m.data))
					continue
				}
				d := Sum(c.p, m.data)
				ours := hex.EncodeToString(d[:])
				if c.reversed {
					ours = reversedHex(d[:])
				}
				if ours != printed {
					t.Errorf("%s (%d bytes): we compute %s (as %s prints it), it prints %s", m.file, len(m.data), ours, c.name, printed)
				}
			}
		})
	}
}
