package printing

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"
)

// WaitJob and JobState ask the scheduler over IPP (RFC 8011) how a job is doing: lpstat
// lists a cancelled or aborted job among the completed ones, with nothing to tell them
// apart, but IPP's job-state does. Only one operation is needed, Get-Job-Attributes,
// so this file carries a minimal IPP/1.1 encoder and decoder instead of a dependency.

// IPP constants (RFC 8010 §3.5, RFC 8011 §5.4.15, §5.3.7).
const (
	ippGetJobAttributes = 0x0009

	tagOperation   = 0x01
	tagEnd         = 0x03
	tagName        = 0x42
	tagKeyword     = 0x44
	tagURI         = 0x45
	tagCharset     = 0x47
	tagNatLang     = 0x48
	statusNotFound = 0x0406
)

// Job states (RFC 8011 §5.3.7).
var jobStates = map[int]string{3: "pending", 4: "pending-held", 5: "processing",
	6: "processing-stopped", 7: "canceled", 8: "aborted", 9: "completed"}

// JobStatus is what the scheduler says about a job.
type JobStatus struct {
	State   string   // IPP job-state keyword: "pending", "processing", "completed", …
	Reasons []string // job-state-reasons
	Message string   // job-printer-state-message, often empty
}

// Done reports whether the job has reached a final state.
func (s JobStatus) Done() bool {
	return s.State == "completed" || s.State == "canceled" || s.State == "aborted"
}

// WaitJob polls the job's state until it is final. A completed job gives nil; a
// cancelled or aborted one a *JobError (matching ErrJobFailed); a scheduler that does
// not answer ErrNoCUPS. The context bounds the wait: a job held or stopped waits until
// it is released or the context ends.
func (c *Client) WaitJob(ctx context.Context, id JobID) error {
	every := c.PollInterval
	if every <= 0 {
		every = 200 * time.Millisecond
	}
	for {
		st, err := c.JobState(ctx, id)
		if err != nil {
			return err
		}
		if st.Done() {
			if st.State == "completed" {
				return nil
			}
			return fmt.Errorf("waiting for job: %w", &JobError{ID: id, State: st.State, Reasons: st.Reasons, Message: st.Message})
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for job %s (%s): %w", id, st.State, ctx.Err())
		case <-time.After(every):
		}
	}
}

// JobState asks the scheduler for the job's state once.
func (c *Client) JobState(ctx context.Context, id JobID) (JobStatus, error) {
	n, ok := id.Number()
	if !ok {
		return JobStatus{}, fmt.Errorf("asking for job state: %w: job id %q", ErrInvalidJob, id)
	}
	hc, base := c.ippTransport()
	req := encodeGetJob(n, requestingUser())
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/jobs/"+strconv.Itoa(n), bytes.NewReader(req))
	if err != nil {
		return JobStatus{}, fmt.Errorf("asking for job state: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/ipp")
	resp, err := hc.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return JobStatus{}, ctx.Err()
		}
		return JobStatus{}, fmt.Errorf("asking for job state: %w: %v", ErrNoCUPS, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return JobStatus{}, fmt.Errorf("asking for job state: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return JobStatus{}, fmt.Errorf("asking for job state: HTTP %s", resp.Status)
	}
	msg, err := decodeIPP(body)
	if err != nil {
		return JobStatus{}, fmt.Errorf("asking for job state: %w", err)
	}
	if msg.status == statusNotFound {
		return JobStatus{}, fmt.Errorf("asking for job state: %w: job %s not found", ErrJobFailed, id)
	}
	if msg.status >= 0x0400 {
		return JobStatus{}, fmt.Errorf("asking for job state: IPP status 0x%04x", msg.status)
	}
	st := JobStatus{}
	if v := msg.attrs["job-state"]; len(v) == 1 && len(v[0]) == 4 {
		code := int(binary.BigEndian.Uint32(v[0]))
		if st.State = jobStates[code]; st.State == "" {
			st.State = "unknown-" + strconv.Itoa(code)
		}
	} else {
		return JobStatus{}, fmt.Errorf("asking for job state: no job-state in the answer")
	}
	for _, r := range msg.attrs["job-state-reasons"] {
		st.Reasons = append(st.Reasons, string(r))
	}
	if v := msg.attrs["job-printer-state-message"]; len(v) > 0 {
		st.Message = string(v[0])
	}
	return st, nil
}

// ippTransport returns an HTTP client for the scheduler and the URL base to post to:
// the Server setting or CUPS_SERVER (a socket path or host[:port]), else the local
// domain socket, else localhost:631 — the order the CUPS tools use.
func (c *Client) ippTransport() (*http.Client, string) {
	server := c.Server
	if server == "" {
		server = os.Getenv("CUPS_SERVER")
	}
	if server == "" {
		for _, s := range []string{"/run/cups/cups.sock", "/var/run/cups/cups.sock"} {
			if fi, err := os.Stat(s); err == nil && fi.Mode()&os.ModeSocket != 0 {
				server = s
				break
			}
		}
	}
	if server == "" {
		server = "localhost:631"
	}
	tr := &http.Transport{DisableKeepAlives: true}
	base := "http://localhost"
	if strings.HasPrefix(server, "/") {
		sock := server
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
	} else {
		if _, _, err := net.SplitHostPort(server); err != nil {
			server = net.JoinHostPort(server, "631")
		}
		base = "http://" + server
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}, base
}

// requestingUser is who asks: CUPS hides some job attributes from other users.
func requestingUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "anonymous"
}

// encodeGetJob builds a Get-Job-Attributes request for job n (RFC 8011 §4.3.4).
func encodeGetJob(n int, userName string) []byte {
	var b bytes.Buffer
	b.Write([]byte{2, 0}) // IPP/2.0, which CUPS speaks
	binary.Write(&b, binary.BigEndian, uint16(ippGetJobAttributes))
	binary.Write(&b, binary.BigEndian, uint32(1)) // request-id
	b.WriteByte(tagOperation)
	attr := func(tag byte, name, value string) {
		b.WriteByte(tag)
		binary.Write(&b, binary.BigEndian, uint16(len(name)))
		b.WriteString(name)
		binary.Write(&b, binary.BigEndian, uint16(len(value)))
		b.WriteString(value)
	}
	attr(tagCharset, "attributes-charset", "utf-8")
	attr(tagNatLang, "attributes-natural-language", "en")
	attr(tagURI, "job-uri", "ipp://localhost/jobs/"+strconv.Itoa(n))
	attr(tagName, "requesting-user-name", userName)
	attr(tagKeyword, "requested-attributes", "job-state")
	attr(tagKeyword, "", "job-state-reasons") // an additional value of the same attribute
	attr(tagKeyword, "", "job-printer-state-message")
	b.WriteByte(tagEnd)
	return b.Bytes()
}

// ippMessage is a decoded IPP response: its status and every attribute's raw values,
// whatever group they came in.
type ippMessage struct {
	status    int
	requestID uint32
	attrs     map[string][][]byte
}

var errIPP = errors.New("malformed IPP message")

// maxIPPValues bounds how many values a response may carry.
const maxIPPValues = 10000

// decodeIPP reads an IPP response (RFC 8010 §3.1): version, status, request id, then
// attribute groups up to the end tag. Out-of-band and collection values are kept as
// raw bytes; nothing here needs them decoded.
func decodeIPP(b []byte) (*ippMessage, error) {
	if len(b) < 9 {
		return nil, errIPP
	}
	m := &ippMessage{status: int(binary.BigEndian.Uint16(b[2:4])), requestID: binary.BigEndian.Uint32(b[4:8]),
		attrs: map[string][][]byte{}}
	pos, last, count := 8, "", 0
	for {
		if pos >= len(b) {
			return nil, errIPP // no end-of-attributes tag
		}
		tag := b[pos]
		pos++
		if tag == tagEnd {
			return m, nil
		}
		if tag < 0x10 { // another delimiter: a new attribute group
			last = ""
			continue
		}
		if pos+2 > len(b) {
			return nil, errIPP
		}
		nl := int(binary.BigEndian.Uint16(b[pos:]))
		pos += 2
		if pos+nl+2 > len(b) {
			return nil, errIPP
		}
		name := string(b[pos : pos+nl])
		pos += nl
		vl := int(binary.BigEndian.Uint16(b[pos:]))
		pos += 2
		if pos+vl > len(b) {
			return nil, errIPP
		}
		val := b[pos : pos+vl]
		pos += vl
		if nl == 0 {
			if last == "" {
				return nil, errIPP // an additional value of nothing
			}
			name = last
		}
		if count++; count > maxIPPValues {
			return nil, errIPP
		}
		m.attrs[name] = append(m.attrs[name], val)
		last = name
	}
}
