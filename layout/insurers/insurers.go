// Package insurers names the insurance company (SMO) of an insurer record for printed
// documents: a small table from OGRN to the company's name, and the insurance
// territory's region from its OKATO code (cardio/policy's OKATO table).
//
// The table holds only synthetic test companies. No official register of OMS insurers
// ships with the program, and a name printed on a certificate must be right, so an
// OGRN the table does not know is printed as the bare OGRN ("where known"). Deployments
// add their own entries with [Table.Add] (for example from the territorial fund's list).
package insurers

import (
	"errors"
	"fmt"
	"sort"

	"omsdesk/cardio/policy"
)

// Insurer is a known insurance company.
type Insurer struct {
	OGRN   string `json:"ogrn"`
	NameRU string `json:"name_ru"`
	NameEN string `json:"name_en"`
	// Synthetic marks test entries: made-up companies with valid check digits.
	Synthetic bool `json:"synthetic"`
}

// Name returns the company's name in lang ("ru" or "en"), falling back to Russian.
func (i Insurer) Name(lang string) string {
	if lang == "en" && i.NameEN != "" {
		return i.NameEN
	}
	return i.NameRU
}

// Table maps OGRNs to insurers.
type Table struct{ m map[string]Insurer }

// ErrInvalidOGRN is returned by Add for a number that fails the OGRN check.
var ErrInvalidOGRN = errors.New("invalid OGRN")

// Add puts an insurer in the table, replacing any entry with the same OGRN.
func (t *Table) Add(i Insurer) error {
	if err := policy.ValidateOGRN(i.OGRN); err != nil {
		return fmt.Errorf("adding insurer %q: %w: %w", i.OGRN, ErrInvalidOGRN, err)
	}
	if t.m == nil {
		t.m = map[string]Insurer{}
	}
	t.m[i.OGRN] = i
	return nil
}

// Lookup returns the insurer with this OGRN.
func (t *Table) Lookup(ogrn string) (Insurer, bool) {
	i, ok := t.m[ogrn]
	return i, ok
}

// All lists the table in OGRN order.
func (t *Table) All() []Insurer {
	out := make([]Insurer, 0, len(t.m))
	for _, i := range t.m {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].OGRN < out[b].OGRN })
	return out
}

// Builtin returns a new table with the built-in (synthetic) entries: the test insurer
// of vcard.SamplePolicy and oms-card-format.md §6 (OGRN 1027700000008) and a second one
// for tests of several insurers.
func Builtin() *Table {
	t := &Table{}
	for _, i := range builtin {
		if err := t.Add(i); err != nil {
			panic("built-in insurer table: " + err.Error()) // a test proves it valid
		}
	}
	return t
}

var builtin = []Insurer{
	{OGRN: "1027700000008", NameRU: "АО «Тестовая страховая медицинская компания»", NameEN: "Test Medical Insurance Company JSC", Synthetic: true},
	{OGRN: "1027800000007", NameRU: "ООО «Учебная страховая компания „Северо-Запад“»", NameEN: "Training Insurance Company North-West LLC", Synthetic: true},
}

// Described is how a printed document names an insurer record.
type Described struct {
	OGRN   string `json:"ogrn"`
	Name   string `json:"name"` // "" when the OGRN is not in the table
	OKATO  string `json:"okato"`
	Region string `json:"region"` // "" when the OKATO code names no federal subject
}

// Describe names the insurer of rec in lang.
func (t *Table) Describe(rec *policy.Insurer, lang string) Described {
	if rec == nil {
		return Described{}
	}
	d := Described{OGRN: rec.OGRN, OKATO: rec.OKATO}
	if i, ok := t.Lookup(rec.OGRN); ok {
		d.Name = i.Name(lang)
	}
	if s, ok := policy.OKATOSubject(rec.OKATO); ok {
		d.Region = s.NameRU
		if lang == "en" {
			d.Region = s.NameEN
		}
	}
	return d
}
