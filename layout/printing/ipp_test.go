package printing

import (
	"encoding/binary"
	"testing"
)

func TestEncodeDecodeIPP(t *testing.T) {
	req := encodeGetJob(42, "tester")
	// A request has the same framing as a response: decoding it reads the operation
	// attributes back (the operation code sits where a response's status does).
	m, err := decodeIPP(req)
	if err != nil {
		t.Fatal(err)
	}
	if m.status != ippGetJobAttributes || m.requestID != 1 {
		t.Errorf("operation 0x%04x request %d", m.status, m.requestID)
	}
	checks := map[string]string{"attributes-charset": "utf-8", "job-uri": "ipp://localhost/jobs/42", "requesting-user-name": "tester"}
	for k, v := range checks {
		if got := m.attrs[k]; len(got) != 1 || string(got[0]) != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := m.attrs["requested-attributes"]; len(got) != 3 || string(got[2]) != "job-printer-state-message" {
		t.Errorf("requested-attributes %q", got)
	}
}

func TestDecodeIPPRefuses(t *testing.T) {
	good := encodeGetJob(1, "u")
	for _, bad := range [][]byte{
		nil, good[:8], good[:len(good)-1], // no end tag
		{2, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x44, 0, 0, 0, 1, 'x', 3}, // additional value of nothing
		{2, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x44, 0, 9, 'a'},          // name runs past the end
	} {
		if _, err := decodeIPP(bad); err == nil {
			t.Errorf("% x accepted", bad)
		}
	}
}

// FuzzDecodeIPP: the scheduler's answers are parsed without panics, and every value
// decoded lies inside the input.
func FuzzDecodeIPP(f *testing.F) {
	f.Add(encodeGetJob(7, "root"))
	resp := []byte{2, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x47, 0, 18}
	resp = append(resp, "attributes-charset"...)
	resp = append(resp, 0, 5)
	resp = append(resp, "utf-8"...)
	resp = append(resp, 0x02, 0x23, 0, 9)
	resp = append(resp, "job-state"...)
	resp = binary.BigEndian.AppendUint16(resp, 4)
	resp = binary.BigEndian.AppendUint32(resp, 9)
	resp = append(resp, 0x03)
	f.Add(resp)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeIPP(b)
		if err != nil {
			return
		}
		n := 0
		for _, vs := range m.attrs {
			for _, v := range vs {
				n += len(v)
			}
		}
		if n > len(b) {
			t.Fatalf("decoded %d value bytes from %d", n, len(b))
		}
	})
}
