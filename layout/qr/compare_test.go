package qr_test

import (
	"testing"

	"omsdesk/cardio/policy"
	"omsdesk/layout/qr"
)

func TestCompareWithPolicy(t *testing.T) {
	p := samplePayload()
	if m := qr.CompareWithPolicy(p, samplePolicy(), p.CardSerial); m != nil {
		t.Fatalf("same card: %+v", m)
	}
	if m := qr.CompareWithPolicy(p, samplePolicy(), ""); m != nil {
		t.Fatalf("no serial on the chip: %+v", m)
	}
	tests := []struct {
		field  string
		change func(pol *policy.Policy)
		serial string
	}{
		{"enp", func(pol *policy.Policy) { pol.Owner.ENP = "7800000000012341" }, ""},
		{"surname", func(pol *policy.Policy) { pol.Owner.Surname = "ИВАНОВА" }, ""},
		{"first_name", func(pol *policy.Policy) { pol.Owner.FirstName = "ИВАН " }, ""},
		{"patronymic", func(pol *policy.Policy) { pol.Owner.Patronymic = "" }, ""},
		{"birth_date", func(pol *policy.Policy) { pol.Owner.BirthDate = policy.MakeDate(1985, 3, 16) }, ""},
		{"issue_date", func(pol *policy.Policy) { pol.Owner.IssueDate = policy.MakeDate(2015, 9, 1) }, ""},
		{"insurer.ogrn", func(pol *policy.Policy) { pol.Insurer.OGRN = "1027739008440" }, ""},
		{"insurer.okato", func(pol *policy.Policy) { pol.Insurer.OKATO = "46000" }, ""},
		{"card_serial", func(pol *policy.Policy) {}, "0001234568"},
	}
	for _, tt := range tests {
		pol := samplePolicy()
		tt.change(pol)
		m := qr.CompareWithPolicy(p, pol, tt.serial)
		if len(m) != 1 || m[0].Field != tt.field {
			t.Errorf("%s: %+v", tt.field, m)
		}
	}
	pol := samplePolicy()
	pol.Insurer = nil
	m := qr.CompareWithPolicy(p, pol, "")
	if len(m) != 2 || m[0] != (qr.Mismatch{Field: "insurer.ogrn", QR: p.OGRN}) || m[1].Field != "insurer.okato" {
		t.Errorf("no insurer: %+v", m)
	}
}
