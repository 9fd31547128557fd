package register

import "strconv"

// crossChecker finds values that must be unique within a register: two rows with one
// policy number are one person twice (or a typo), one SNILS under two policy numbers
// is a mix-up, and one old card cannot be replaced twice.
type crossChecker struct {
	h        *header
	enp      map[string]int // value → line of its first row
	snils    map[string]int
	serial   map[string]int
	problems *[]Problem
}

// newCrossChecker sizes the maps for rows rows up front: growing them row by row
// cost a quarter of the whole check of a 100,000-row register.
func newCrossChecker(h *header, problems *[]Problem, rows int) *crossChecker {
	return &crossChecker{h: h, enp: make(map[string]int, rows), snils: make(map[string]int, rows),
		serial: map[string]int{}, problems: problems}
}

// add records the values of a row that passed their own checks; a repeated value is reported on the later row, naming the
// earlier one.
func (x *crossChecker) add(r Row) {
	x.once(x.enp, r.Policy.Owner.ENP, r.Line, colENP, "enp.duplicate")
	x.once(x.snils, r.Policy.Owner.SNILS, r.Line, colSNILS, "snils.duplicate")
	x.once(x.serial, r.OldCardSerial, r.Line, colOldCardSerial, "old_card_serial.duplicate")
}

func (x *crossChecker) once(seen map[string]int, v string, line int, c column, code string) {
	if v == "" {
		return
	}
	if first, dup := seen[v]; dup {
		*x.problems = append(*x.problems, Problem{Line: line, Column: x.h.columnName(c), Code: code,
			Params: map[string]string{"other_line": strconv.Itoa(first)}})
		return
	}
	seen[v] = line
}
