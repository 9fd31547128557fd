package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date as the card stores it: day, month and year with no time zone.
// The zero Date means "no date" (an absent tag or 00 00 00 00 on the card).
type Date struct {
	Year  int `json:"-"`
	Month int `json:"-"`
	Day   int `json:"-"`
}

// ErrBadDate is wrapped by every date decoding and parsing error.
var ErrBadDate = errors.New("bad date")

// MakeDate returns the date y-m-d (no checking; see [Date.Valid]).
func MakeDate(y, m, d int) Date { return Date{Year: y, Month: m, Day: d} }

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == Date{} }

// Unlimited reports whether d, read as an expiry date, means "valid without time limit":
// absent, or 01.01.1900, which cards of some families store for "unlimited"
// (oms-card-format.md §2).
func (d Date) Unlimited() bool { return d.IsZero() || d == Date{1900, 1, 1} }

// Valid reports whether d is a real calendar date.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return d.Day <= time.Date(d.Year, time.Month(d.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, dd := t.Date()
	return Date{y, int(m), dd}
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// String formats d as ISO 8601 (2006-01-02), or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Russian formats d the way Russian documents print it: 15.03.1985.
func (d Date) Russian() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year)
}

// ParseDate reads 2006-01-02 or 02.01.2006; "" gives the zero date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	var parts []string
	var d Date
	switch {
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
		parts[0], parts[2] = parts[2], parts[0]
	case strings.Count(s, ".") == 2:
		parts = strings.Split(s, ".")
	default:
		return Date{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD or DD.MM.YYYY: %w", s, ErrBadDate)
	}
	nums := [3]int{}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return Date{}, fmt.Errorf("parsing date %q: %w", s, ErrBadDate)
		}
		nums[i] = n
	}
	d = Date{Year: nums[2], Month: nums[1], Day: nums[0]}
	if !d.Valid() {
		return Date{}, fmt.Errorf("parsing date %q: no such day: %w", s, ErrBadDate)
	}
	return d, nil
}

// MarshalText writes the ISO form; the zero date becomes "".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts what [ParseDate] accepts.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DecodeBCDDate decodes the card's 4-byte BCD date DD MM CC YY (oms-card-format.md §2).
// 00 00 00 00 is "no date". Nibbles above 9 are an error; a well-formed but impossible
// date such as 31.02 is returned as it is, for [Date.Valid] and the validators to flag.
func DecodeBCDDate(b []byte) (Date, error) {
	if len(b) != 4 {
		return Date{}, fmt.Errorf("decoding BCD date: %d bytes, want 4: %w", len(b), ErrBadDate)
	}
	var n [4]int
	for i, x := range b {
		hi, lo := x>>4, x&0x0F
		if hi > 9 || lo > 9 {
			return Date{}, fmt.Errorf("decoding BCD date % X: byte %02X is not BCD: %w", b, x, ErrBadDate)
		}
		n[i] = int(hi)*10 + int(lo)
	}
	return Date{Day: n[0], Month: n[1], Year: n[2]*100 + n[3]}, nil
}

// BCD encodes d as DD MM CC YY; the zero date is 00 00 00 00.
func (d Date) BCD() []byte {
	bcd := func(n int) byte { return byte((n/10)%10<<4 | n%10) }
	return []byte{bcd(d.Day), bcd(d.Month), bcd(d.Year / 100), bcd(d.Year % 100)}
}
