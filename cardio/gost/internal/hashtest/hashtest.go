// Package hashtest holds the test scaffolding shared by the GOST packages (streebog,
// gost94 and gostsig), so that their oracle tests, benchmarks and fuzz targets state
// only what is particular to each algorithm.
//
// It covers four things: finding an external oracle tool (skipping, or failing when
// OMSDESK_REQUIRE_TOOLS=1, if it is missing); writing seeded random messages to files
// and comparing our digests with those a sum tool prints for them; the benchmark
// harness every hash is measured with; and the split-streaming check of the hash fuzz
// targets. It is imported only from _test.go files.
package hashtest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequireToolsEnv names the environment variable that, set to "1", turns a missing
// oracle tool from a skipped test into a failed one (CI sets it where the tools are
// installed, so that an oracle test cannot silently stop running).
const RequireToolsEnv = "OMSDESK_REQUIRE_TOOLS"

// ToolUnavailable skips t with the reason why, or fails it when
// OMSDESK_REQUIRE_TOOLS=1.
func ToolUnavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(RequireToolsEnv) == "1" {
		t.Fatalf("%s (%s=1)", why, RequireToolsEnv)
	}
	t.Skip(why)
}

// RequireTool returns the path of the executable name, or makes t unavailable (see
// ToolUnavailable) when it is not on PATH. A non-empty debianPackage is named in the
// message as the package that provides the tool.
func RequireTool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		why := name + " not found"
		if debianPackage != "" {
			why += " (Debian package " + debianPackage + ")"
		}
		ToolUnavailable(t, why+": "+err.Error())
	}
	return path
}

// RequireOpenSSLGost returns the path of openssl after checking that it can do GOST
// work: it runs openssl with the probe arguments (standard input empty) and makes t
// unavailable if that fails or, when want is not empty, if the combined output lacks
// want. The probe should exercise the gost engine (Debian libengine-gost-openssl) the
// way the test will use it.
func RequireOpenSSLGost(t testing.TB, want string, probe ...string) string {
	t.Helper()
	path := RequireTool(t, "openssl", "")
	out, err := exec.Command(path, probe...).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(want)) {
		ToolUnavailable(t, fmt.Sprintf("openssl gost engine unavailable: %v: %s", err, out))
	}
	return path
}

// RandomLengths is how many messages of random length (0 to MaxRandomLength bytes)
// WriteMessages adds after the fixed lengths.
const (
	RandomLengths   = 20
	MaxRandomLength = 300
)

// Message is one message written to a file for the external tools.
type Message struct {
	File string // base name inside the MessageSet's directory
	Data []byte
}

// MessageSet is a set of messages written to files in one temporary directory.
type MessageSet struct {
	Dir      string
	Messages []Message
}

// WriteMessages writes one message for each of the fixed lengths (typically the
// block-boundary lengths of the algorithm under test) followed by RandomLengths
// messages of random lengths 0..MaxRandomLength, all filled from a PCG generator
// seeded with seed1 and seed2, into a fresh temporary directory of t. The files are
// named msg00.bin, msg01.bin, ….
func WriteMessages(t testing.TB, seed1, seed2 uint64, fixed []int) *MessageSet {
	t.Helper()
	set := &MessageSet{Dir: t.TempDir()}
	rng := rand.New(rand.NewPCG(seed1, seed2))
	lengths := append([]int(nil), fixed...)
	for range RandomLengths {
		lengths = append(lengths, rng.IntN(MaxRandomLength+1))
	}
	for i, n := range lengths {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("msg%02d.bin", i)
		if err := os.WriteFile(filepath.Join(set.Dir, name), data, 0o600); err != nil {
			t.Fatalf("writing %s: %v", name, err)
		}
		set.Messages = append(set.Messages, Message{File: name, Data: data})
	}
	return set
}

// Sums runs tool in the set's directory with args followed by the name of every
// message file, and returns the lower-case hex digest it printed for each file name
// (see ParseSums). A tool that fails fails t.
func (s *MessageSet) Sums(t testing.TB, tool string, args ...string) map[string]string {
	t.Helper()
	cmdArgs := append([]string(nil), args...)
	for _, m := range s.Messages {
		cmdArgs = append(cmdArgs, m.File)
	}
	cmd := exec.Command(tool, cmdArgs...)
	cmd.Dir = s.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running %s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr.String())
	}
	return ParseSums(out)
}

// Check runs tool with args over every message (see Sums) and fails t for each
// message the tool printed no digest for, or a digest other than ours(data). ours
// must return lower-case hex in the byte order the tool prints; name identifies the
// tool run in messages.
func (s *MessageSet) Check(t testing.TB, name, tool string, args []string, ours func(data []byte) string) {
	t.Helper()
	got := s.Sums(t, tool, args...)
	for _, m := range s.Messages {
		printed, ok := got[m.File]
		if !ok {
			t.Errorf("%s printed no digest for %s (%d bytes)", name, m.File, len(m.Data))
			continue
		}
		if want := ours(m.Data); want != printed {
			t.Errorf("%s (%d bytes): we compute %s (as %s prints it), it prints %s", m.File, len(m.Data), want, name, printed)
		}
	}
}

// ParseSums reads the digest lines of a sum tool's output: "HEX  FILE" (gostsum,
// gost12sum, coreutils style, any white space between) and "HEX *FILE" (openssl dgst
// -r, binary-mode marker). It returns the lower-cased digest for each file name; lines
// whose first field is not hex, or that have fewer than two fields, are ignored.
func ParseSums(out []byte) map[string]string {
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

// benchSizes are the message sizes of every hash benchmark: a signed card record is
// well under 1 KiB; 64 KiB shows the bulk rate.
var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}}

// Bench measures newHash in the sub-benchmarks "1KiB" and "64KiB": Reset, one Write
// of a message of that size and Sum, reporting bytes per second and allocations.
// Every hash benchmark of the GOST packages, and their crypto/sha256 baseline, runs
// through it so that the figures compare like with like.
func Bench(b *testing.B, newHash func() hash.Hash) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			msg := make([]byte, s.n)
			for i := range msg {
				msg[i] = byte(i)
			}
			h := newHash()
			out := make([]byte, 0, h.Size())
			b.SetBytes(int64(s.n))
			b.ReportAllocs()
			for b.Loop() {
				h.Reset()
				h.Write(msg)
				out = h.Sum(out[:0])
			}
		})
	}
}

// AddVectorSeeds adds to f one seed (message, uint(i*splitStride)) for the i-th entry
// of the "test_vectors" array of the reference file path, whose "message_hex" fields
// hold the messages. It fails f if the file cannot be read or decoded.
func AddVectorSeeds(f *testing.F, path string, splitStride uint) {
	f.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		f.Fatalf("reading reference data: %v", err)
	}
	var ref struct {
		TestVectors []struct {
			MessageHex string `json:"message_hex"`
		} `json:"test_vectors"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		f.Fatalf("decoding reference data: %v", err)
	}
	for i, tv := range ref.TestVectors {
		msg, err := hex.DecodeString(tv.MessageHex)
		if err != nil {
			f.Fatalf("decoding message %d of %s: %v", i, path, err)
		}
		f.Add(msg, uint(i)*splitStride)
	}
}

// CheckSplit hashes data with a fresh newHash() in two Writes, split at
// split mod (len(data)+1), and fails t unless the digest equals oneShot. name says
// which hash it is in the message.
func CheckSplit(t testing.TB, name string, data []byte, split uint, newHash func() hash.Hash, oneShot []byte) {
	t.Helper()
	k := int(split % uint(len(data)+1))
	h := newHash()
	h.Write(data[:k])
	h.Write(data[k:])
	if got := h.Sum(nil); !bytes.Equal(got, oneShot) {
		t.Errorf("%s, split at %d of %d: streamed %x, one-shot %x", name, k, len(data), got, oneShot)
	}
}
