package insurers

import (
	"errors"
	"testing"

	"omsdesk/cardio/policy"
)

func TestBuiltinValid(t *testing.T) {
	all := Builtin().All()
	if len(all) < 2 {
		t.Fatalf("built-in table has %d entries", len(all))
	}
	for _, i := range all {
		if err := policy.ValidateOGRN(i.OGRN); err != nil {
			t.Errorf("%s: %v", i.OGRN, err)
		}
		if !i.Synthetic || i.NameRU == "" || i.NameEN == "" {
			t.Errorf("%s: want a synthetic entry with both names: %+v", i.OGRN, i)
		}
	}
}

func TestDescribe(t *testing.T) {
	tab := Builtin()
	tests := []struct {
		name       string
		rec        *policy.Insurer
		lang       string
		wantName   string
		wantRegion string
	}{
		{"known ru", &policy.Insurer{OGRN: "1027700000008", OKATO: "45000"}, "ru", "АО «Тестовая страховая медицинская компания»", "Москва"},
		{"known en", &policy.Insurer{OGRN: "1027700000008", OKATO: "45000"}, "en", "Test Medical Insurance Company JSC", "Moscow"},
		{"unknown OGRN prints no name", &policy.Insurer{OGRN: "1027739008440", OKATO: "46000"}, "ru", "", "Московская область"},
		{"unknown OKATO", &policy.Insurer{OGRN: "1027700000008", OKATO: "00000"}, "ru", "АО «Тестовая страховая медицинская компания»", ""},
		{"nil record", nil, "ru", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tab.Describe(tt.rec, tt.lang)
			if d.Name != tt.wantName || d.Region != tt.wantRegion {
				t.Errorf("got name %q region %q, want %q %q", d.Name, d.Region, tt.wantName, tt.wantRegion)
			}
			if tt.rec != nil && d.OGRN != tt.rec.OGRN {
				t.Errorf("OGRN %q, want %q", d.OGRN, tt.rec.OGRN)
			}
		})
	}
}

func TestAddRejectsBadOGRN(t *testing.T) {
	var tab Table
	if err := tab.Add(Insurer{OGRN: "1027700000009", NameRU: "Х"}); !errors.Is(err, ErrInvalidOGRN) {
		t.Fatalf("got %v, want ErrInvalidOGRN", err)
	}
	if err := tab.Add(Insurer{OGRN: "1027700000008", NameRU: "Х"}); err != nil {
		t.Fatal(err)
	}
	if i, ok := tab.Lookup("1027700000008"); !ok || i.NameRU != "Х" {
		t.Fatalf("lookup after add: %+v %v", i, ok)
	}
}
