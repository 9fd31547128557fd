package hashtest

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func TestParseSums(t *testing.T) {
	cases := []struct {
		name string
		out  string
		want map[string]string
	}{
		{"gostsum style", "ABcd01  msg00.bin\nef23 msg01.bin\n", map[string]string{"msg00.bin": "abcd01", "msg01.bin": "ef23"}},
		{"openssl -r style", "abcd *msg00.bin\n", map[string]string{"msg00.bin": "abcd"}},
		{"noise skipped", "Engine \"gost\" set.\n\nzz12 msg00.bin\nabcd\n0102 msg01.bin", map[string]string{"msg01.bin": "0102"}},
		{"empty", "", map[string]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ParseSums([]byte(c.out)); !maps.Equal(got, c.want) {
				t.Errorf("ParseSums(%q) = %v, want %v", c.out, got, c.want)
			}
		})
	}
}

func TestWriteMessages(t *testing.T) {
	fixed := []int{0, 1, 64}
	a := WriteMessages(t, 1, 2, fixed)
	b := WriteMessages(t, 1, 2, fixed)
	if len(a.Messages) != len(fixed)+RandomLengths {
		t.Fatalf("got %d messages, want %d", len(a.Messages), len(fixed)+RandomLengths)
	}
	for i, m := range a.Messages {
		if i < len(fixed) && len(m.Data) != fixed[i] {
			t.Errorf("message %d has %d bytes, want %d", i, len(m.Data), fixed[i])
		}
		if len(m.Data) > MaxRandomLength && i >= len(fixed) {
			t.Errorf("random message %d has %d bytes, over %d", i, len(m.Data), MaxRandomLength)
		}
		if !bytes.Equal(m.Data, b.Messages[i].Data) || m.File != b.Messages[i].File {
			t.Errorf("message %d differs between runs with the same seeds", i)
		}
		onDisk, err := os.ReadFile(filepath.Join(a.Dir, m.File))
		if err != nil || !bytes.Equal(onDisk, m.Data) {
			t.Errorf("file %s does not hold message %d: %v", m.File, i, err)
		}
	}
}

// recorder is a testing.TB that records Errorf calls instead of failing.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Errorf(string, ...any) { r.errors++ }

// brokenHash drops its first byte when the data comes in more than one Write.
type brokenHash struct {
	hash.Hash
	writes int
}

func (h *brokenHash) Write(p []byte) (int, error) {
	h.writes++
	if h.writes > 1 && len(p) > 0 {
		p = p[1:]
	}
	return h.Hash.Write(p)
}

func TestCheckSplit(t *testing.T) {
	data := []byte("a message to split")
	want := sha256.Sum256(data)
	cases := []struct {
		name    string
		newHash func() hash.Hash
		split   uint
		errors  int
	}{
		{"correct hash", sha256.New, 5, 0},
		{"correct hash, split past end wraps", sha256.New, 1000, 0},
		{"broken hash", func() hash.Hash { return &brokenHash{Hash: sha256.New()} }, 5, 1},
		{"broken hash, split at end", func() hash.Hash { return &brokenHash{Hash: sha256.New()} }, uint(len(data)), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			CheckSplit(r, c.name, data, c.split, c.newHash, want[:])
			if r.errors != c.errors {
				t.Errorf("CheckSplit reported %d errors, want %d", r.errors, c.errors)
			}
		})
	}
}
