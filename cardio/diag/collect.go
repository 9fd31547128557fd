package diag

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"omsdesk/cardio/atr"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
)

// Modules whose versions the bundle reports: the PC/SC binding and the GUI toolkit.
var reportedModules = []string{"github.com/ebfe/scard", "fyne.io/fyne/v2"}

// Where pcsc-lite looks for things (pcsc-lite's PCSCLITE_CSOCK_NAME default and the
// environment variable that overrides it in every client).
const (
	defaultSocket = "/run/pcscd/pcscd.comm"
	socketEnv     = "PCSCLITE_CSOCK_NAME"
)

// commandTimeout bounds each external command (pcscd --version, dpkg-query).
const commandTimeout = 5 * time.Second

// collector gathers one bundle. Its fields are the outside world, replaced in tests.
type collector struct {
	now          func() time.Time
	program      string
	probeTimeout time.Duration

	goos, goarch string
	osRelease    []string // os-release(5) paths, first found wins
	procDir      string
	sbinDirs     []string // where pcscd lives when it is not on PATH
	getenv       func(string) string
	lookPath     func(string) (string, error)
	run          func(ctx context.Context, name string, args ...string) ([]byte, error)
	buildInfo    func() (*debug.BuildInfo, bool)
	knownList    func() (*atr.KnownList, error)
	establish    func() (*pcsc.Context, error)

	b     *Bundle
	known *atr.KnownList // nil when not installed
}

func newCollector(opts Options) *collector {
	c := &collector{
		now:          opts.Now,
		program:      opts.Program,
		probeTimeout: opts.ProbeTimeout,
		goos:         runtime.GOOS,
		goarch:       runtime.GOARCH,
		osRelease:    []string{"/etc/os-release", "/usr/lib/os-release"},
		procDir:      "/proc",
		sbinDirs:     []string{"/usr/sbin", "/usr/local/sbin", "/sbin"},
		getenv:       os.Getenv,
		lookPath:     exec.LookPath,
		run:          runCommand,
		buildInfo:    debug.ReadBuildInfo,
		knownList:    atr.LoadSystemKnownList,
		establish:    pcsc.Establish,
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.program == "" && len(os.Args) > 0 {
		c.program = filepath.Base(os.Args[0]) // the base name only: paths can name users
	}
	return c
}

// runCommand runs a command in the C locale and returns its combined output.
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANGUAGE=")
	return cmd.CombinedOutput()
}

// fail records err under where in the bundle's error list and returns it for the section.
func (c *collector) fail(where string, err error) *Error {
	e := newError(err)
	if e != nil {
		c.b.Errors = append(c.b.Errors, where+": "+e.text())
	}
	return e
}

func (c *collector) collect(ctx context.Context) *Bundle {
	now := c.now()
	c.b = &Bundle{Format: FormatVersion, Created: now, Readers: []Reader{}, Errors: []string{}}
	c.b.Program = c.programInfo()
	c.b.Host = c.hostInfo()
	c.b.ATRList, c.known = c.atrList()
	if d := c.daemonInfo(ctx); d != nil {
		c.b.Service.Daemon = d
	}
	c.pcscInfo(ctx, policy.DateOf(now))
	return c.b
}

func (c *collector) programInfo() Program {
	p := Program{Name: c.program, Modules: []Module{}}
	for _, path := range reportedModules {
		p.Modules = append(p.Modules, Module{Path: path})
	}
	bi, ok := c.buildInfo()
	if !ok || bi == nil {
		p.Error = c.fail("program", errors.New("reading build information: binary built without module support"))
		return p
	}
	p.Module, p.Version, p.GoVersion = bi.Main.Path, bi.Main.Version, bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			p.Revision = s.Value
		case "vcs.modified":
			p.Modified = s.Value == "true"
		}
	}
	for _, dep := range bi.Deps {
		i := slices.Index(reportedModules, dep.Path)
		if i < 0 {
			continue
		}
		m := &p.Modules[i]
		m.Linked, m.Version = true, dep.Version
		if r := dep.Replace; r != nil {
			m.Version += " => " + strings.TrimSpace(r.Path+" "+r.Version)
		}
	}
	return p
}

func (c *collector) hostInfo() Host {
	h := Host{OS: c.goos, Arch: c.goarch}
	if c.goos == "windows" || c.goos == "darwin" {
		return h // no os-release there
	}
	var lastErr error
	for _, path := range c.osRelease {
		data, err := os.ReadFile(path)
		if err != nil {
			lastErr = err
			continue
		}
		h.Distribution = prettyName(data)
		if h.Distribution == "" {
			h.Error = c.fail("host", fmt.Errorf("reading %s: no PRETTY_NAME", path))
		}
		return h
	}
	h.Error = c.fail("host", fmt.Errorf("reading os-release: %w", lastErr))
	return h
}

// prettyName returns PRETTY_NAME from os-release(5) content: shell-style assignments
// whose values may be quoted with " or ' and use backslash escapes inside "".
func prettyName(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || key != "PRETTY_NAME" {
			continue
		}
		return unquote(val)
	}
	return ""
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) {
				i++
			}
			b.WriteByte(v[i])
		}
		return b.String()
	}
	return v
}

func (c *collector) atrList() (ATRList, *atr.KnownList) {
	l, err := c.knownList()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ATRList{}, nil // pcsc-tools not installed: cards stay unnamed, nothing broke
	case err != nil:
		return ATRList{Error: c.fail("known ATR list", err)}, nil
	}
	return ATRList{Installed: true, Entries: l.Len()}, l
}

// daemonInfo looks at pcscd from outside the PC/SC API; nil where the PC/SC service is
// not pcsc-lite's.
func (c *collector) daemonInfo(ctx context.Context) *Daemon {
	if c.goos == "windows" || c.goos == "darwin" {
		return nil
	}
	d := &Daemon{Socket: defaultSocket}
	if s := c.getenv(socketEnv); s != "" {
		d.Socket = s
		d.Notes = append(d.Notes, socketEnv+" is set")
	}

	pids, cmd, err := findProcesses(c.procDir, "pcscd")
	d.Running, d.PIDs, d.Command = len(pids) > 0, pids, cmd
	if err != nil {
		d.ProcessError = c.fail("pcscd process", err)
	}

	switch fi, err := os.Stat(d.Socket); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		d.SocketError = c.fail("pcscd socket", err)
	case fi.Mode().Type() != fs.ModeSocket:
		d.SocketError = c.fail("pcscd socket", fmt.Errorf("%s is not a socket (%v)", d.Socket, fi.Mode().Type()))
	default:
		d.SocketPresent = true
	}

	if bin := c.findBinary("pcscd"); bin == "" {
		d.VersionError = c.fail("pcscd version", fmt.Errorf("pcscd not found on PATH nor in %s", strings.Join(c.sbinDirs, ", ")))
	} else {
		out, err := c.run(ctx, bin, "--version")
		if line := firstLine(out); line != "" {
			d.Version = line
		} else {
			d.VersionError = c.fail("pcscd version", fmt.Errorf("running %s --version: %w", bin, errOr(err, "no output")))
		}
	}

	if bin, err := c.lookPath("dpkg-query"); err != nil {
		d.Notes = append(d.Notes, "dpkg-query not found: libpcsclite version not looked up")
	} else {
		out, err := c.run(ctx, bin, "-W", "libpcsclite1")
		text := strings.Join(strings.Fields(strings.ReplaceAll(string(out), "\n", "; ")), " ")
		if err != nil {
			d.LibraryError = c.fail("libpcsclite", fmt.Errorf("running dpkg-query -W libpcsclite1: %w: %s", err, text))
		} else {
			d.Library = strings.TrimSuffix(text, ";")
		}
	}
	return d
}

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}

// findBinary looks for name on PATH, then in the sbin directories that ordinary users
// often lack on their PATH.
func (c *collector) findBinary(name string) string {
	if p, err := c.lookPath(name); err == nil {
		return p
	}
	for _, dir := range c.sbinDirs {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// firstLine returns the first non-blank line of out, trimmed.
func firstLine(out []byte) string {
	for line := range strings.SplitSeq(string(out), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			return s
		}
	}
	return ""
}

// findProcesses returns the IDs of the processes whose name (/proc/PID/comm) is name,
// in order, and the command line of the first. Processes that end while being looked
// at, or that the user may not inspect, are skipped.
func findProcesses(procDir, name string) ([]int, string, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, "", fmt.Errorf("listing processes: %w", err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		comm, err := os.ReadFile(filepath.Join(procDir, e.Name(), "comm"))
		if err != nil || strings.TrimSpace(string(comm)) != name {
			continue
		}
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	if len(pids) == 0 {
		return nil, "", nil
	}
	cmdline, _ := os.ReadFile(filepath.Join(procDir, strconv.Itoa(pids[0]), "cmdline"))
	cmd := strings.Join(strings.FieldsFunc(string(cmdline), func(r rune) bool { return r == 0 }), " ")
	return pids, cmd, nil
}

// pcscInfo fills the service and reader sections through the PC/SC API.
func (c *collector) pcscInfo(ctx context.Context, today policy.Date) {
	svc := &c.b.Service
	pc, err := c.establish()
	if err != nil {
		svc.ConnectError = c.fail("PC/SC service", err)
		return
	}
	svc.Connected = true
	defer func() {
		if err := pc.Release(); err != nil {
			c.fail("PC/SC service", err)
		}
	}()
	names, err := pc.Readers()
	if err != nil {
		svc.ListError = c.fail("PC/SC readers", err)
		return
	}
	for _, n := range names {
		c.b.Readers = append(c.b.Readers, Reader{Name: n})
	}
	states := map[string]pcsc.ReaderState{}
	if st, err := pc.States(names); err != nil {
		stErr := c.fail("PC/SC reader states", err)
		for i := range c.b.Readers {
			c.b.Readers[i].StateError = stErr
		}
	} else {
		for _, s := range st {
			states[s.Reader] = s
		}
	}
	for i := range c.b.Readers {
		r := &c.b.Readers[i]
		st, ok := states[r.Name]
		if ok {
			r.State = stateOf(st)
		}
		if ok && st.Unknown {
			continue // gone since it was listed
		}
		r.Attributes = c.attributes(pc, r.Name)
		if !ok || !st.Present {
			continue
		}
		if err := ctx.Err(); err != nil {
			r.Card = &Card{ATR: atr.Hex(st.ATR).String(), Probe: Probe{Verdict: VerdictUnreadable,
				Error: c.fail("reader "+r.Name, fmt.Errorf("probing card: %w", err))}}
			continue
		}
		r.Card = c.card(pc, r.Name, st.ATR, today)
	}
}

func stateOf(s pcsc.ReaderState) *State {
	return &State{Present: s.Present, Empty: s.Empty, InUse: s.InUse, Exclusive: s.Exclusive,
		Mute: s.Mute, Unavailable: s.Unavailable, Unknown: s.Unknown}
}

// Reader attributes, with the names the bundle uses for them.
var attributeNames = []struct {
	id   pcsc.Attrib
	name string
}{
	{pcsc.AttrVendorName, "vendor_name"},
	{pcsc.AttrVendorIFDType, "ifd_type"},
	{pcsc.AttrVendorIFDVersion, "ifd_version"},
	{pcsc.AttrVendorIFDSerial, "ifd_serial"},
	{pcsc.AttrMaxInput, "max_input"},
}

// attributes reads the reader's attributes through a direct connection, which works
// with or without a card.
func (c *collector) attributes(pc *pcsc.Context, reader string) Attributes {
	var a Attributes
	k, err := pc.ConnectDirect(reader)
	if err != nil {
		a.Errors = append(a.Errors, c.fail("reader "+reader+" attributes", err))
		return a
	}
	defer k.Disconnect(false)
	for _, at := range attributeNames {
		raw, err := k.Attribute(at.id)
		switch {
		case errors.Is(err, pcsc.ErrUnsupported):
			a.Unsupported = append(a.Unsupported, at.name)
			continue
		case err != nil:
			a.Errors = append(a.Errors, c.fail("reader "+reader+" "+at.name, err))
			continue
		}
		if err := a.set(at.id, raw); err != nil {
			a.Errors = append(a.Errors, c.fail("reader "+reader+" "+at.name, err))
		}
	}
	return a
}

// set decodes one attribute value: strings up to their NUL, numbers as 32-bit values in
// host byte order (PC/SC part 3 gives DWORDs, which pcsc-lite and Windows pass as is).
func (a *Attributes) set(id pcsc.Attrib, raw []byte) error {
	switch id {
	case pcsc.AttrVendorName:
		a.VendorName = attrString(raw)
	case pcsc.AttrVendorIFDType:
		a.IFDType = attrString(raw)
	case pcsc.AttrVendorIFDSerial:
		a.IFDSerial = attrString(raw)
	case pcsc.AttrVendorIFDVersion, pcsc.AttrMaxInput:
		if len(raw) != 4 {
			return fmt.Errorf("decoding attribute: %d bytes, want 4", len(raw))
		}
		v := binary.NativeEndian.Uint32(raw)
		if id == pcsc.AttrMaxInput {
			a.MaxInput = int(v)
		} else {
			// 0xMMmmbbbb: major, minor, build (PC/SC part 3, SCARD_ATTR_VENDOR_IFD_VERSION).
			a.IFDVersion = fmt.Sprintf("%d.%d.%d", v>>24, v>>16&0xFF, v&0xFFFF)
		}
	}
	return nil
}

// attrString returns a driver's string attribute: up to the first NUL, printable ASCII
// only (anything else shown as '?'), so a broken driver cannot garble the report.
func attrString(raw []byte) string {
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	out := make([]byte, len(raw))
	for i, b := range raw {
		if b < 0x20 || b > 0x7E {
			b = '?'
		}
		out[i] = b
	}
	return strings.TrimSpace(string(out))
}

// card decodes a present card's ATR and reads it as an OMS policy.
func (c *collector) card(pc *pcsc.Context, reader string, atrBytes []byte, today policy.Date) *Card {
	out := probe.Read(pc, reader, probe.Options{Timeout: c.probeTimeout})
	if len(atrBytes) == 0 {
		atrBytes = out.ATR
	}
	card := &Card{ATR: atr.Hex(atrBytes).String()}
	c.describeATR(card, reader, atrBytes)
	card.Probe = c.probeResult(reader, out, today)
	return card
}

func (c *collector) describeATR(card *Card, reader string, raw []byte) {
	a, err := atr.Parse(raw)
	if err != nil {
		card.DecodeError = c.fail("reader "+reader+" ATR", err)
	} else {
		card.Decoded = summarise(a)
	}
	if c.known != nil && len(raw) > 0 {
		card.Known = c.known.Match(raw)
	}
}

func summarise(a *atr.ATR) *ATRSummary {
	s := &ATRSummary{Protocols: []string{}, Historical: a.Historical.String(),
		HistoricalASCII: a.HistoricalASCII, TCKValid: a.TCKValid, ExtendedLength: a.ExtendedLength}
	for _, p := range a.Protocols {
		s.Protocols = append(s.Protocols, "T="+strconv.Itoa(p))
	}
	return s
}

func (c *collector) probeResult(reader string, out probe.Outcome, today policy.Date) Probe {
	switch {
	case out.IsOMS():
		return Probe{Verdict: VerdictOMS, Policy: policyFacts(out.Result, today)}
	case errors.Is(out.Err, omscard.ErrNotOMSCard):
		return Probe{Verdict: VerdictNotOMS}
	}
	return Probe{Verdict: VerdictUnreadable,
		Error: c.fail("reader "+reader+" card", errOr(out.Err, "no result and no error"))}
}

// policyFacts keeps from a read only what says nothing about the holder: sizes, counts,
// the status verdict and the codes of the validation findings (their parameters hold
// the card's values and are dropped).
func policyFacts(r *omscard.Result, today policy.Date) *PolicyFacts {
	p := r.Policy
	f := &PolicyFacts{
		APDUs:              r.APDUs,
		OwnerRecordBytes:   len(r.OwnerFile),
		InsurerRecordBytes: len(r.InsurerFile),
		ViaRoot:            r.SelectedRoot,
		ExtendedRead:       r.Extended,
		Findings:           []Finding{},
	}
	if p == nil {
		return f
	}
	f.Status = string(p.Status(today))
	if p.Owner.Photo != nil {
		f.PhotoBytes = len(p.Owner.Photo.Data)
	}
	if p.Insurer != nil {
		f.InsurerFileID = fmt.Sprintf("%04X", p.InsurerFileID)
		// An OGRN names the insurance company; an OGRNIP (15 digits) would name a
		// person, and anything else may be anything: keep only a valid OGRN.
		if policy.ValidateOGRN(p.Insurer.OGRN) == nil {
			f.InsurerOGRN = p.Insurer.OGRN
		}
	}
	for _, fe := range p.Validate(today) {
		f.Findings = append(f.Findings, Finding{Field: fe.Field, Code: fe.Code})
	}
	for _, pr := range p.Owner.Problems {
		f.DecodeProblems = append(f.DecodeProblems, Problem{Record: "owner", Tag: pr.Tag.String(), Code: pr.Code})
	}
	if p.Insurer != nil {
		for _, pr := range p.Insurer.Problems {
			f.DecodeProblems = append(f.DecodeProblems, Problem{Record: "insurer", Tag: pr.Tag.String(), Code: pr.Code})
		}
	}
	return f
}
