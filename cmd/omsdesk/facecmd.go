package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/signing"
	"omsdesk/cardio/verify"
	"omsdesk/layout/calibration"
	"omsdesk/layout/certificate"
	"omsdesk/layout/doc"
	"omsdesk/layout/face"
	"omsdesk/layout/printing"
	"omsdesk/layout/qr"
)

// printFlags are what face and certificate share: where the card comes from, who signs
// its QR code.
type printFlags struct {
	src     *cardSource
	key     string
	office  string
	force   bool
	trust   string
	created string
	serial  string // for cards whose chip has no serial (official cards): the printed blank number
}

func (c *cli) printFlagSet(fs *flag.FlagSet) *printFlags {
	f := &printFlags{src: c.sourceFlags(fs)}
	key := os.Getenv("OMSDESK_QR_KEY")
	if key == "" {
		key = os.Getenv("OMSDESK_KEY")
	}
	fs.StringVar(&f.key, "key", key, c.tr.T("print.flag.key"))
	fs.StringVar(&f.office, "office", "OMSDESK", c.tr.T("print.flag.office"))
	fs.BoolVar(&f.force, "force", false, c.tr.T("print.flag.force"))
	fs.StringVar(&f.trust, "trust", "", c.tr.T("cli.flag.trust"))
	fs.StringVar(&f.created, "today", "", c.tr.T("cli.flag.today"))
	fs.StringVar(&f.serial, "serial", "", c.tr.T("print.flag.serial"))
	return f
}

// printable is one card ready to be drawn: its policy as read, serial and QR text.
type printable struct {
	policy *policy.Policy
	serial string
	qr     string
}

// errUnverified means the card failed the integrity check: nothing is printed from
// data the chip does not vouch for.
var errUnverified = errors.New("card failed the integrity check")

// cardToPrint reads the card (or dump) and checks it first: a card that fails the
// integrity check — personalisation not closed, broken signature — is not printed
// unless --force says so.
func (c *cli) cardToPrint(f *printFlags, key *signing.Key) (*printable, int) {
	d, code := c.dumpToVerify(f.src)
	if code != exitOK {
		return nil, code
	}
	return c.printableOf(d, f, key)
}

func (c *cli) printableOf(d *dump.Dump, f *printFlags, key *signing.Key) (*printable, int) {
	opts := verify.Options{Today: policy.DateOf(c.now())}
	if f.trust != "" {
		ts, err := verify.LoadTrustStore(f.trust)
		if err != nil {
			return nil, c.fail(err)
		}
		opts.Trust = ts
	}
	if r := verify.Dump(d, opts); r.Verdict == verify.Fail && !f.force {
		return nil, c.fail(fmt.Errorf("%w: %s", errUnverified, strings.Join(r.Failed(), ", ")))
	}
	p, err := d.Policy()
	if err != nil {
		return nil, c.fail(err)
	}
	out := &printable{policy: p, serial: d.Serial}
	if out.serial == "" {
		out.serial = f.serial
	}
	if out.qr, err = qr.Sign(qr.FromPolicy(p, out.serial, f.office), key, key.Certificate); err != nil {
		return nil, c.fail(err)
	}
	return out, exitOK
}

// openQRKey opens the issuing office's key that signs the QR codes.
func (c *cli) openQRKey(f *printFlags) (*signing.Key, error) {
	if f.key == "" {
		return nil, errNoKey
	}
	k, err := signing.Open(f.key)
	if err != nil {
		return nil, err
	}
	if k.DevelopmentOnly {
		fmt.Fprintln(c.stderr, c.tr.T("signing.warn.development_only", "spec", k.Spec))
	}
	return k, nil
}

// face renders the card's front and back as a vector PDF (one page per side) or PNG.
func (c *cli) face(args []string) int {
	fs, lang := c.flags("face")
	f := c.printFlagSet(fs)
	side := fs.String("side", "both", c.tr.T("print.flag.side"))
	out := fs.String("o", "", c.tr.T("print.flag.output"))
	dpi := fs.Float64("dpi", 300, c.tr.T("print.flag.dpi"))
	bleed := fs.Float64("bleed", 0, c.tr.T("print.flag.bleed"))
	printer := fs.String("printer", "", c.tr.T("print.flag.printer_profile"))
	profileFile := fs.String("profile-file", "", c.tr.T("print.flag.profile_file"))
	sigImage := fs.String("signature-image", "", c.tr.T("print.flag.signature_image"))
	phone := fs.String("fund-phone", "8-800-000-00-00", c.tr.T("print.flag.fund_phone"))
	if !c.parse(fs, lang, args) || !c.setToday(f.created) {
		return exitUsage
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	if *out == "" || (format != "pdf" && format != "png") || (*side != "front" && *side != "back" && *side != "both") || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	adjust, err := c.adjustment(*printer, *profileFile)
	if err != nil {
		return c.fail(err)
	}
	key, err := c.openQRKey(f)
	if err != nil {
		return c.fail(err)
	}
	defer key.Close()
	card, code := c.cardToPrint(f, key)
	if code != exitOK {
		return code
	}
	data := face.Data{Policy: card.policy, CardSerial: card.serial, FundPhone: *phone, QRText: card.qr}
	if card.policy.Owner.Photo != nil {
		data.Photo = card.policy.Owner.Photo.Data
	}
	if *sigImage != "" {
		if data.SignatureImage, err = os.ReadFile(*sigImage); err != nil {
			return c.fail(err)
		}
	}
	front, back, err := face.Layout(data, c.tr, face.Options{Bleed: *bleed, Adjust: adjust})
	if err != nil {
		return c.fail(err)
	}
	pages := map[string][]*doc.Page{"front": {front}, "back": {back}, "both": {front, back}}[*side]
	if format == "pdf" {
		err = writeFile(*out, func(w io.Writer) error { return face.WritePDF(w, pages, c.tr, c.now()) })
	} else {
		for _, pg := range pages {
			name := *out
			if len(pages) > 1 {
				name = strings.TrimSuffix(*out, ".png") + "-" + pg.Name + ".png"
			}
			if err = writeFile(name, func(w io.Writer) error { return face.WritePNG(w, pg, *dpi) }); err != nil {
				break
			}
		}
	}
	if err != nil {
		return c.fail(err)
	}
	return exitOK
}

// adjustment is the printer's calibration from its profile, zero without a printer.
func (c *cli) adjustment(printer, profileFile string) (calibration.Adjustment, error) {
	if printer == "" {
		return calibration.Adjustment{}, nil
	}
	path := profileFile
	if path == "" {
		p, err := printing.DefaultProfilePath()
		if err != nil {
			return calibration.Adjustment{}, err
		}
		path = p
	}
	ps, err := printing.LoadProfiles(path)
	if err != nil {
		return calibration.Adjustment{}, err
	}
	prof, _ := ps.Get(printer)
	return prof.Adjustment, nil
}

// certificateCmd writes the A4 certificate of a card, or of many dumps into one PDF or
// one file each.
func (c *cli) certificateCmd(args []string) int {
	fs, lang := c.flags("certificate")
	f := c.printFlagSet(fs)
	out := fs.String("o", "", c.tr.T("print.flag.output"))
	each := fs.String("each", "", c.tr.T("print.flag.each"))
	if !c.parse(fs, lang, args) || !c.setToday(f.created) {
		return exitUsage
	}
	if (*out == "") == (*each == "") {
		fs.Usage()
		return exitUsage
	}
	key, err := c.openQRKey(f)
	if err != nil {
		return c.fail(err)
	}
	defer key.Close()
	var cards []*printable
	if fs.NArg() == 0 {
		card, code := c.cardToPrint(f, key)
		if code != exitOK {
			return code
		}
		cards = append(cards, card)
	}
	for _, path := range fs.Args() {
		in, err := os.Open(path)
		if err != nil {
			return c.fail(err)
		}
		d, err := dump.Load(in)
		in.Close()
		if err != nil {
			return c.fail(fmt.Errorf("%s: %w", path, err))
		}
		card, code := c.printableOf(d, f, key)
		if code != exitOK {
			return code
		}
		cards = append(cards, card)
	}
	batch := make([]certificate.Data, len(cards))
	for i, card := range cards {
		batch[i] = certificate.Data{Policy: card.policy, CardSerial: card.serial, QRTexts: []string{card.qr}, Office: f.office}
	}
	opts := certificate.Options{Created: c.now()}
	if *out != "" {
		err = writeFile(*out, func(w io.Writer) error { return certificate.Write(w, batch, c.tr, opts) })
	} else {
		err = certificate.WriteEach(batch, func(i int, d certificate.Data) (io.WriteCloser, error) {
			// Named by position and card serial, never by the holder's name or ENP:
			// file names end up in listings and backups.
			name := fmt.Sprintf("certificate-%04d", i+1)
			if d.CardSerial != "" {
				name += "-" + d.CardSerial
			}
			return os.Create(filepath.Join(*each, name+".pdf"))
		}, c.tr, opts)
	}
	if err != nil {
		return c.fail(err)
	}
	return exitOK
}

// classifyLayout maps the document errors to exit codes and message keys.
func classifyLayout(err error) (int, string, bool) {
	switch {
	case errors.Is(err, errUnverified):
		return exitFailedChecks, "print.err.unverified", true
	case errors.Is(err, face.ErrQRTooLarge), errors.Is(err, certificate.ErrQRTooLarge), errors.Is(err, face.ErrBadImage),
		errors.Is(err, certificate.ErrBadImage), errors.Is(err, face.ErrNoPolicy), errors.Is(err, face.ErrBadENP),
		errors.Is(err, face.ErrNoBirthDate), errors.Is(err, qr.ErrInvalidField):
		return exitFailure, "print.err.layout", true
	}
	return 0, "", false
}
