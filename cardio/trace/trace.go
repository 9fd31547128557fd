// Package trace records the APDUs exchanged with a card, for technicians and support
// desks, with personal data and PINs redacted unless full traces are asked for
// explicitly (house-style convention 6).
package trace

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
)

// Exchange is one command and its answer.
type Exchange struct {
	Seq      int           `json:"seq"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	Command  []byte        `json:"command"`
	Response []byte        `json:"response"`
	Err      string        `json:"error,omitempty"`
}

// Recorder is a [cardio.Transport] that passes everything through to another one and
// keeps a record of it. Safe for concurrent use.
type Recorder struct {
	next   cardio.Transport
	logger *slog.Logger // nil: no logging
	mu     sync.Mutex
	log    []Exchange
}

// New wraps t. Each exchange is also logged at debug level on logger (redacted), when
// logger is not nil.
func New(t cardio.Transport, logger *slog.Logger) *Recorder {
	return &Recorder{next: t, logger: logger}
}

// Transmit passes the command on and records it.
func (r *Recorder) Transmit(cmd []byte) ([]byte, error) {
	start := time.Now()
	resp, err := r.next.Transmit(cmd)
	e := Exchange{Start: start, Duration: time.Since(start),
		Command: append([]byte(nil), cmd...), Response: append([]byte(nil), resp...)}
	if err != nil {
		e.Err = err.Error()
	}
	r.mu.Lock()
	e.Seq = len(r.log) + 1
	r.log = append(r.log, e)
	r.mu.Unlock()
	if r.logger != nil {
		red := Redact(e)
		r.logger.Debug("apdu", "seq", e.Seq, "command", fmt.Sprintf("% X", red.Command),
			"response", fmt.Sprintf("% X", red.Response), "duration", e.Duration, "error", e.Err)
	}
	return resp, err
}

// BeginTransaction passes through.
func (r *Recorder) BeginTransaction() error { return r.next.BeginTransaction() }

// EndTransaction passes through.
func (r *Recorder) EndTransaction() error { return r.next.EndTransaction() }

// Exchanges returns a copy of everything recorded so far, unredacted: callers that show
// or save it must call [Redact] unless the user asked for a full trace.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.log...)
}

// Instructions whose command data are secrets or personal data (ISO/IEC 7816-4 §11):
// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER carry PINs; UPDATE/WRITE BINARY,
// PUT DATA, UPDATE RECORD carry the holder's data when a card is personalised.
var secretCommandData = map[byte]bool{0x20: true, 0x21: true, 0x24: true, 0x2C: true,
	0xD6: true, 0xD7: true, 0xD0: true, 0xDA: true, 0xDB: true, 0xDC: true, 0xE2: true}

// Instructions whose answers carry file contents: READ BINARY, READ RECORD, GET
// RESPONSE (which may complete any of them) and GET DATA other than the 2-byte
// current-insurer pointer 01B0, which is a file ID, not personal data.
func personalResponse(cmd []byte) bool {
	if len(cmd) < 4 {
		return true // cannot tell: hide it
	}
	switch cmd[1] {
	case 0xB0, 0xB1, 0xB2, 0xB3, 0xC0:
		return true
	case 0xCA, 0xCB:
		return !(cmd[2] == 0x01 && cmd[3] == 0xB0)
	}
	return false
}

// Redacted marks bytes hidden by [Redact]: each hidden byte becomes this value, so
// lengths (useful to a technician) survive and the content does not.
const Redacted byte = 0x00

// Redact returns e with personal data and PINs overwritten: the data field of commands
// that carry secrets, and the data (not the status word) of answers that carry file
// contents.
func Redact(e Exchange) Exchange {
	e.Command = append([]byte(nil), e.Command...)
	e.Response = append([]byte(nil), e.Response...)
	if c, err := apdu.ParseCommand(e.Command); err == nil && secretCommandData[c.INS] && len(c.Data) > 0 {
		start := len(e.Command) - len(c.Data)
		if c.Ne > 0 {
			start -= leLen(c)
		}
		for i := start; i < start+len(c.Data); i++ {
			e.Command[i] = Redacted
		}
	} else if err != nil && len(e.Command) > 4 {
		for i := 4; i < len(e.Command); i++ { // unparseable: keep the header only
			e.Command[i] = Redacted
		}
	}
	if personalResponse(e.Command) && len(e.Response) > 2 {
		for i := 0; i < len(e.Response)-2; i++ {
			e.Response[i] = Redacted
		}
	}
	return e
}

func leLen(c apdu.Command) int {
	if c.IsExtended() {
		return 2
	}
	return 1
}

// WriteText writes the exchanges one per line pair, redacted unless full is set:
//
//	#1  0.152 ms  > 00 A4 04 0C 09 66 6F 6D 73 5F 72 6F 6F 74
//	              < 90 00
func WriteText(w io.Writer, exchanges []Exchange, full bool) error {
	for _, e := range exchanges {
		if !full {
			e = Redact(e)
		}
		resp := fmt.Sprintf("% X", e.Response)
		if !full && personalResponse(e.Command) && len(e.Response) > 2 {
			resp = fmt.Sprintf("[%d bytes redacted] % X", len(e.Response)-2, e.Response[len(e.Response)-2:])
		}
		if e.Err != "" {
			resp = "error: " + e.Err
		}
		if _, err := fmt.Fprintf(w, "#%-3d %8.3f ms  > % X\n%18s< %s\n", e.Seq,
			e.Duration.Seconds()*1000, e.Command, "", resp); err != nil {
			return err
		}
	}
	return nil
}
