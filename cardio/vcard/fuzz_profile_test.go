package vcard

import (
	"bytes"
	"testing"
)

// FuzzParseFCP feeds CREATE FILE data fields to the FCP parser: it must never panic,
// and whatever it accepts must survive an encode/parse round trip unchanged and within
// the profile's limits. The seed corpus is in testdata/fuzz/FuzzParseFCP.
func FuzzParseFCP(f *testing.F) {
	f.Add(encodeFCP(fileSpec{df: true, fid: FIDRoot, name: "foms_root"}))
	f.Add(encodeFCP(fileSpec{fid: 0x0201, size: 0x17FF}))
	f.Fuzz(func(t *testing.T, b []byte) {
		spec, err := parseFCP(b)
		if err != nil {
			return
		}
		if !spec.df && (spec.size < 1 || spec.size > MaxEFSize) || len(spec.name) > 16 || spec.fid == fidMF {
			t.Fatalf("accepted %+v", spec)
		}
		again, err := parseFCP(encodeFCP(spec))
		if err != nil || again != spec {
			t.Fatalf("round trip of %+v: %+v %v", spec, again, err)
		}
	})
}

// FuzzRestore feeds state files to Restore: no panic, and a restored card snapshots to
// a state that restores to the same snapshot.
func FuzzRestore(f *testing.F) {
	for _, c := range []*Card{NewBlank(BlankOptions{}), Default()} {
		s, _ := c.Snapshot()
		f.Add(s)
	}
	f.Add([]byte(`{"version":1,"atr":"3b00","mf":{"fid":"3F00","df":true,"children":[{"fid":"0001","data":"00"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Restore(b)
		if err != nil {
			return
		}
		s1, err := c.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Restore(s1)
		if err != nil {
			t.Fatalf("restoring a snapshot: %v\n%s", err, s1)
		}
		if s2, _ := c2.Snapshot(); !bytes.Equal(s1, s2) {
			t.Fatal("snapshot round trip differs")
		}
	})
}

// FuzzBlankTransmit sends arbitrary command sequences (each APDU prefixed by its length
// byte) to a blank card whose PINs a seed has verified: it must answer each with a
// status word, never panic, never use more memory than it has, and its state must
// always snapshot and restore.
func FuzzBlankTransmit(f *testing.F) {
	var seed []byte
	for _, s := range personalisation(f, SamplePolicy(0), true) {
		b, _ := ParseHex(s.cmd)
		seed = append(seed, byte(len(b)))
		seed = append(seed, b...)
	}
	f.Add(seed, false)
	f.Add([]byte("\x0d\x00\x20\x00\x01\x08\x31\x32\x33\x34\xff\xff\xff\xff\x04\x00\xe6\x00\x00"), true)
	f.Fuzz(func(t *testing.T, script []byte, ext bool) {
		c := NewBlank(BlankOptions{Capacity: 2000, ExtendedLength: ext})
		for len(script) > 0 {
			n := min(int(script[0]), len(script)-1)
			cmd := script[1 : 1+n]
			script = script[1+n:]
			resp, err := c.Transmit(cmd)
			if err != nil || len(resp) < 2 {
				t.Fatalf("% X → % X, %v", cmd, resp, err)
			}
		}
		if c.FreeMemory() < 0 {
			t.Fatalf("free memory %d", c.FreeMemory())
		}
		s, err := c.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Restore(s); err != nil {
			t.Fatalf("restoring: %v\n%s", err, s)
		}
	})
}

func TestParseFCP(t *testing.T) {
	for _, tt := range []struct {
		hex  string
		want fileSpec
		ok   bool
	}{
		{"6212 820138 83025000 8409666F6D735F726F6F74", fileSpec{df: true, fid: 0x5000, name: "foms_root"}, true},
		{"620B 820101 83020201 8002007F", fileSpec{fid: 0x0201, size: 0x7F}, true},
		{"62810B 820101 83020202 8002100A", fileSpec{fid: 0x0202, size: 0x100A}, true},
		{"6207 820138 83026000", fileSpec{df: true, fid: 0x6000}, true},
		{"6207 83026000 820138", fileSpec{df: true, fid: 0x6000}, true}, // any order
		{"6207 83026000 820238", fileSpec{}, false},                     // 82 runs past
		{"6206 820101 83020203", fileSpec{}, false},                     // EF without size
		{"620D 820101 83020204 80020010 840141", fileSpec{}, false},
		{"620B 820138 83025000 80020010", fileSpec{}, false}, // DF with size
		{"620C 820138 820138 83025003 840142", fileSpec{}, false},
		{"6206 820138 83023F00", fileSpec{}, false},
		{"6206 820138 8302FFFF", fileSpec{}, false},
		{"6210 820138", fileSpec{}, false},
		{"6206 820138 83025003 00", fileSpec{}, false},
		{"620A 820101 83020205 80020000", fileSpec{}, false},
		{"620A 820101 83020205 80028000", fileSpec{}, false},
		{"6209 820138 83025004 8A0101", fileSpec{}, false},
		{"6F06 820138 83025005", fileSpec{}, false},
		{"6208 820102 83025005", fileSpec{}, false},
		{"6219 820138 83025006 8411" + "41414141414141414141414141414141" + "41", fileSpec{}, false},
		{"", fileSpec{}, false},
	} {
		b, err := ParseHex(tt.hex)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseFCP(b)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: %+v %v, want %+v ok=%v", tt.hex, got, err, tt.want, tt.ok)
		}
	}
}
