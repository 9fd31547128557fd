package diag

// Unit tests that need no pcscd: the outside world (os-release, /proc, commands, build
// information, the PC/SC connection) is replaced through the collector's fields.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"omsdesk/cardio/atr"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/vcard"
)

var fixedNow = time.Date(2025, 11, 20, 10, 30, 0, 0, time.UTC)

func TestPrettyName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"debian", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n", "Debian GNU/Linux 12 (bookworm)"},
		{"unquoted", "NAME=Alt\nPRETTY_NAME=ALT_Workstation_10\n", "ALT_Workstation_10"},
		{"single quotes", "PRETTY_NAME='Astra Linux 1.7'\n", "Astra Linux 1.7"},
		{"escapes", `PRETTY_NAME="Say \"hi\" \\ \$HOME"`, `Say "hi" \ $HOME`},
		{"indented and after others", "# comment\nID=redos\n  PRETTY_NAME=\"RED OS 7.3\"\n", "RED OS 7.3"},
		{"missing", "NAME=Foo\n", ""},
		{"lone quote", "PRETTY_NAME=\"\n", "\""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prettyName([]byte(tt.in)); got != tt.want {
				t.Errorf("prettyName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// writeFiles creates files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindProcesses(t *testing.T) {
	proc := t.TempDir()
	writeFiles(t, proc, map[string]string{
		"1/comm":     "systemd\n",
		"42/comm":    "pcscd\n",
		"42/cmdline": "pcscd\x00--foreground\x00--debug\x00",
		"7/comm":     "pcscd\n",
		"7/cmdline":  "/usr/sbin/pcscd\x00--auto-exit\x00",
		"8/comm":     "pcscd-helper\n",
		"self/comm":  "pcscd\n", // not a PID
		"0/comm":     "pcscd\n", // not a PID either
	})
	if err := os.Mkdir(filepath.Join(proc, "99"), 0o755); err != nil { // ended: no comm
		t.Fatal(err)
	}
	pids, cmd, err := findProcesses(proc, "pcscd")
	if err != nil || !slices.Equal(pids, []int{7, 42}) || cmd != "/usr/sbin/pcscd --auto-exit" {
		t.Errorf("findProcesses = %v, %q, %v; want [7 42], \"/usr/sbin/pcscd --auto-exit\", nil", pids, cmd, err)
	}

	pids, cmd, err = findProcesses(proc, "nothing")
	if err != nil || pids != nil || cmd != "" {
		t.Errorf("findProcesses(nothing) = %v, %q, %v; want nothing", pids, cmd, err)
	}
	if _, _, err := findProcesses(filepath.Join(proc, "absent"), "pcscd"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("findProcesses without /proc: %v, want fs.ErrNotExist", err)
	}
}

func TestProgramInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "omsdesk", Version: "v1.4.0"},
		Deps: []*debug.Module{
			{Path: "golang.org/x/text", Version: "v0.22.0"},
			{Path: "github.com/ebfe/scard", Version: "v0.0.0-20241214075232-7af069cabc25",
				Replace: &debug.Module{Path: "../scard"}},
		},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "393c614"}, {Key: "vcs.modified", Value: "true"},
			{Key: "-ldflags", Value: "-X main.secret=x"}},
	}
	c := &collector{program: "omsdesk 1.4.0", b: &Bundle{}, buildInfo: func() (*debug.BuildInfo, bool) { return bi, true }}
	got := c.programInfo()
	want := Program{Name: "omsdesk 1.4.0", Module: "omsdesk", Version: "v1.4.0", GoVersion: "go1.26.8",
		Revision: "393c614", Modified: true, Modules: []Module{
			{Path: "github.com/ebfe/scard", Version: "v0.0.0-20241214075232-7af069cabc25 => ../scard", Linked: true},
			{Path: "fyne.io/fyne/v2"},
		}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("programInfo =\n%+v\nwant\n%+v", got, want)
	}

	c = &collector{program: "x", b: &Bundle{}, buildInfo: func() (*debug.BuildInfo, bool) { return nil, false }}
	got = c.programInfo()
	if got.Error == nil || len(got.Modules) != 2 || got.Modules[0].Linked || len(c.b.Errors) != 1 {
		t.Errorf("without build info: %+v, errors %q", got, c.b.Errors)
	}
}

func TestAttributeDecoding(t *testing.T) {
	dword := func(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
	tests := []struct {
		name    string
		id      pcsc.Attrib
		raw     []byte
		want    Attributes
		wantErr bool
	}{
		{"vendor name with NUL", pcsc.AttrVendorName, []byte("ACS\x00junk"), Attributes{VendorName: "ACS"}, false},
		{"type without NUL", pcsc.AttrVendorIFDType, []byte("ACR38U"), Attributes{IFDType: "ACR38U"}, false},
		{"serial with control bytes", pcsc.AttrVendorIFDSerial, []byte("A\x1b[2JB\xff\x00"), Attributes{IFDSerial: "A?[2JB?"}, false},
		{"empty string", pcsc.AttrVendorName, []byte{0}, Attributes{}, false},
		{"version", pcsc.AttrVendorIFDVersion, dword(0x02010203), Attributes{IFDVersion: "2.1.515"}, false},
		{"max input", pcsc.AttrMaxInput, dword(271), Attributes{MaxInput: 271}, false},
		{"max input short", pcsc.AttrMaxInput, []byte{1, 2}, Attributes{}, true},
		{"version long", pcsc.AttrVendorIFDVersion, make([]byte, 8), Attributes{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Attributes
			err := a.set(tt.id, tt.raw)
			if (err != nil) != tt.wantErr || !reflect.DeepEqual(a, tt.want) {
				t.Errorf("set(%#x, % X) = %+v, %v; want %+v, error %v", uint32(tt.id), tt.raw, a, err, tt.want, tt.wantErr)
			}
		})
	}
}

// fakeWorld is a collector whose outside world is a temporary directory and canned
// command output; establish fails as it does when pcscd is not running.
func fakeWorld(t *testing.T, goos string) *collector {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"etc/os-release": "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
		"proc/1/comm":    "init\n",
	})
	return &collector{
		now: func() time.Time { return fixedNow }, program: "omsdesk test", goos: goos, goarch: "amd64",
		osRelease: []string{filepath.Join(dir, "etc/missing"), filepath.Join(dir, "etc/os-release")},
		procDir:   filepath.Join(dir, "proc"),
		sbinDirs:  []string{filepath.Join(dir, "sbin")},
		getenv: func(k string) string {
			if k == socketEnv {
				return filepath.Join(dir, "run/pcscd/pcscd.comm")
			}
			return ""
		},
		lookPath: func(name string) (string, error) {
			if name == "dpkg-query" {
				return "/usr/bin/dpkg-query", nil
			}
			return "", errNotFound
		},
		run: func(_ context.Context, name string, args ...string) ([]byte, error) {
			if name == "/usr/bin/dpkg-query" && slices.Equal(args, []string{"-W", "libpcsclite1"}) {
				return []byte("libpcsclite1:amd64\t1.9.9-2\n"), nil
			}
			return nil, fmt.Errorf("unexpected command %s %q", name, args)
		},
		buildInfo: debug.ReadBuildInfo,
		knownList: func() (*atr.KnownList, error) {
			return nil, fmt.Errorf("opening known ATR list: %w", fs.ErrNotExist)
		},
		establish: func() (*pcsc.Context, error) {
			return nil, fmt.Errorf("establishing PC/SC context: %w", &pcsc.Error{Code: 0x8010001D, Kind: pcsc.ErrNoService})
		},
	}
}

var errNotFound = errors.New("executable file not found in $PATH")

func TestCollectWithoutService(t *testing.T) {
	c := fakeWorld(t, "linux")
	b := c.collect(context.Background())

	if !b.Created.Equal(fixedNow) || b.Format != FormatVersion {
		t.Errorf("created %v format %d", b.Created, b.Format)
	}
	if b.Host.OS != "linux" || b.Host.Arch != "amd64" || b.Host.Distribution != "Debian GNU/Linux 12 (bookworm)" || b.Host.Error != nil {
		t.Errorf("host = %+v", b.Host)
	}
	if b.Program.Name != "omsdesk test" || b.Program.GoVersion == "" || len(b.Program.Modules) != 2 {
		t.Errorf("program = %+v", b.Program)
	}
	// Test binaries carry no dependency list, so the modules show as not linked here;
	// TestProgramInfo checks them.
	if b.Program.Module != "omsdesk" || b.Program.Modules[0].Path != "github.com/ebfe/scard" {
		t.Errorf("program = %+v", b.Program)
	}
	s := b.Service
	if s.Connected || !errors.Is(s.ConnectError, pcsc.ErrNoService) || s.ConnectError.PCSCCode != "0x8010001D" {
		t.Errorf("service = %+v, connect error %v", s, s.ConnectError)
	}
	d := s.Daemon
	if d == nil {
		t.Fatal("no daemon section on linux")
	}
	if d.Running || d.PIDs != nil || d.SocketPresent || d.SocketError != nil || !strings.HasSuffix(d.Socket, "run/pcscd/pcscd.comm") {
		t.Errorf("daemon = %+v", d)
	}
	if d.Version != "" || d.VersionError == nil || !strings.Contains(d.VersionError.Message, "pcscd not found") {
		t.Errorf("pcscd version = %q, %v; want not found", d.Version, d.VersionError)
	}
	if d.Library != "libpcsclite1:amd64 1.9.9-2" || d.LibraryError != nil {
		t.Errorf("library = %q, %v", d.Library, d.LibraryError)
	}
	if !slices.Contains(d.Notes, socketEnv+" is set") {
		t.Errorf("notes = %q", d.Notes)
	}
	if b.ATRList.Installed || b.ATRList.Error != nil {
		t.Errorf("a missing known-ATR list is not an error: %+v", b.ATRList)
	}
	if len(b.Readers) != 0 {
		t.Errorf("readers = %+v", b.Readers)
	}
	wantErrs := []string{"pcscd version: ", "PC/SC service: establishing PC/SC context: pcsc: smart card service not running"}
	if len(b.Errors) != len(wantErrs) {
		t.Fatalf("errors = %q, want %d", b.Errors, len(wantErrs))
	}
	for i, w := range wantErrs {
		if !strings.HasPrefix(b.Errors[i], w) {
			t.Errorf("errors[%d] = %q, want prefix %q", i, b.Errors[i], w)
		}
	}
	if !strings.HasSuffix(b.Errors[1], "[PC/SC 0x8010001D]") {
		t.Errorf("error %q lacks the PC/SC code", b.Errors[1])
	}

	var text bytes.Buffer
	if err := b.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Connected: no", "Connect error: establishing PC/SC context: pcsc: smart card service not running",
		"[PC/SC 0x8010001D]", "Distribution: Debian GNU/Linux 12 (bookworm)", "pcscd running: no", "Readers: none",
		"Errors: 2", "Known ATR list: not installed"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
}

func TestCollectDaemonDetails(t *testing.T) {
	c := fakeWorld(t, "linux")
	dir := t.TempDir()
	writeFiles(t, c.procDir, map[string]string{"315/comm": "pcscd\n", "315/cmdline": "pcscd\x00-f\x00"})
	// A regular file where the socket should be, and pcscd found outside PATH.
	sock := filepath.Join(dir, "pcscd.comm")
	writeFiles(t, dir, map[string]string{"pcscd.comm": "", "sbin/pcscd": "#!/bin/sh\n"})
	if err := os.Chmod(filepath.Join(dir, "sbin/pcscd"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.getenv = func(k string) string {
		if k == socketEnv {
			return sock
		}
		return ""
	}
	c.sbinDirs = []string{filepath.Join(dir, "nothing"), filepath.Join(dir, "sbin")}
	c.lookPath = func(string) (string, error) { return "", errNotFound }
	c.run = func(_ context.Context, name string, args ...string) ([]byte, error) {
		if name == filepath.Join(dir, "sbin/pcscd") && slices.Equal(args, []string{"--version"}) {
			return []byte("\npcsc-lite version 1.9.9.\nCopyright (C) 1999-2002 by David Corcoran\n"), nil
		}
		return nil, fmt.Errorf("unexpected command %s %q", name, args)
	}
	c.knownList = func() (*atr.KnownList, error) { return nil, errors.New("opening known ATR list: permission denied") }

	b := c.collect(context.Background())
	d := b.Service.Daemon
	if !d.Running || !slices.Equal(d.PIDs, []int{315}) || d.Command != "pcscd -f" {
		t.Errorf("process: running %v pids %v command %q", d.Running, d.PIDs, d.Command)
	}
	if d.SocketPresent || d.SocketError == nil || !strings.Contains(d.SocketError.Message, "is not a socket") {
		t.Errorf("socket: present %v error %v", d.SocketPresent, d.SocketError)
	}
	if d.Version != "pcsc-lite version 1.9.9." || d.VersionError != nil {
		t.Errorf("version = %q, %v", d.Version, d.VersionError)
	}
	if !slices.Contains(d.Notes, "dpkg-query not found: libpcsclite version not looked up") || d.LibraryError != nil {
		t.Errorf("notes %q, library error %v", d.Notes, d.LibraryError)
	}
	if b.ATRList.Error == nil || b.ATRList.Installed {
		t.Errorf("an unreadable known-ATR list is an error: %+v", b.ATRList)
	}
	for _, want := range []string{"pcscd socket: ", "known ATR list: ", "PC/SC service: "} {
		if !slices.ContainsFunc(b.Errors, func(e string) bool { return strings.HasPrefix(e, want) }) {
			t.Errorf("errors %q lack %q", b.Errors, want)
		}
	}
}

func TestCollectOnWindows(t *testing.T) {
	c := fakeWorld(t, "windows")
	c.osRelease = nil
	b := c.collect(context.Background())
	if b.Service.Daemon != nil || b.Host.Distribution != "" || b.Host.Error != nil || b.Host.OS != "windows" {
		t.Errorf("windows: daemon %+v host %+v", b.Service.Daemon, b.Host)
	}
	if len(b.Errors) != 1 || !strings.HasPrefix(b.Errors[0], "PC/SC service: ") {
		t.Errorf("errors = %q, want only the service's", b.Errors)
	}
}

func TestHostWithoutOSRelease(t *testing.T) {
	c := fakeWorld(t, "linux")
	c.osRelease = []string{filepath.Join(t.TempDir(), "none")}
	b := c.collect(context.Background())
	if !errors.Is(b.Host.Error, fs.ErrNotExist) || b.Host.OS != "linux" {
		t.Errorf("host = %+v", b.Host)
	}
	// The service section is still collected after the host section failed.
	if !errors.Is(b.Service.ConnectError, pcsc.ErrNoService) {
		t.Errorf("service = %+v", b.Service)
	}
}

// personalData lists the sample holder's data in every form a bundle could carry
// them: as text, as the card's BCD dates, in hex.
func personalData(p *policy.Policy) []string {
	o := p.Owner
	out := []string{o.ENP, o.Surname, o.FirstName, o.Patronymic, o.BirthPlace}
	for _, d := range []policy.Date{o.BirthDate, o.IssueDate, o.Expiry} {
		if d.IsZero() {
			continue
		}
		bcd := d.BCD()
		out = append(out, d.String(), d.Russian())
		out = append(out, hex.EncodeToString(bcd), strings.ToUpper(hex.EncodeToString(bcd)), atr.Hex(bcd).String())
	}
	if o.SNILS != "" {
		out = append(out, o.SNILS)
	}
	return out
}

// assertNoPersonalData fails when out holds any of the holder's data or a piece of
// the photo (raw, hex in either case and spacing, or base64).
func assertNoPersonalData(t *testing.T, form, out string, p *policy.Policy) {
	t.Helper()
	for _, s := range personalData(p) {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("%s holds personal data %q", form, s)
		}
	}
	if p.Owner.Photo == nil {
		return
	}
	data := p.Owner.Photo.Data
	for off := 0; off+24 <= len(data); off += 997 {
		chunk := data[off : off+24]
		for _, enc := range []string{string(chunk), hex.EncodeToString(chunk), strings.ToUpper(hex.EncodeToString(chunk)),
			atr.Hex(chunk).String(), base64.StdEncoding.EncodeToString(chunk)[:24]} {
			if strings.Contains(out, enc) {
				t.Fatalf("%s holds photo bytes at offset %d (%q)", form, off, enc)
			}
		}
	}
}

// readInProcess reads a virtual card through the in-process transport, as probe does
// through PC/SC.
func readInProcess(t *testing.T, p *policy.Policy) probe.Outcome {
	t.Helper()
	card := vcard.New(vcard.FromPolicy(p))
	res, _, err := probe.ReadTransport(card.Transport(), false, probe.Options{})
	return probe.Outcome{Reader: "Virtual PCD 00 00", ATR: card.ATR(), Result: res, Err: err}
}

func bundleWithCard(t *testing.T, out probe.Outcome) *Bundle {
	t.Helper()
	c := &collector{b: &Bundle{Format: FormatVersion, Created: fixedNow, Errors: []string{}}}
	card := &Card{ATR: atr.Hex(out.ATR).String()}
	c.describeATR(card, out.Reader, out.ATR)
	card.Probe = c.probeResult(out.Reader, out, policy.DateOf(fixedNow))
	c.b.Readers = []Reader{{Name: out.Reader, State: &State{Present: true}, Card: card}}
	return c.b
}

func render(t *testing.T, b *Bundle) (js, text string) {
	t.Helper()
	var j, x bytes.Buffer
	if err := b.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteText(&x); err != nil {
		t.Fatal(err)
	}
	return j.String(), x.String()
}

func TestPolicyFactsKeepNoPersonalData(t *testing.T) {
	sample := vcard.SamplePolicy(6000)

	badENP := vcard.SamplePolicy(0)
	badENP.Owner.ENP = "5001234567890120" // check digit 0, want 7
	badENP.Owner.SNILS = "112-233-445 99" // check number 99, want 95
	badENP.Owner.Expiry = policy.MakeDate(2020, 1, 31)

	ogrnip := vcard.SamplePolicy(0)
	ogrnip.Insurer.OGRN = "304500116000157" // a valid OGRNIP: an individual entrepreneur's number

	tests := []struct {
		name        string
		p           *policy.Policy
		status      policy.Status
		findings    []Finding
		ogrn        string
		photo       int
		wantInFacts []string
	}{
		{"sample card", sample, policy.StatusValid, []Finding{}, "1027700000008", 6000, nil},
		{"bad numbers, expired", badENP, policy.StatusExpired,
			[]Finding{{"enp", "enp.check_digit"}, {"snils", "snils.check_digit"}}, "1027700000008", 0,
			[]string{"enp enp.check_digit", "snils snils.check_digit", "expired"}},
		{"OGRNIP in the OGRN field", ogrnip, policy.StatusValid,
			[]Finding{}, "", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := readInProcess(t, tt.p)
			if !out.IsOMS() {
				t.Fatalf("in-process read failed: %v", out.Err)
			}
			b := bundleWithCard(t, out)
			pr := b.Readers[0].Card.Probe
			f := pr.Policy
			if pr.Verdict != VerdictOMS || f == nil {
				t.Fatalf("probe = %+v", pr)
			}
			if f.Status != string(tt.status) || !reflect.DeepEqual(f.Findings, tt.findings) ||
				f.InsurerOGRN != tt.ogrn || f.PhotoBytes != tt.photo {
				t.Errorf("facts = %+v; want status %s findings %v ogrn %q photo %d", f, tt.status, tt.findings, tt.ogrn, tt.photo)
			}
			if f.APDUs != out.Result.APDUs || f.APDUs < 5 || f.OwnerRecordBytes != len(tt.p.Owner.Encode()) ||
				f.InsurerRecordBytes != len(tt.p.Insurer.Encode()) || f.InsurerFileID != "0202" || !f.ViaRoot {
				t.Errorf("facts = %+v; owner record %d bytes, insurer %d", f, len(tt.p.Owner.Encode()), len(tt.p.Insurer.Encode()))
			}
			js, text := render(t, b)
			assertNoPersonalData(t, "JSON", js, tt.p)
			assertNoPersonalData(t, "text", text, tt.p)
			if tt.p.Insurer.OGRN != tt.ogrn && strings.Contains(js+text, tt.p.Insurer.OGRN) {
				t.Errorf("bundle holds the OGRNIP %s", tt.p.Insurer.OGRN)
			}
			for _, w := range tt.wantInFacts {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestProbeVerdicts(t *testing.T) {
	// A card without the OMS application, read in-process as probe reads it.
	_, _, err := probe.ReadTransport(vcard.New(vcard.Layout{}).Transport(), false, probe.Options{})
	if !errors.Is(err, omscard.ErrNotOMSCard) {
		t.Fatalf("reading a card without the application: %v", err)
	}
	notOMS := probe.Outcome{Reader: "R", Err: err}
	busy := probe.Outcome{Reader: "R", Err: fmt.Errorf("reading R: %w", probe.ErrBusy)}
	noCard := probe.Outcome{Reader: "R", Err: fmt.Errorf("connecting to R: %w", &pcsc.Error{Code: 0x8010000C, Kind: pcsc.ErrNoCard})}
	tests := []struct {
		name    string
		out     probe.Outcome
		verdict string
		errIs   error
		code    string
	}{
		{"not OMS", notOMS, VerdictNotOMS, nil, ""},
		{"busy", busy, VerdictUnreadable, probe.ErrBusy, ""},
		{"card gone", noCard, VerdictUnreadable, pcsc.ErrNoCard, "0x8010000C"},
		{"nothing at all", probe.Outcome{Reader: "R"}, VerdictUnreadable, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &collector{b: &Bundle{}}
			p := c.probeResult(tt.out.Reader, tt.out, policy.DateOf(fixedNow))
			if p.Verdict != tt.verdict || p.Policy != nil {
				t.Fatalf("probe = %+v, want verdict %q", p, tt.verdict)
			}
			if tt.verdict != VerdictUnreadable {
				if p.Error != nil || len(c.b.Errors) != 0 {
					t.Errorf("error %v recorded for %q", p.Error, tt.verdict)
				}
				return
			}
			if p.Error == nil || len(c.b.Errors) != 1 || p.Error.PCSCCode != tt.code {
				t.Fatalf("unreadable without its error: %+v, errors %q", p.Error, c.b.Errors)
			}
			if tt.errIs != nil && !errors.Is(p.Error, tt.errIs) {
				t.Errorf("error %v is not %v", p.Error, tt.errIs)
			}
		})
	}
}

func TestDescribeATR(t *testing.T) {
	list, err := atr.LoadKnownList(strings.NewReader("3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9\n\tHealth card Russian Federation\n\tsecond line\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{b: &Bundle{}, known: list}
	card := &Card{}
	c.describeATR(card, "R", vcard.DefaultATR)
	want := &ATRSummary{Protocols: []string{"T=1"}, Historical: "46 4F 4D 53 4F 4D 53", HistoricalASCII: "FOMSOMS", TCKValid: true}
	if !reflect.DeepEqual(card.Decoded, want) || card.DecodeError != nil {
		t.Errorf("decoded = %+v, %v; want %+v", card.Decoded, card.DecodeError, want)
	}
	if !slices.Equal(card.Known, []string{"Health card Russian Federation\nsecond line"}) {
		t.Errorf("known = %q", card.Known)
	}

	bad := vcard.DefaultATR[:len(vcard.DefaultATR)-1]
	bad = append(slices.Clone(bad), 0x00) // wrong TCK
	card = &Card{}
	c.describeATR(card, "R", bad)
	if card.Decoded == nil || card.Decoded.TCKValid || card.Known != nil {
		t.Errorf("wrong TCK: %+v, known %q", card.Decoded, card.Known)
	}

	card = &Card{}
	c.describeATR(card, "R", []byte{0x3B})
	if card.Decoded != nil || !errors.Is(card.DecodeError, atr.ErrTooShort) || len(c.b.Errors) != 1 {
		t.Errorf("short ATR: %+v, %v, errors %q", card.Decoded, card.DecodeError, c.b.Errors)
	}
}

// fullBundle sets every field, so that the text/JSON comparison covers them all.
func fullBundle() *Bundle {
	n := 0
	e := func(msg, code string) *Error {
		if code == "" { // every field set: give the others made-up codes too
			n++
			code = fmt.Sprintf("0x801000%02X", 0x40+n)
		}
		return &Error{Message: msg, PCSCCode: code}
	}
	return &Bundle{
		Format: FormatVersion, Created: fixedNow,
		Program: Program{Name: "omsdesk 9.8.7", Module: "omsdesk", Version: "v9.8.7", GoVersion: "go1.26.8",
			Revision: "abc123def", Modified: true, Modules: []Module{{Path: "github.com/ebfe/scard", Version: "v0.0.0-2024", Linked: true}},
			Error: e("program error text", "")},
		Host: Host{OS: "linux", Arch: "arm64", Distribution: "Debian GNU/Linux 12 (bookworm)", Error: e("host error text", "")},
		Service: Service{
			Daemon: &Daemon{Running: true, PIDs: []int{4242, 4343}, Command: "pcscd --foreground", ProcessError: e("process error text", ""),
				Socket: "/run/pcscd/pcscd.comm", SocketPresent: true, SocketError: e("socket error text", ""),
				Version: "pcsc-lite version 1.9.9.", VersionError: e("version error text", ""),
				Library: "libpcsclite1:amd64 1.9.9-2", LibraryError: e("library error text", ""), Notes: []string{"a note"}},
			Connected: true, ConnectError: e("connect error text", "0x8010001D"), ListError: e("list error text", "0x8010002E"),
		},
		ATRList: ATRList{Installed: true, Entries: 12345, Error: e("list file error", "")},
		Readers: []Reader{{
			Name:       "ACS ACR38U 00 00",
			State:      &State{Present: true, Empty: true, InUse: true, Exclusive: true, Mute: true, Unavailable: true, Unknown: true},
			StateError: e("state error text", "0x80100009"),
			Attributes: Attributes{VendorName: "ACS", IFDType: "ACR38U", IFDVersion: "5.6.789", IFDSerial: "SN-0042",
				MaxInput: 65546, Unsupported: []string{"ifd_serial"}, Errors: []*Error{e("attribute error text", "0x80100008")}},
			Card: &Card{ATR: "3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9",
				Decoded: &ATRSummary{Protocols: []string{"T=1"}, Historical: "46 4F 4D 53 4F 4D 53", HistoricalASCII: "FOMSOMS",
					TCKValid: true, ExtendedLength: true},
				DecodeError: e("decode error text", ""),
				Known:       []string{"Health card Russian Federation\nsecond line"},
				Probe: Probe{Verdict: VerdictOMS, Error: e("probe error text", ""), Policy: &PolicyFacts{
					APDUs: 37, OwnerRecordBytes: 6123, InsurerRecordBytes: 91, InsurerFileID: "0203", ViaRoot: true,
					ExtendedRead: true, PhotoBytes: 5999, Status: "insurer_closed", InsurerOGRN: "1027700000008",
					Findings:       []Finding{{Field: "enp", Code: "enp.check_digit"}},
					DecodeProblems: []Problem{{Record: "owner", Tag: "5F99", Code: "unknown_tag"}},
				}},
			},
		}},
		Errors: []string{"where: what happened"},
	}
}

// assertAllSet fails for any zero field (a false bool, an empty string or slice, a nil
// pointer) reachable from v, so that fullBundle keeps up with new fields.
func assertAllSet(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			t.Errorf("%s is nil", path)
			return
		}
		assertAllSet(t, path, v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				assertAllSet(t, path+"."+f.Name, v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			t.Errorf("%s is empty", path)
		}
		for i := range v.Len() {
			assertAllSet(t, path+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	default:
		if v.IsZero() {
			t.Errorf("%s is zero", path)
		}
	}
}

// leaves collects the string and number leaves of decoded JSON, strings split into
// lines.
func leaves(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for _, y := range x {
			leaves(y, out)
		}
	case []any:
		for _, y := range x {
			leaves(y, out)
		}
	case string:
		*out = append(*out, strings.Split(x, "\n")...)
	case json.Number:
		*out = append(*out, x.String())
	}
}

func TestTextHasTheFactsOfJSON(t *testing.T) {
	b := fullBundle()
	assertAllSet(t, "Bundle", reflect.ValueOf(b))
	js, text := render(t, b)

	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var all []string
	leaves(doc, &all)
	if len(all) < 60 {
		t.Fatalf("only %d JSON leaves: %s", len(all), js)
	}
	for _, s := range all {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q", s)
		}
	}
	// Booleans have no value to look for: check how each is shown.
	for _, want := range []string{"Modified: yes", "pcscd running: yes (pid 4242, 4343)", "Socket: /run/pcscd/pcscd.comm (present)",
		"Connected: yes", "Known ATR list: 12345 entries", "Dependency github.com/ebfe/scard: v0.0.0-2024",
		"State: present, empty, in use, exclusive, mute, unavailable, unknown", "TCK: valid",
		"Extended length announced: yes", "Selected via foms_root: yes", "Extended-length read: yes",
		"connect error text [PC/SC 0x8010001D]", "Validation findings: enp enp.check_digit",
		"Decoding findings: owner 5F99 unknown_tag", "Created: 2025-11-20T10:30:00Z"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}

	// The JSON round-trips into an equal bundle (the unexported original errors aside).
	var back Bundle
	if err := json.Unmarshal([]byte(js), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, b) {
		t.Errorf("JSON round trip changed the bundle:\n%+v\n%+v", back, *b)
	}

	// And the opposite values show as such.
	b.Program.Modules[0].Linked = false
	b.Service.Daemon.Running, b.Service.Daemon.PIDs, b.Service.Daemon.SocketPresent = false, nil, false
	b.Readers[0].Card.Decoded.TCKValid = false
	b.Readers[0].State = &State{}
	b.Readers[0].Card.Probe.Policy.Findings = nil
	_, text = render(t, b)
	for _, want := range []string{"Dependency github.com/ebfe/scard: not linked", "pcscd running: no", "(absent)", "TCK: INVALID",
		"State: none", "Validation findings: none"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	b := fullBundle()
	for _, after := range []int{0, 1, 10} {
		if err := b.WriteText(&failWriter{after: after}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("WriteText failing after %d writes: %v", after, err)
		}
	}
	if err := b.WriteJSON(&failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteJSON to a failing writer: %v", err)
	}
}

func TestErrorNilSafe(t *testing.T) {
	var e *Error
	if e.Error() != "" || e.Unwrap() != nil || errors.Is(e, pcsc.ErrNoService) {
		t.Error("nil *Error misbehaves")
	}
	if newError(nil) != nil {
		t.Error("newError(nil) != nil")
	}
	wrapped := fmt.Errorf("listing readers: %w", &pcsc.Error{Code: 0x8010002E, Kind: pcsc.ErrNoReaders})
	got := newError(wrapped)
	if got.PCSCCode != "0x8010002E" || !errors.Is(got, pcsc.ErrNoReaders) || got.Message != wrapped.Error() {
		t.Errorf("newError = %+v", got)
	}
}
