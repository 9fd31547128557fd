package register

import (
	"strconv"
	"strings"
)

// column identifies a documented column.
type column int

// The documented columns (docs/csv-register.md), in the order problems of one row are
// reported.
const (
	colENP column = iota
	colSurname
	colFirstName
	colPatronymic
	colBirthDate
	colSex
	colSNILS
	colBirthPlace
	colCitizenship
	colInsurerOGRN
	colInsurerOKATO
	colInsuranceStart
	colPhoto
	colSignatureImage
	colReason
	colOldCardSerial
	numColumns

	colExtra   column = -1 // an x_ column: carried, not interpreted
	colUnknown column = -2
)

// Column names as the header must spell them.
var columnNames = [numColumns]string{
	colENP:            "enp",
	colSurname:        "surname",
	colFirstName:      "first_name",
	colPatronymic:     "patronymic",
	colBirthDate:      "birth_date",
	colSex:            "sex",
	colSNILS:          "snils",
	colBirthPlace:     "birth_place",
	colCitizenship:    "citizenship",
	colInsurerOGRN:    "insurer_ogrn",
	colInsurerOKATO:   "insurer_okato",
	colInsuranceStart: "insurance_start",
	colPhoto:          "photo",
	colSignatureImage: "signature_image",
	colReason:         "reason",
	colOldCardSerial:  "old_card_serial",
}

// requiredColumns must be in the header. The optional ones may be left out; every
// row then has them empty.
var requiredColumns = [numColumns]bool{
	colENP: true, colSurname: true, colFirstName: true, colBirthDate: true, colSex: true,
	colInsurerOGRN: true, colInsurerOKATO: true, colInsuranceStart: true,
}

// Columns returns the documented column names in documentation order, for tools that
// write registers (a template export, the generator).
func Columns() []string { return append([]string(nil), columnNames[:]...) }

var columnsByName = func() map[string]column {
	m := make(map[string]column, numColumns)
	for c, n := range columnNames {
		m[n] = column(c)
	}
	return m
}()

// header maps the file's columns to documented ones.
type header struct {
	line  int
	byPos []column        // column of each field position
	names []string        // the header's own spelling, for problems
	pos   [numColumns]int // field position of each documented column, -1 if absent
	known int             // how many documented columns are present
	// incomplete: a required column is missing, so no row can be complete (the
	// problem is reported once, on the header line, not on every row).
	incomplete bool
}

// parseHeader reads the header record. Problems with it are added to *problems; the
// header is usable as long as it names at least one documented column.
func parseHeader(rec []string, line int, problems *[]Problem) *header {
	h := &header{line: line, byPos: make([]column, len(rec)), names: make([]string, len(rec))}
	for i := range h.pos {
		h.pos[i] = -1
	}
	add := func(col, code string, params map[string]string) {
		*problems = append(*problems, Problem{Line: line, Column: col, Code: code, Params: params})
	}
	for i, raw := range rec {
		name := strings.TrimSpace(raw)
		h.names[i] = name
		key := strings.ToLower(name)
		c, ok := columnsByName[key]
		switch {
		case name == "":
			h.byPos[i] = colUnknown
			add("", "header.empty_name", map[string]string{"position": strconv.Itoa(i + 1)})
		case ok && h.pos[c] >= 0:
			h.byPos[i] = colUnknown
			add(name, "header.duplicate_column", map[string]string{
				"position": strconv.Itoa(i + 1), "first_position": strconv.Itoa(h.pos[c] + 1)})
		case ok:
			h.byPos[i] = c
			h.pos[c] = i
			h.known++
		case strings.HasPrefix(key, "x_") && len(key) > 2:
			h.byPos[i] = colExtra
		default:
			h.byPos[i] = colUnknown
			add(name, "header.unknown_column", map[string]string{"position": strconv.Itoa(i + 1)})
		}
	}
	if h.known == 0 {
		return h
	}
	for c, req := range requiredColumns {
		if req && h.pos[c] < 0 {
			add(columnNames[c], "header.missing_column", nil)
			h.incomplete = true
		}
	}
	return h
}

// columnName is the header's spelling of documented column c (or its documented name
// when the header lacks it).
func (h *header) columnName(c column) string {
	if p := h.pos[c]; p >= 0 {
		return h.names[p]
	}
	return columnNames[c]
}
