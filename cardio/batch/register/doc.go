// Package register reads the CSV register export that batch issuance starts from and
// validates every row of it before anything is issued.
//
// A register is a UTF-8 CSV file with a header row naming the documented columns
// (docs/csv-register.md). [Parse] checks the whole file and returns every problem it
// finds, each with the line its record starts on, the column and a stable code, so
// that an operator can fix the export in one pass. The caller issues cards only when
// the register has no problems at all ([Register.Valid]): a half-imported register is
// worse than none, because nobody can tell afterwards which rows went through.
//
// Problems that make the file unreadable as a whole (not UTF-8, no header, too large)
// are returned as typed errors instead ([EncodingError], [LimitError], [ErrEmpty],
// [ErrNoHeader]). Problem codes and error keys are translated through the catalogue
// assets/i18n/register.*.json; the package itself prints nothing.
package register
