package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"omsdesk/cardio/policy"
)

// Parse reads a CSV register and validates every row. It returns every problem it
// finds (see [Register]); the error is non-nil only when the file cannot be read as a
// register at all: [ErrEmpty], [ErrNoHeader], an [*EncodingError], a [*LimitError], or
// a read error of r.
func Parse(r io.Reader, opts Options) (*Register, error) {
	opts = opts.withDefaults()
	data, err := readLimited(r, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	if data, err = cleanInput(data); err != nil {
		return nil, err
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectDelimiter(data)
	cr.FieldsPerRecord = -1 // the count is checked against the header below
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	reg := &Register{}
	rec, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("reading header on line %d: %w (%v)", pe.StartLine, ErrNoHeader, pe.Err)
		}
		if err == io.EOF {
			return nil, ErrEmpty
		}
		return nil, fmt.Errorf("reading header: %w", err)
	}
	headerLine, _ := cr.FieldPos(0)
	h := parseHeader(rec, headerLine, &reg.Problems)
	if h.known == 0 {
		return nil, fmt.Errorf("reading header on line %d: %w", headerLine, ErrNoHeader)
	}

	rc := &rowChecker{
		h:        h,
		today:    policy.DateOf(opts.Now),
		maxStart: policy.DateOf(opts.Now.AddDate(1, 0, 0)),
		maxField: opts.MaxFieldBytes,
		problems: &reg.Problems,
	}
	lines := bytes.Count(data, []byte{'\n'}) + 1 // an upper bound of the rows
	cross := newCrossChecker(h, &reg.Problems, min(lines, opts.MaxRows))
	records := 0
	var jobs []fileJob
	for {
		if len(reg.Problems) > opts.MaxProblems {
			break
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return nil, fmt.Errorf("reading register: %w", err)
		}
		var line int
		if pe != nil {
			line = pe.StartLine
		} else {
			line, _ = cr.FieldPos(0)
			if blankRecord(rec) {
				continue
			}
		}
		records++
		if records > opts.MaxRows {
			return nil, &LimitError{Limit: LimitRows, Max: int64(opts.MaxRows), Line: line}
		}
		if pe != nil {
			reg.Problems = append(reg.Problems, syntaxProblem(pe))
			continue
		}
		if len(rec) != len(h.byPos) {
			reg.Problems = append(reg.Problems, Problem{Line: line, Code: "row.field_count",
				Params: map[string]string{"got": strconv.Itoa(len(rec)), "want": strconv.Itoa(len(h.byPos))}})
			continue
		}
		row, want, ok := rc.check(rec, line)
		cross.add(row)
		idx := -1
		if ok {
			idx = len(reg.Rows)
			reg.Rows = append(reg.Rows, row)
		}
		for _, j := range want {
			j.row = idx
			jobs = append(jobs, j)
		}
	}
	if records == 0 {
		reg.Problems = append(reg.Problems, Problem{Line: headerLine, Code: "file.no_rows"})
	}
	fs := &files{dir: opts.Dir}
	defer fs.close()
	for i, res := range fs.checkAll(jobs) {
		j := jobs[i]
		switch {
		case res.f != nil:
			reg.Problems = append(reg.Problems, Problem{Line: j.line, Column: h.columnName(j.col), Code: res.f.code, Params: res.f.params})
		case j.row >= 0 && j.col == colPhoto:
			reg.Rows[j.row].PhotoPath = res.path
		case j.row >= 0:
			reg.Rows[j.row].SignaturePath = res.path
		}
	}
	finish(reg, h, opts.MaxProblems)
	return reg, nil
}

// syntaxProblem reports a CSV syntax error on the line its record starts on.
func syntaxProblem(pe *csv.ParseError) Problem {
	code := "row.syntax"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		code = "row.bare_quote"
	case errors.Is(pe.Err, csv.ErrQuote):
		code = "row.quote"
	}
	return Problem{Line: pe.StartLine, Code: code, Params: map[string]string{"at_line": strconv.Itoa(pe.Line)}}
}

// blankRecord reports a record of empty fields, such as the ";;;;" lines Excel writes
// for formatted but empty rows; it is skipped like an empty line.
func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// finish sorts the problems by line and, within a line, by the column's place in
// the header (problems of the whole line first); drops from Rows every row a problem
// names (cross-row and file problems are found after the row); and cuts the list at
// max problems.
func finish(reg *Register, h *header, max int) {
	place := make(map[string]int, len(h.names))
	for i := len(h.names) - 1; i >= 0; i-- {
		place[h.names[i]] = i
	}
	order := func(p Problem) int {
		if p.Column == "" {
			return -1
		}
		if i, ok := place[p.Column]; ok {
			return i
		}
		return len(h.names) // a missing column
	}
	slices.SortStableFunc(reg.Problems, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return order(a) - order(b)
	})
	if len(reg.Problems) == 0 {
		return
	}
	bad := make(map[int]bool, len(reg.Problems))
	for _, p := range reg.Problems {
		bad[p.Line] = true
	}
	reg.Rows = slices.DeleteFunc(reg.Rows, func(r Row) bool { return bad[r.Line] })
	if len(reg.Problems) > max {
		// Checking stopped on the line of the first problem left out; rows after it
		// were not read, so they cannot be in Rows either.
		stop := reg.Problems[max].Line
		reg.Problems = append(reg.Problems[:max:max], Problem{Line: stop, Code: "file.too_many_problems",
			Params: map[string]string{"max": strconv.Itoa(max)}})
		reg.Rows = slices.DeleteFunc(reg.Rows, func(r Row) bool { return r.Line >= stop })
	}
}
