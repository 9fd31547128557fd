package technician

import (
	"fmt"
	"strings"
	"time"

	"omsdesk/cardio/trace"
)

// traceLineBytes is how many bytes one line of the trace view holds.
const traceLineBytes = 32

// traceText writes the APDU trace: each command and its answer, with personal data and
// PINs overwritten (trace.Redact) unless full is set. Hidden answer data are shown by
// their size only, so a technician still sees how much the card sent.
func (s *Screen) traceText(exchanges []trace.Exchange, full bool) string {
	if len(exchanges) == 0 {
		return s.tr.T("technician.trace.none")
	}
	var b strings.Builder
	const pad = "               "
	for _, e := range exchanges {
		shown := e
		if !full {
			shown = trace.Redact(e)
		}
		fmt.Fprintf(&b, "#%-3d %7.3f ms  > ", e.Seq, float64(e.Duration)/float64(time.Millisecond))
		writeWrapped(&b, shown.Command, pad+"  ")
		b.WriteString(pad + "< ")
		switch {
		case e.Err != "":
			b.WriteString(s.tr.T("technician.trace.error", "error", e.Err) + "\n")
		case !full && hidden(e, shown):
			n := len(e.Response) - 2
			b.WriteString(s.tr.T("technician.trace.hidden", "n", fmt.Sprint(n)) + " " + spaced(e.Response[n:]) + "\n")
		default:
			writeWrapped(&b, shown.Response, pad+"  ")
		}
	}
	return b.String()
}

// hidden reports whether the data of the answer shown are all overwritten: redacted
// now, or saved redacted in a dump.
func hidden(orig, shown trace.Exchange) bool {
	return len(orig.Response) > 2 && allRedacted(shown.Response[:len(shown.Response)-2])
}

func allRedacted(b []byte) bool {
	for _, c := range b {
		if c != trace.Redacted {
			return false
		}
	}
	return len(b) > 0
}

// writeWrapped writes b in hex, traceLineBytes to a line, continuation lines indented.
func writeWrapped(b *strings.Builder, data []byte, indent string) {
	if len(data) == 0 {
		b.WriteString("—\n")
		return
	}
	for i := 0; i < len(data); i += traceLineBytes {
		if i > 0 {
			b.WriteString(indent)
		}
		b.WriteString(spaced(data[i:min(len(data), i+traceLineBytes)]) + "\n")
	}
}

func microseconds(n int64) time.Duration { return time.Duration(n) * time.Microsecond }
