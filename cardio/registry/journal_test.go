package registry

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// vectorEntry is the worked example of docs/registry.md.
func vectorEntry() Entry {
	return Entry{
		Seq: 1, At: time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC),
		Actor: "operator1", Workstation: "desk-3", Reader: "Virtual PCD 00 00",
		CardSerial: "CARD0001", ENP: "7700000000000016", Step: StepPersonalise, Result: ResultOK,
		Detail: "apdus=12",
	}
}

// specHash re-implements the documented encoding independently of EntryHash.
func specHash(e Entry) string {
	var msg bytes.Buffer
	put := func(b []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		msg.Write(n[:])
		msg.Write(b)
	}
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], uint64(e.Seq))
	put([]byte("omsdesk-journal-v1"))
	put(seq[:])
	put([]byte(e.At.UTC().Format("2006-01-02T15:04:05.000000000Z")))
	for _, s := range []string{e.Actor, e.Workstation, e.Reader, e.CardSerial, e.ENP, e.Step, e.Result, e.Detail} {
		put([]byte(s))
	}
	put(e.PrevHash[:])
	sum := sha256.Sum256(msg.Bytes())
	return hex.EncodeToString(sum[:])
}

func TestEntryHashMatchesSpec(t *testing.T) {
	e := vectorEntry()
	got := EntryHash(&e).String()
	if want := specHash(e); got != want {
		t.Fatalf("EntryHash %s, documented encoding %s", got, want)
	}
	golden := filepath.Join("testdata", "hash_vector.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("reading golden (run with -update to create): %v", err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Fatalf("hash of the documented example changed: %s, golden %s", got, want)
	}
	// Every field is covered: changing any one changes the hash.
	mutations := map[string]func(*Entry){
		"seq": func(e *Entry) { e.Seq++ }, "at": func(e *Entry) { e.At = e.At.Add(time.Nanosecond) },
		"actor": func(e *Entry) { e.Actor += "x" }, "workstation": func(e *Entry) { e.Workstation += "x" },
		"reader": func(e *Entry) { e.Reader += "x" }, "card": func(e *Entry) { e.CardSerial += "x" },
		"enp": func(e *Entry) { e.ENP = "7700000000000024" }, "step": func(e *Entry) { e.Step = StepCompare },
		"result": func(e *Entry) { e.Result = ResultFailed }, "detail": func(e *Entry) { e.Detail = "" },
		"prev": func(e *Entry) { e.PrevHash[31] = 1 },
		// Length prefixes keep field boundaries: moving a byte between fields matters.
		"boundary": func(e *Entry) { e.Actor, e.Workstation = "operator1d", "esk-3" },
	}
	for name, mutate := range mutations {
		m := vectorEntry()
		mutate(&m)
		if EntryHash(&m).String() == got {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

func TestParseAnchor(t *testing.T) {
	h := EntryHash(&Entry{Seq: 1})
	good := "42:" + h.String()
	a, err := ParseAnchor(good)
	if err != nil || a.Seq != 42 || a.Hash != h || a.String() != good {
		t.Fatalf("ParseAnchor(%q) = %v, %v", good, a, err)
	}
	if a, err := ParseAnchor(" 42:" + strings.ToUpper(h.String()) + "\n"); err != nil || a.Hash != h {
		t.Errorf("upper case, spaces: %v, %v", a, err)
	}
	for _, bad := range []string{"", "42", "x:" + h.String(), "0:" + h.String(), "-1:" + h.String(), "42:abc", "42:" + h.String() + "00"} {
		if _, err := ParseAnchor(bad); !errors.Is(err, ErrBadAnchor) {
			t.Errorf("ParseAnchor(%q): %v, want ErrBadAnchor", bad, err)
		}
	}
}
