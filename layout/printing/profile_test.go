package printing

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"omsdesk/layout/calibration"
)

func TestValidateAdjustment(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    calibration.Adjustment
		code string // "" = valid
	}{
		{"zero", calibration.Adjustment{}, ""},
		{"limits", calibration.Adjustment{OffsetX: 5, OffsetY: -5, Scale: 0.9, BackOffsetX: -5, BackOffsetY: 5}, ""},
		{"scale max", calibration.Adjustment{Scale: 1.1}, ""},
		{"scale low", calibration.Adjustment{Scale: 0.89}, "scale_range"},
		{"scale high", calibration.Adjustment{Scale: 1.2}, "scale_range"},
		{"scale negative", calibration.Adjustment{Scale: -1}, "scale_range"},
		{"offset x", calibration.Adjustment{OffsetX: 5.01}, "offset_range"},
		{"offset y", calibration.Adjustment{OffsetY: -6}, "offset_range"},
		{"back x", calibration.Adjustment{BackOffsetX: 7}, "offset_range"},
		{"back y", calibration.Adjustment{BackOffsetY: -5.5}, "offset_range"},
	} {
		err := ValidateAdjustment(tt.a)
		var pe *ProfileError
		switch {
		case tt.code == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code || !errors.Is(err, ErrInvalidProfile)):
			t.Errorf("%s: got %v, want code %s", tt.name, err, tt.code)
		}
	}
}

func TestValidatePrinterName(t *testing.T) {
	for name, ok := range map[string]bool{
		"OMSDesk-PDF": true, "Evolis_Primacy": true, "office@host": true,
		"": false, "-d": false, "with space": false, "a/b": false, "a#b": false, "Принтер": false,
		strings.Repeat("p", 128): false, "tab\t": false,
	} {
		if err := ValidatePrinterName(name); (err == nil) != ok {
			t.Errorf("%q: %v", name, err)
		}
	}
}

func TestProfilesRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "printers.json")
	ps, err := LoadProfiles(path)
	if err != nil || len(ps.Printers) != 0 {
		t.Fatalf("missing file: %+v, %v", ps, err)
	}
	want := Profile{Media: MediaCard, Duplex: true, Notes: "measured 2026-11-25",
		Adjustment: calibration.Adjustment{OffsetX: 0.4, OffsetY: -0.3, Scale: 1.002, BackOffsetX: 0.1, BackOffsetY: -0.2}}
	if err := ps.Set("Evolis", want); err != nil {
		t.Fatal(err)
	}
	if err := ps.Set("Office", Profile{Media: MediaA4}); err != nil {
		t.Fatal(err)
	}
	if err := ps.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := got.Get("Evolis"); !ok || p != want {
		t.Errorf("Evolis = %+v %v, want %+v", p, ok, want)
	}
	if p, ok := got.Get("Unknown"); ok || p.Media != MediaCard || !p.Adjustment.IsZero() {
		t.Errorf("default profile %+v %v", p, ok)
	}
	if names := strings.Join(got.Names(), ","); names != "Evolis,Office" {
		t.Errorf("names %s", names)
	}
	// Nothing but the file itself is left in the directory: the temporary file was
	// renamed, not copied.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after saving", len(entries))
	}
	data, _ := os.ReadFile(path)
	for _, s := range []string{`"version": 1`, `"offset_x_mm": 0.4`, `"scale": 1.002`, `"media": "card-id1"`} {
		if !strings.Contains(string(data), s) {
			t.Errorf("file lacks %s:\n%s", s, data)
		}
	}
}

func TestProfilesSaveRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "printers.json")
	good := NewProfiles()
	if err := good.Set("P", Profile{Media: MediaA4}); err != nil {
		t.Fatal(err)
	}
	if err := good.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := NewProfiles()
	bad.Printers["P"] = Profile{Media: MediaA4, Adjustment: calibration.Adjustment{Scale: 2}}
	if err := bad.Save(path); !errors.Is(err, ErrInvalidProfile) {
		t.Fatalf("saving an invalid profile: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a refused save changed the file")
	}
	if err := bad.Set("P", bad.Printers["P"]); !errors.Is(err, ErrInvalidProfile) {
		t.Fatalf("Set accepted scale 2: %v", err)
	}
}

func TestParseProfiles(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		code       string // "" = valid
		printer    string
	}{
		{"empty printers", `{"version":1,"printers":{}}`, "", ""},
		{"no printers key", `{"version":1}`, "", ""},
		{"good", `{"version":1,"printers":{"P":{"media":"a4","duplex":false,"adjustment":{"offset_x_mm":1,"offset_y_mm":0,"scale":0,"back_offset_x_mm":0,"back_offset_y_mm":0}}}}`, "", ""},
		{"not json", `{`, "file_format", ""},
		{"two objects", `{"version":1} {}`, "file_format", ""},
		{"unknown key", `{"version":1,"printers":{"P":{"media":"a4","offset":3}}}`, "file_format", ""},
		{"wrong version", `{"version":2,"printers":{}}`, "version", ""},
		{"bad media", `{"version":1,"printers":{"P":{"media":"letter"}}}`, "media", "P"},
		{"bad offset", `{"version":1,"printers":{"Q":{"media":"a4","adjustment":{"offset_y_mm":-9}}}}`, "offset_range", "Q"},
		{"bad name", `{"version":1,"printers":{"a b":{"media":"a4"}}}`, "printer_name", "a b"},
	} {
		_, err := ParseProfiles([]byte(tt.data))
		var pe *ProfileError
		switch {
		case tt.code == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code || pe.Printer != tt.printer):
			t.Errorf("%s: got %v, want code %s for %q", tt.name, err, tt.code, tt.printer)
		}
	}
}

func TestLoadProfilesUnreadable(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadProfiles(dir); err == nil || errors.Is(err, ErrInvalidProfile) {
		t.Fatalf("a directory as profiles file: %v", err)
	}
	path := filepath.Join(dir, "p.json")
	os.WriteFile(path, []byte("garbage"), 0o644)
	if _, err := LoadProfiles(path); !errors.Is(err, ErrInvalidProfile) {
		t.Fatalf("garbage: %v", err)
	}
}

func TestDefaultProfilePath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	if p, err := DefaultProfilePath(); err != nil || p != "/cfg/omsdesk/printers.json" {
		t.Errorf("%s %v", p, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, err := DefaultProfilePath(); err != nil || p != "/home/u/.config/omsdesk/printers.json" {
		t.Errorf("%s %v", p, err)
	}
}

func TestParseSettings(t *testing.T) {
	base := calibration.Adjustment{OffsetX: 1, BackOffsetY: 2}
	for _, tt := range []struct {
		in   string
		want calibration.Adjustment
		code string
	}{
		{"offset-x=0.4,offset-y=-0.3,scale=1.002", calibration.Adjustment{OffsetX: 0.4, OffsetY: -0.3, Scale: 1.002, BackOffsetY: 2}, ""},
		{" back-offset-x = 0.5 , BACK-OFFSET-Y=-1,", calibration.Adjustment{OffsetX: 1, BackOffsetX: 0.5, BackOffsetY: -1}, ""},
		{"", base, ""},
		{"offset-x", base, "setting"},
		{"offset-z=1", base, "setting"},
		{"offset-x=0,4", base, "setting"},
		{"offset-x=abc", base, "number"},
		{"offset-x=NaN", base, "number"},
		{"offset-x=Inf", base, "number"},
		{"scale=1.5", base, "scale_range"},
		{"offset-y=5.5", base, "offset_range"},
	} {
		got, err := ParseSettings(tt.in, base)
		var pe *ProfileError
		if tt.code == "" {
			if err != nil || got != tt.want {
				t.Errorf("%q: %+v %v, want %+v", tt.in, got, err, tt.want)
			}
		} else if !errors.As(err, &pe) || pe.Code != tt.code || got != base {
			t.Errorf("%q: %+v %v, want code %s and the base back", tt.in, got, err, tt.code)
		}
	}
}

func TestParseMedia(t *testing.T) {
	for in, want := range map[string]Media{"card": MediaCard, "CARD-ID1": MediaCard, "id-1": MediaCard, " a4 ": MediaA4, "letter": "", "": ""} {
		got, err := ParseMedia(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
}

// FuzzParseProfiles: a hand-edited or damaged profiles file never panics, and whatever
// is accepted is valid and survives a save and a reload unchanged.
func FuzzParseProfiles(f *testing.F) {
	f.Add([]byte(`{"version":1,"printers":{"P":{"media":"card-id1","duplex":true,"adjustment":{"offset_x_mm":0.4,"scale":1.002},"notes":"n"}}}`))
	f.Add([]byte(`{"version":1,"printers":{}}`))
	f.Add([]byte(`{"version":1,"printers":{"a b":{"media":"a4"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParseProfiles(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error outside ErrInvalidProfile: %v", err)
			}
			return
		}
		path := filepath.Join(t.TempDir(), "p.json")
		if err := ps.Save(path); err != nil {
			t.Fatalf("an accepted file cannot be saved: %v", err)
		}
		again, err := LoadProfiles(path)
		if err != nil {
			t.Fatalf("a saved file cannot be loaded: %v", err)
		}
		if len(again.Printers) != len(ps.Printers) {
			t.Fatal("printers lost in the round trip")
		}
		for n, p := range ps.Printers {
			if again.Printers[n] != p {
				t.Fatalf("%q: %+v became %+v", n, p, again.Printers[n])
			}
		}
	})
}

// FuzzParseSettings: typed settings and measurements never panic, and accepted
// settings are within the limits.
func FuzzParseSettings(f *testing.F) {
	f.Add("offset-x=0.4,offset-y=-0.3,scale=1.002")
	f.Add("left=5.4,top=4.7,x=60.2,y=30.1,back-left=5.1,back-top=4.9")
	f.Fuzz(func(t *testing.T, s string) {
		if a, err := ParseSettings(s, calibration.Adjustment{}); err == nil {
			if ValidateAdjustment(a) != nil {
				t.Fatalf("accepted %+v", a)
			}
		}
		if ms, err := ParseMeasurements(s); err == nil {
			FromMeasurements(MediaCard, ms)
		}
	})
}
