package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteJSON writes the bundle as indented JSON, the form tools read.
func (b *Bundle) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("writing diagnostics JSON: %w", err)
	}
	return nil
}

// textWriter writes lines and remembers the first write error, so that WriteText checks
// once at the end.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) line(indent int, format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, "%s"+format+"\n", append([]any{strings.Repeat("  ", indent)}, args...)...)
}

// field writes "label: value", the value's further lines indented under it.
func (t *textWriter) field(indent int, label, value string) {
	lines := strings.Split(value, "\n")
	t.line(indent, "%s: %s", label, lines[0])
	for _, l := range lines[1:] {
		t.line(indent+1, "%s", l)
	}
}

// errField writes an error field when e is set.
func (t *textWriter) errField(indent int, label string, e *Error) {
	if e != nil {
		t.field(indent, label, e.text())
	}
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

func orNone(s []string, sep string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, sep)
}

// WriteText writes the bundle for people: the same facts as WriteJSON, under English
// labels.
func (b *Bundle) WriteText(w io.Writer) error {
	t := &textWriter{w: w}
	t.line(0, "OMS Desk diagnostics bundle (format %d)", b.Format)
	t.field(0, "Created", b.Created.Format(time.RFC3339Nano))

	t.line(0, "")
	t.line(0, "Program")
	p := b.Program
	t.field(1, "Name", p.Name)
	if p.Module != "" || p.Version != "" {
		t.field(1, "Module", strings.TrimSpace(p.Module+" "+p.Version))
	}
	if p.GoVersion != "" {
		t.field(1, "Go", p.GoVersion)
	}
	if p.Revision != "" {
		t.field(1, "Revision", p.Revision)
	}
	if p.Modified {
		t.field(1, "Modified", "yes (built from a tree with uncommitted changes)")
	}
	for _, m := range p.Modules {
		v := m.Version
		if !m.Linked {
			v = "not linked"
		}
		t.field(1, "Dependency "+m.Path, v)
	}
	t.errField(1, "Error", p.Error)

	t.line(0, "")
	t.line(0, "Host")
	t.field(1, "OS", b.Host.OS+"/"+b.Host.Arch)
	if b.Host.Distribution != "" {
		t.field(1, "Distribution", b.Host.Distribution)
	}
	t.errField(1, "Error", b.Host.Error)

	t.line(0, "")
	t.line(0, "PC/SC service")
	s := b.Service
	if d := s.Daemon; d != nil {
		running := yesNo(d.Running)
		if len(d.PIDs) > 0 {
			pids := make([]string, len(d.PIDs))
			for i, pid := range d.PIDs {
				pids[i] = strconv.Itoa(pid)
			}
			running += " (pid " + strings.Join(pids, ", ") + ")"
		}
		t.field(1, "pcscd running", running)
		if d.Command != "" {
			t.field(1, "pcscd command", d.Command)
		}
		t.errField(1, "pcscd process error", d.ProcessError)
		present := "absent"
		if d.SocketPresent {
			present = "present"
		}
		t.field(1, "Socket", d.Socket+" ("+present+")")
		t.errField(1, "Socket error", d.SocketError)
		if d.Version != "" {
			t.field(1, "pcscd version", d.Version)
		}
		t.errField(1, "pcscd version error", d.VersionError)
		if d.Library != "" {
			t.field(1, "libpcsclite", d.Library)
		}
		t.errField(1, "libpcsclite error", d.LibraryError)
		for _, n := range d.Notes {
			t.field(1, "Note", n)
		}
	}
	t.field(1, "Connected", yesNo(s.Connected))
	t.errField(1, "Connect error", s.ConnectError)
	t.errField(1, "Reader list error", s.ListError)
	list := "not installed"
	if b.ATRList.Installed {
		list = strconv.Itoa(b.ATRList.Entries) + " entries"
	}
	t.field(1, "Known ATR list", list)
	t.errField(1, "Known ATR list error", b.ATRList.Error)

	t.line(0, "")
	if len(b.Readers) == 0 {
		t.line(0, "Readers: none")
	}
	for i, r := range b.Readers {
		if i > 0 {
			t.line(0, "")
		}
		writeReader(t, i+1, r)
	}

	t.line(0, "")
	t.line(0, "Errors: %d", len(b.Errors))
	for _, e := range b.Errors {
		t.line(1, "- %s", e)
	}
	if t.err != nil {
		return fmt.Errorf("writing diagnostics text: %w", t.err)
	}
	return nil
}

func writeReader(t *textWriter, n int, r Reader) {
	t.field(0, "Reader "+strconv.Itoa(n), r.Name)
	if st := r.State; st != nil {
		var flags []string
		for _, f := range []struct {
			on   bool
			name string
		}{{st.Present, "present"}, {st.Empty, "empty"}, {st.InUse, "in use"}, {st.Exclusive, "exclusive"},
			{st.Mute, "mute"}, {st.Unavailable, "unavailable"}, {st.Unknown, "unknown"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		t.field(1, "State", orNone(flags, ", "))
	}
	t.errField(1, "State error", r.StateError)

	a := r.Attributes
	for _, f := range []struct{ label, value string }{
		{"Vendor", a.VendorName}, {"Reader type", a.IFDType}, {"Firmware version", a.IFDVersion},
		{"Serial number", a.IFDSerial},
	} {
		if f.value != "" {
			t.field(1, f.label, f.value)
		}
	}
	if a.MaxInput != 0 {
		t.field(1, "Max message", strconv.Itoa(a.MaxInput)+" bytes")
	}
	if len(a.Unsupported) > 0 {
		t.field(1, "Attributes the driver does not provide", strings.Join(a.Unsupported, ", "))
	}
	for _, e := range a.Errors {
		t.errField(1, "Attribute error", e)
	}

	c := r.Card
	if c == nil {
		return
	}
	t.field(1, "Card ATR", c.ATR)
	if d := c.Decoded; d != nil {
		t.field(2, "Protocols", orNone(d.Protocols, ", "))
		if d.Historical != "" {
			t.field(2, "Historical bytes", d.Historical+" \""+d.HistoricalASCII+"\"")
		}
		tck := "valid"
		if !d.TCKValid {
			tck = "INVALID"
		}
		t.field(2, "TCK", tck)
		t.field(2, "Extended length announced", yesNo(d.ExtendedLength))
	}
	t.errField(2, "ATR error", c.DecodeError)
	for _, k := range c.Known {
		t.field(2, "Known as", k)
	}
	t.field(1, "Probe", c.Probe.Verdict)
	t.errField(2, "Error", c.Probe.Error)
	if f := c.Probe.Policy; f != nil {
		t.field(2, "Status", f.Status)
		t.field(2, "APDUs", strconv.Itoa(f.APDUs))
		t.field(2, "Owner record", strconv.Itoa(f.OwnerRecordBytes)+" bytes")
		ins := strconv.Itoa(f.InsurerRecordBytes) + " bytes"
		if f.InsurerFileID != "" {
			ins += " in EF " + f.InsurerFileID
		}
		t.field(2, "Insurer record", ins)
		t.field(2, "Photo", strconv.Itoa(f.PhotoBytes)+" bytes")
		t.field(2, "Selected via foms_root", yesNo(f.ViaRoot))
		t.field(2, "Extended-length read", yesNo(f.ExtendedRead))
		if f.InsurerOGRN != "" {
			t.field(2, "Insurer OGRN", f.InsurerOGRN)
		}
		findings := make([]string, len(f.Findings))
		for i, x := range f.Findings {
			findings[i] = x.Field + " " + x.Code
		}
		t.field(2, "Validation findings", orNone(findings, "; "))
		if len(f.DecodeProblems) > 0 {
			probs := make([]string, len(f.DecodeProblems))
			for i, x := range f.DecodeProblems {
				probs[i] = x.Record + " " + x.Tag + " " + x.Code
			}
			t.field(2, "Decoding findings", strings.Join(probs, "; "))
		}
	}
}
