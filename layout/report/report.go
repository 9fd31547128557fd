// Package report renders the technician's integrity report of an OMS policy card
// (package cardio/verify) as an A4 PDF in Russian or English: the verdict in large
// type, the reader and ATR, a table of every check with its outcome and reason, and the
// signature and certificate details. A technician files or hands over the PDF where
// the text or JSON of `omsdesk verify` would be lost or misread.
//
// The report holds no personal data (verify keeps the holder's names, numbers and
// dates out of it), so neither does the PDF. Its texts come from the catalogues of
// package assets/i18n (verify.*, validate.*, report.*) and its fonts from package
// assets/fonts, so the same report renders the same on every machine.
package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"omsdesk/assets/fonts"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/verify"
)

// ErrNoReport is returned by Render when it is given no report or no catalogue.
var ErrNoReport = errors.New("nothing to render: report or catalogue is nil")

// Options tune a rendering.
type Options struct {
	// Created is when the report was made: the PDF's creation and modification date,
	// and the date printed in the report and its footer. The zero time means now;
	// tests fix it, which makes the output byte for byte reproducible.
	Created time.Time
	// Program names what made the report ("omsdesk 0.3.0"): the PDF's Creator and the
	// footer. Empty leaves it out.
	Program string
	// ReaderLabel, when set, is shown instead of Report.Reader: the CLI and GUI pass
	// their translated name of the built-in virtual card, whose Reader is a token.
	ReaderLabel string
}

// Page geometry in millimetres (the document unit). A4 is 210 × 297 mm.
const (
	margin       = 15.0 // left, right and top
	bottomMargin = 20.0 // leaves room for the footer
	footerY      = -13.0
	contentWidth = 210 - 2*margin

	bodySize = 9   // pt
	lineH    = 4.2 // mm per line of body text
	cellPad  = 0.9 // mm above and below the lines of a table cell

	// maxText caps every text taken from the report. The texts are short, but some
	// (certificate names, decoder errors) come from the card, which may hold anything.
	maxText = 2000

	// pagesAlias stands for the page count until fpdf knows it.
	pagesAlias = "{nb}"
)

// Widths of the table columns, summing to contentWidth.
const (
	statusW = 22.0
	checkW  = 60.0
	reasonW = contentWidth - statusW - checkW
	labelW  = 45.0
	valueW  = contentWidth - labelW
)

// rgb is a colour.
type rgb struct{ r, g, b int }

var (
	ink      = rgb{33, 37, 41}
	muted    = rgb{108, 117, 125}
	rule     = rgb{190, 195, 200}
	headFill = rgb{222, 226, 230}
	lblFill  = rgb{245, 246, 247}

	// Outcome colours: text and cell fill.
	passInk  = rgb{20, 108, 67}
	passFill = rgb{209, 231, 221}
	failInk  = rgb{176, 32, 45}
	failFill = rgb{248, 215, 218}
	naInk    = muted
	naFill   = rgb{233, 236, 239}
)

// Reason returns a check's reason in the catalogue's language. Field findings carry the
// validator's own code in Params["validate"], whose message the validate catalogue has;
// a passing field check says what was established (verify.ok.<check id>); every other
// reason is verify.reason.<code> with the check's parameters.
func Reason(tr *i18n.Catalog, c verify.Check) string {
	if v := c.Params["validate"]; v != "" {
		return tr.Format("validate."+v, c.Params)
	}
	if c.Code == "field_ok" {
		return tr.T("verify.ok." + c.ID)
	}
	return tr.Format("verify.reason."+c.Code, c.Params)
}

// Verdict returns the report's verdict in the catalogue's language: that every
// applicable check passed, or which checks failed.
func Verdict(tr *i18n.Catalog, r *verify.Report) string {
	if r.Verdict == verify.Pass {
		return tr.T("verify.verdict.pass")
	}
	var failed []string
	for _, id := range r.Failed() {
		failed = append(failed, tr.T("verify.check."+id))
	}
	return tr.T("verify.verdict.fail", "checks", strings.Join(failed, "; "))
}

// Render writes r as an A4 PDF to w, with the texts of tr.
func Render(w io.Writer, r *verify.Report, tr *i18n.Catalog, opts Options) error {
	if r == nil || tr == nil {
		return fmt.Errorf("rendering integrity report: %w", ErrNoReport)
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	opts.Program, opts.ReaderLabel = clean(opts.Program), clean(opts.ReaderLabel)
	d := newDoc(tr, opts)
	d.body(r)
	// fpdf errors are sticky: the first one stops all drawing and Output returns it.
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("rendering integrity report: %w", err)
	}
	return nil
}

// doc is a report being drawn.
type doc struct {
	pdf     *fpdf.Fpdf
	tr      *i18n.Catalog
	opts    Options
	bottom  float64 // lowest y a row may reach
	pageTop float64 // y where the current page's content starts
}

func newDoc(tr *i18n.Catalog, opts Options) *doc {
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	d := &doc{pdf: p, tr: tr, opts: opts}
	p.AddUTF8FontFromBytes(fonts.Family, "", fonts.Regular())
	p.AddUTF8FontFromBytes(fonts.Family, "B", fonts.Bold())
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, bottomMargin)
	_, h := p.GetPageSize()
	d.bottom = h - bottomMargin
	p.SetCreationDate(opts.Created)
	p.SetModificationDate(opts.Created)
	p.SetCatalogSort(true)
	p.SetTitle(tr.T("report.title"), true)
	if opts.Program != "" {
		p.SetCreator(opts.Program, true)
	}
	p.SetLang(tr.Lang)
	p.AliasNbPages(pagesAlias)
	p.SetFooterFunc(d.footer)
	return d
}

// body draws the whole report.
func (d *doc) body(r *verify.Report) {
	p, tr := d.pdf, d.tr
	d.newPage(nil)

	d.font(true, 17)
	d.color(ink)
	p.MultiCell(0, 8, tr.T("report.title"), "", "L", false)
	p.Ln(2)

	verdictInk := failInk
	if r.Verdict == verify.Pass {
		verdictInk = passInk
	}
	d.font(true, 14)
	d.color(verdictInk)
	p.MultiCell(0, 6.5, clean(Verdict(tr, r)), "", "L", false)
	var pass, fail, na int
	for _, c := range r.Checks {
		switch c.Status {
		case verify.Pass:
			pass++
		case verify.Fail:
			fail++
		default:
			na++
		}
	}
	d.font(false, bodySize)
	d.color(muted)
	p.MultiCell(0, lineH, tr.T("report.summary", "pass", strconv.Itoa(pass), "fail", strconv.Itoa(fail), "na", strconv.Itoa(na)), "", "L", false)
	p.Ln(3)

	reader := r.Reader
	if d.opts.ReaderLabel != "" {
		reader = d.opts.ReaderLabel
	}
	var info [][2]string
	if reader != "" {
		info = append(info, [2]string{tr.T("report.label.reader"), reader})
	}
	if r.ATR != "" {
		info = append(info, [2]string{tr.T("report.label.atr"), spacedHex(r.ATR)})
	}
	// The program is named in the footer of every page.
	info = append(info, [2]string{tr.T("report.label.created"), d.date()})
	d.pairs(info, false)

	d.heading(tr.T("report.section.checks"), 2*(lineH+2*cellPad)) // the table header and a row
	header := func() {
		d.row([]cell{
			{w: statusW, text: tr.T("report.column.status"), bold: true, align: "C", fill: &headFill, ink: ink},
			{w: checkW, text: tr.T("report.column.check"), bold: true, fill: &headFill, ink: ink},
			{w: reasonW, text: tr.T("report.column.reason"), bold: true, fill: &headFill, ink: ink},
		}, true, nil)
	}
	header()
	for _, c := range r.Checks {
		st, fill := naInk, &naFill
		switch c.Status {
		case verify.Pass:
			st, fill = passInk, &passFill
		case verify.Fail:
			st, fill = failInk, &failFill
		}
		d.row([]cell{
			{w: statusW, text: tr.T("verify.status." + string(c.Status)), bold: true, align: "C", fill: fill, ink: st},
			{w: checkW, text: tr.T("verify.check." + c.ID), ink: ink},
			{w: reasonW, text: Reason(tr, c), ink: ink},
		}, true, header)
	}

	if s := r.Signature; s != nil {
		d.section(tr.T("report.section.signature"), [][2]string{
			{tr.T("report.signature.algorithm"), s.Algorithm},
			{tr.T("report.signature.signed_bytes"), s.SignedBytes},
			{tr.T("report.signature.layout"), s.Layout},
		})
	}
	if c := r.Certificate; c != nil {
		d.section(tr.T("report.section.certificate"), [][2]string{
			{tr.T("report.certificate.subject"), c.Subject},
			{tr.T("report.certificate.issuer"), c.Issuer},
			{tr.T("report.certificate.not_before"), c.NotBefore},
			{tr.T("report.certificate.not_after"), c.NotAfter},
			{tr.T("report.certificate.key_algorithm"), c.KeyAlgorithm},
			{tr.T("report.certificate.serial"), c.Serial},
		})
	}
}

// footer draws who made the report and when, and the page number, on every page.
func (d *doc) footer() {
	p := d.pdf
	p.SetY(footerY)
	w, _ := p.GetPageSize()
	d.line(rule, 0.2)
	p.Line(margin, p.GetY(), w-margin, p.GetY())
	p.Ln(1)
	d.font(false, 7.5)
	d.color(muted)
	made := d.tr.T("report.footer_date", "date", d.date())
	if d.opts.Program != "" {
		made = d.tr.T("report.footer", "program", d.opts.Program, "date", d.date())
	}
	// The page text is aligned as if the count were the alias; the few tenths of a
	// millimetre that differ are not worth a second rendering.
	page := d.tr.T("report.page", "page", strconv.Itoa(p.PageNo()), "pages", pagesAlias)
	p.CellFormat(contentWidth*0.7, 4, made, "", 0, "L", false, 0, "")
	p.CellFormat(contentWidth*0.3, 4, page, "", 0, "R", false, 0, "")
}

// section draws a titled table of labelled values, kept on one page when it fits on
// one.
func (d *doc) section(title string, rows [][2]string) {
	var h float64
	for _, kv := range rows {
		h += d.rowHeight([]cell{{w: labelW, text: kv[0]}, {w: valueW, text: kv[1]}})
	}
	d.heading(title, min(h, (d.bottom-margin)/3))
	d.pairs(rows, true)
}

// heading starts a section, on a new page when its title and the first keep
// millimetres under it would not fit on this one.
func (d *doc) heading(title string, keep float64) {
	p := d.pdf
	const titleH = 7
	p.Ln(3.5)
	if p.GetY()+titleH+keep > d.bottom {
		d.newPage(nil)
	}
	d.font(true, 12)
	d.color(ink)
	p.CellFormat(0, 6.5, clean(title), "", 1, "L", false, 0, "")
	p.Ln(0.5)
}

// pairs draws labelled values, as a framed table when framed is set.
func (d *doc) pairs(rows [][2]string, framed bool) {
	for _, kv := range rows {
		lbl := cell{w: labelW, text: kv[0], ink: muted}
		if framed {
			lbl.fill = &lblFill
		}
		d.row([]cell{lbl, {w: valueW, text: kv[1], ink: ink}}, framed, nil)
	}
}

// cell is one cell of a table row.
type cell struct {
	w     float64
	text  string
	bold  bool
	align string // "L" (default), "C" or "R"
	fill  *rgb   // nil leaves the background white
	ink   rgb
}

// rowHeight is the height of a row of cells that fits on the page.
func (d *doc) rowHeight(cells []cell) float64 {
	n := 1
	for _, c := range cells {
		d.font(c.bold, bodySize)
		n = max(n, len(d.pdf.SplitText(clean(c.text), c.w)))
	}
	return float64(n)*lineH + 2*cellPad
}

// row draws one table row, wrapping each cell's text to its width. A row that does not
// fit below goes to the next page whole, after repeat (the table's header, if any); a
// row taller than a whole page is split across pages, so no text ever runs past the
// page or the cell.
func (d *doc) row(cells []cell, framed bool, repeat func()) {
	p := d.pdf
	lines := make([][]string, len(cells))
	total := 1
	for i, c := range cells {
		d.font(c.bold, bodySize)
		lines[i] = p.SplitText(clean(c.text), c.w)
		total = max(total, len(lines[i]))
	}
	height := func(n int) float64 { return float64(n)*lineH + 2*cellPad }
	for done := 0; done < total; {
		y := p.GetY()
		fit := int(math.Floor((d.bottom - y - 2*cellPad - 0.01) / lineH))
		rest := total - done
		atTop := math.Abs(y-d.pageTop) < 0.01
		if !atTop && (fit < 1 || (fit < rest && height(rest) <= d.bottom-d.pageTop)) {
			d.newPage(repeat)
			continue
		}
		n := min(max(fit, 1), rest)
		x := margin
		for i, c := range cells {
			style := ""
			if c.fill != nil {
				p.SetFillColor(c.fill.r, c.fill.g, c.fill.b)
				style = "F"
			}
			if framed {
				d.line(rule, 0.2)
				style += "D"
			}
			if style != "" {
				p.Rect(x, y, c.w, height(n), style)
			}
			d.font(c.bold, bodySize)
			d.color(c.ink)
			align := c.align
			if align == "" {
				align = "L"
			}
			for k := done; k < done+n && k < len(lines[i]); k++ {
				p.SetXY(x, y+cellPad+float64(k-done)*lineH)
				p.CellFormat(c.w, lineH, lines[i][k], "", 0, align, false, 0, "")
			}
			x += c.w
		}
		p.SetXY(margin, y+height(n))
		done += n
		if done < total {
			d.newPage(repeat)
		}
	}
}

// newPage starts a page and draws repeat (a table header) at its top.
func (d *doc) newPage(repeat func()) {
	d.pdf.AddPage()
	d.pageTop = d.pdf.GetY()
	if repeat != nil {
		repeat()
		d.pageTop = d.pdf.GetY()
	}
}

func (d *doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont(fonts.Family, style, size)
}

func (d *doc) color(c rgb) { d.pdf.SetTextColor(c.r, c.g, c.b) }

func (d *doc) line(c rgb, width float64) {
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(width)
}

// date is Options.Created as people of the report's language write it.
func (d *doc) date() string {
	if d.tr.Lang == i18n.Russian {
		return d.opts.Created.Format("02.01.2006 15:04")
	}
	return d.opts.Created.Format("2006-01-02 15:04")
}

// clean makes a text from the report safe to draw: invalid UTF-8 and characters beyond
// the Basic Multilingual Plane (which fpdf cannot map and panics on) become U+FFFD,
// line breaks, tabs and other control characters become spaces, runs of spaces one
// space, and the text is cut at maxText characters.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r > 0xFFFF:
			return utf8.RuneError
		case unicode.IsControl(r) || unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxText {
		s = string([]rune(s)[:maxText]) + "…"
	}
	return s
}

// spacedHex writes hex digits in pairs, "3BF713" as "3B F7 13"; anything else is
// returned as it is.
func spacedHex(h string) string {
	if len(h)%2 != 0 {
		return h
	}
	for _, r := range h {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return h
		}
	}
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToUpper(h[i : i+2]))
	}
	return b.String()
}
