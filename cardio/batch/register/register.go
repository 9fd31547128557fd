package register

import (
	"time"

	"omsdesk/cardio/policy"
)

// Row is one valid register row in the form the issuer needs: the holder's data and
// the insurer record (without signature; the issuer signs), what the card is issued
// for, and the image files to put on it.
type Row struct {
	// Line is the line of the CSV file the record starts on (1 is the header).
	Line int
	// Policy holds the owner record (names upper-cased, SNILS as 11 digits,
	// citizenship code, no photo and no issue date: the issuer sets both) and the
	// insurer record (OGRN, OKATO, start date; no end date, no signature).
	Policy *policy.Policy
	// Reason is one of the Reason* constants.
	Reason string
	// OldCardSerial is the serial of the card being replaced, upper-cased; "" when
	// the reason needs none.
	OldCardSerial string
	// PhotoPath and SignaturePath are the image files, joined onto Options.Dir; ""
	// when the row names none. The files existed and decoded as JPEG or PNG when the
	// register was parsed.
	PhotoPath, SignaturePath string
}

// Reasons for issuing a card, the values of the reason column.
const (
	ReasonNew           = "new"
	ReasonLost          = "lost"
	ReasonStolen        = "stolen"
	ReasonDataChange    = "data_change"
	ReasonInsurerChange = "insurer_change"
	ReasonNewborn       = "newborn"
)

// Register is the result of [Parse]: the valid rows and every problem found. A row
// is in Rows when no problem names its line and the header has every required column.
type Register struct {
	Rows     []Row
	Problems []Problem
}

// Valid reports whether the register may be imported: it has no problems at all.
// Importing the valid rows of a register with problems is what the batch flow must
// never do, so there is no "valid rows only" shortcut.
func (r *Register) Valid() bool { return r != nil && len(r.Problems) == 0 }

// Problem is one finding about the register. Line and Column say where, Code says
// what (stable; see docs/csv-register.md), Params hold the values the message needs.
type Problem struct {
	// Line is the line the record starts on (1-based; the header is usually 1).
	Line int
	// Column is the column name as the header spells it, or "" for a problem with
	// the line as a whole.
	Column string
	// Code is stable, e.g. "enp.check_digit"; the message is catalogue key
	// "register." + Code.
	Code string
	// Params fill the message's {placeholders}; may be nil.
	Params map[string]string
}

// Options control [Parse]. The zero value is usable: today's date, photos relative to
// the current directory, default limits.
type Options struct {
	// Now is the issue date the age rules and "not in the future" checks use. Tests
	// and replays set it; zero means time.Now().
	Now time.Time
	// Dir is the directory the photo and signature_image paths are relative to,
	// normally the CSV file's directory; "" means the current directory. Paths may
	// not leave it.
	Dir string
	// MaxBytes limits the file size (default DefaultMaxBytes).
	MaxBytes int64
	// MaxRows limits the number of data records (default DefaultMaxRows).
	MaxRows int
	// MaxFieldBytes limits every field (default DefaultMaxFieldBytes).
	MaxFieldBytes int
	// MaxProblems limits the problems collected (default DefaultMaxProblems). When it
	// is reached, checking stops and a last problem "file.too_many_problems" says so:
	// nobody reads further, and a hostile file must not fill memory with reports.
	MaxProblems int
}

// Default limits. A register of 200,000 rows is about 40 MB; anything far larger is
// not a register from one insurer office, and a field longer than 512 bytes is not a
// name, a number or a file path anyone typed.
const (
	DefaultMaxBytes      = 64 << 20
	DefaultMaxRows       = 200_000
	DefaultMaxFieldBytes = 512
	DefaultMaxProblems   = 10_000
)

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxFieldBytes <= 0 {
		o.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = DefaultMaxProblems
	}
	return o
}
