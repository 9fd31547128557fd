package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
)

// SchemaVersion is the version of the `read --json` / `decode --json` output
// (docs/json-schema.md). Adding keys keeps it; renaming or removing one bumps it.
const SchemaVersion = 1

// report is the JSON document `read --json` and `decode --json` print.
type report struct {
	SchemaVersion int              `json:"schema_version"`
	Source        string           `json:"source"` // "pcsc", "virtual" or "file"
	Reader        string           `json:"reader"`
	ATR           string           `json:"atr"` // hex, no spaces; "" for files
	ReadAt        time.Time        `json:"read_at"`
	Status        policy.Status    `json:"status"` // "" when there is no policy
	StatusText    string           `json:"status_text"`
	Policy        *policy.Document `json:"policy"`
	Validation    []finding        `json:"validation"`
	Card          *cardInfo        `json:"card"`
	Error         *errorInfo       `json:"error"`
}

type finding struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type cardInfo struct {
	APDUs           int    `json:"apdus"`
	SelectedRoot    bool   `json:"selected_root"`
	ExtendedLength  bool   `json:"extended_length"`
	OwnerFileSize   int    `json:"owner_file_size"`
	InsurerFileSize int    `json:"insurer_file_size"`
	InsurerFileID   string `json:"insurer_file_id"`
}

type errorInfo struct {
	Code    string `json:"code"`    // "not_oms_card", "unreadable", "bad_data", ...
	Message string `json:"message"` // for people, in the chosen language, with what to do next
	Detail  string `json:"detail"`  // the technical cause, in English
}

// newReport builds the report of a read policy.
func (c *cli) newReport(source, reader string, atr []byte, p *policy.Policy, res *omscard.Result) *report {
	r := &report{SchemaVersion: SchemaVersion, Source: source, Reader: reader,
		ATR: strings.ToUpper(hex.EncodeToString(atr)), ReadAt: c.now().UTC(), Validation: []finding{}}
	if p == nil {
		return r
	}
	today := policy.DateOf(c.now())
	doc := p.Document()
	r.Policy = &doc
	r.Status = p.Status(today)
	r.StatusText = c.tr.T("status." + string(r.Status))
	for _, fe := range p.Validate(today) {
		r.Validation = append(r.Validation, finding{Field: fe.Field, Code: fe.Code,
			Message: c.tr.Format("validate."+fe.Code, fe.Params)})
	}
	if res != nil {
		r.Card = &cardInfo{APDUs: res.APDUs, SelectedRoot: res.SelectedRoot, ExtendedLength: res.Extended,
			OwnerFileSize: len(res.OwnerFile), InsurerFileSize: len(res.InsurerFile)}
		if res.InsurerFile != nil {
			r.Card.InsurerFileID = fmt.Sprintf("%04X", p.InsurerFileID)
		}
	}
	return r
}

// errorReport builds the report of a card that gave no policy.
func (c *cli) errorReport(source, reader string, atr []byte, err error) *report {
	r := c.newReport(source, reader, atr, nil, nil)
	_, key := classify(err)
	r.Error = &errorInfo{Code: strings.TrimPrefix(key, "cli.err."), Message: c.tr.T(key, "error", err.Error()), Detail: err.Error()}
	return r
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeHuman prints the report for a person at a terminal, in the chosen language.
func writeHuman(w io.Writer, tr *i18n.Catalog, r *report) {
	line := func(key, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-22s %s\n", capitalize(tr.T(key))+":", value)
		}
	}
	if r.Source == "virtual" {
		line("cli.label.reader", tr.T("cli.virtual_reader"))
	} else {
		line("cli.label.reader", r.Reader)
	}
	if r.ATR != "" {
		line("cli.label.atr", spacedHex(r.ATR))
	}
	if r.Error != nil {
		fmt.Fprintln(w, r.Error.Message)
		if r.Policy == nil {
			return
		}
	}
	p := r.Policy
	line("cli.label.status", r.StatusText)
	line("field.enp", groupENP(p.ENP))
	line("field.surname", p.Surname)
	line("field.first_name", p.FirstName)
	line("field.patronymic", p.Patronymic)
	line("field.birth_date", p.BirthDate.Russian())
	if p.Sex == "male" || p.Sex == "female" {
		line("field.sex", tr.T("sex."+p.Sex))
	} else {
		line("field.sex", p.Sex)
	}
	line("field.birth_place", p.BirthPlace)
	if p.Citizenship != nil {
		line("field.citizenship", strings.TrimSpace(p.Citizenship.Name+" ("+p.Citizenship.Code+")"))
	}
	line("field.snils", policy.FormatSNILS(p.SNILS))
	line("field.issue_date", p.IssueDate.Russian())
	if p.ExpiryUnlimited {
		line("field.expiry", tr.T("cli.value.unlimited"))
	} else {
		line("field.expiry", p.Expiry.Russian())
	}
	if p.Photo != nil {
		line("field.photo", tr.T("cli.value.photo", "size", fmt.Sprint(p.Photo.Size), "type", p.Photo.MediaType))
	} else {
		line("field.photo", tr.T("cli.value.none"))
	}
	if in := p.Insurer; in != nil {
		ogrn := in.OGRN
		line("field.ogrn", ogrn)
		okato := in.OKATO
		if s, ok := policy.OKATOSubject(in.OKATO); ok {
			name := s.NameRU
			if tr.Lang == i18n.English {
				name = s.NameEN
			}
			okato += " (" + name + ")"
		}
		line("field.okato", okato)
		line("field.insurance_start", in.Start.Russian())
		line("field.insurance_end", in.End.Russian())
		if in.Signature != nil {
			line("cli.label.signature", tr.T("cli.value.signature", "size", fmt.Sprint(len(in.Signature.Value)/2),
				"cert", fmt.Sprint(len(in.Signature.Certificate))))
		}
	} else {
		line("cli.label.insurer", tr.T("cli.value.none"))
	}
	for _, u := range p.UnknownTags {
		line("cli.label.unknown_tag", u.Record+" "+u.Tag+" "+u.Value)
	}
	for _, pr := range p.Problems {
		line("cli.label.problem", pr.Tag.String()+": "+tr.T("cli.problem."+pr.Code))
	}
	if len(r.Validation) == 0 {
		line("cli.label.validation", tr.T("cli.value.no_findings"))
	}
	for _, f := range r.Validation {
		line("cli.label.validation", f.Message)
	}
	if r.Card != nil {
		line("cli.label.apdus", fmt.Sprint(r.Card.APDUs))
	}
}

// groupENP writes the 16-digit policy number in groups of four, as printed on the card.
func groupENP(s string) string {
	if len(s) != 16 {
		return s
	}
	return s[0:4] + " " + s[4:8] + " " + s[8:12] + " " + s[12:16]
}

func spacedHex(s string) string {
	var b strings.Builder
	for i := 0; i+1 < len(s); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i : i+2])
	}
	return b.String()
}

// capitalize upper-cases the first letter: field names are lower case in the catalogues
// because they also appear mid-sentence, but start a line as labels.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
