package issuing

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	regsqlite "omsdesk/cardio/registry/sqlite"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify/verifytest"
)

// testDay is the fixed "today" of these tests.
var testDay = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const transportPIN = "12345678"

var testPINs = personalise.PINs{Issuer: transportPIN, Holder: "2468"}

// blankUpdate is what the card source reports for a blank card: no OMS application.
var blankUpdate = cardsource.Update{State: cardsource.StateError, Reader: "virtual", Err: omscard.ErrNotOMSCard}

// fixture is a screen wired to in-process services: a SQLite registry in a temporary
// directory, an in-memory ECDSA signer, the card of the moment, PINs from a func.
type fixture struct {
	t      *testing.T
	tr     *i18n.Catalog
	store  *regsqlite.Store
	signer verifytest.Signer
	s      *Screen
	w      fyne.Window
	jobs   chan struct{}

	mu      sync.Mutex
	card    cardio.Transport
	printed []PrintJob
	pinAsks []PINRequest
	feeder  issuance.Feeder
}

func newFixture(t *testing.T, lang string) *fixture {
	t.Helper()
	test.NewTempApp(t)
	store, err := regsqlite.Open(context.Background(), filepath.Join(t.TempDir(), "registry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, tr: i18n.MustLoad(lang), store: store, signer: verifytest.NewSigner(t, "Synthetic insurer"),
		jobs: make(chan struct{}, 64)}
	now := func() time.Time { return testDay }
	d := Deps{
		Tr:  f.tr,
		Now: now,
		Issuer: func(context.Context) (*issuance.Issuer, error) {
			return &issuance.Issuer{Registry: store, Actor: "operator-1", Workstation: "desk-1", Reader: "virtual", Now: now,
				Sign: f.sign}, nil
		},
		Card: func(context.Context) (cardio.Transport, func(), error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.card == nil {
				return nil, nil, fmt.Errorf("no card")
			}
			return f.card, func() {}, nil
		},
		PINs: func(_ context.Context, need PINRequest) (personalise.PINs, error) {
			f.mu.Lock()
			f.pinAsks = append(f.pinAsks, need)
			f.mu.Unlock()
			return testPINs, nil
		},
		Renderer: LayoutRenderer{Tr: f.tr, Office: "Synthetic office", Now: now},
		Print: func(_ context.Context, job PrintJob) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.printed = append(f.printed, job)
			return nil
		},
		Feeder: FeederFunc(func(ctx context.Context, row int) (cardio.Transport, func(), error) {
			return f.feeder.Next(ctx, row)
		}),
	}
	f.s = New(d)
	f.s.jobDone = func() { f.jobs <- struct{}{} }
	f.w = test.NewWindow(f.s.Object())
	f.w.Resize(fyne.NewSize(1400, 1000))
	t.Cleanup(f.w.Close)
	return f
}

// sign is the office's signer: ECDSA P-256 over the unsigned record, as
// verifytest.Signer.Sign does, without a *testing.T (it runs off the test goroutine).
func (f *fixture) sign(in *policy.Insurer) error {
	in.Signature = nil
	digest := sha256.Sum256(in.EncodeUnsigned())
	sig, err := ecdsa.SignASN1(rand.Reader, f.signer.Key, digest[:])
	if err != nil {
		return err
	}
	in.Signature = &policy.Signature{Value: sig, Certificate: f.signer.Cert}
	return nil
}

func (f *fixture) setCard(t cardio.Transport) {
	f.mu.Lock()
	f.card = t
	f.mu.Unlock()
}

// wait blocks until n background jobs have finished.
func (f *fixture) wait(n int) {
	f.t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-f.jobs:
		case <-time.After(30 * time.Second):
			f.t.Fatal("background job did not finish")
		}
	}
}

// blank makes a blank card of the issuance profile with a serial derived from n.
func blank(n int, faults vcard.Faults) *vcard.Card {
	return vcard.NewBlank(vcard.BlankOptions{Serial: fmt.Sprintf("8970100000000000%04d", n), IssuerPIN: transportPIN, Faults: faults})
}

// enp makes a valid policy number from n.
func enp(t *testing.T, n int) string {
	t.Helper()
	body := fmt.Sprintf("770000000%06d", n)
	d, err := policy.ENPCheckDigit(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(d)
}

// photoPNG is a synthetic portrait larger than the chip's photo.
func photoPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fillAdult types a valid adult holder into the form and imports a photo.
func (f *fixture) fillAdult(t *testing.T, number string) {
	t.Helper()
	for field, v := range map[string]string{
		fSurname: "Сидоров", fFirstName: "Пётр", fPatronymic: "Ильич", fBirthDate: "15.03.1985",
		fENP: number, fSNILS: "112-233-445 95", fBirthPlace: "г. Казань",
		fOGRN: "1027700000008", fOKATO: "45000", fStart: "01.11.2026",
	} {
		f.s.single.entries[field].SetText(v)
	}
	f.s.single.sex.SetSelectedIndex(0)
	f.s.single.importPhoto(photoPNG(t, 400, 500))
	f.wait(1)
}

// visibleText collects the text of every visible label and button under o, through
// containers and the renderers of composite widgets (scrolls, splits, tabs).
func visibleText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *widget.Entry, *widget.Select, *widget.Table:
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// shown is the visible text of the whole screen.
func (f *fixture) shown() string { return visibleText(f.s.Object()) }
