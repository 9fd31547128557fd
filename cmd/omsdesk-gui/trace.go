package main

import (
	"fmt"
	"image"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"omsdesk/app"
	"omsdesk/app/cardsource"
)

// traceEnv turns on the timing trace that scripts/gui-bench.sh reads: with
// OMSDESK_GUI_TRACE=1 the program prints one line on standard error for each of these
// moments (docs/gui.md), and nothing else changes. Off by default; no personal data.
//
//	omsdesk-gui trace: EVENT unix_ns=… main_ms=…
//
//	ui-built              the window is built; the GL driver starts next
//	first-frame           the first frame was painted
//	card-reading          the front desk got "reading" (the source saw the card)
//	card-read             the front desk got the card's data (holder on screen next)
//	card-read-painted     the frame showing the holder was painted
//	card-verdict          the front desk got the registry's verdict
//	card-verdict-painted  the frame showing the verdict was painted: the screen is filled
//
// unix_ns is the wall clock (to compare with the moment a benchmark started the process
// or inserted a card), main_ms the time since main began.
const traceEnv = "OMSDESK_GUI_TRACE"

// tracer marks the moments above. A painted frame is noticed through a 1×1 transparent
// raster on top of the window: the GL painter calls its generator while it paints the
// first frame that shows it, and again in the first frame after it was refreshed, just
// before that frame is swapped onto the screen.
type tracer struct {
	start  time.Time
	out    io.Writer
	marker *canvas.Raster
	// Fyne paints on the goroutine that runs fyne.Do's functions, where these are set.
	pending      []string     // events the next painted marker frame stands for
	awaitVerdict bool         // a card was read; its verdict is the next background result
	do           func(func()) // fyne.Do; tests run the UI functions themselves
}

// newTracer returns the tracer when traceEnv asks for it, else nil (every method of a
// nil tracer does nothing).
func newTracer(start time.Time) *tracer {
	if os.Getenv(traceEnv) != "1" {
		return nil
	}
	return &tracer{start: start, out: os.Stderr, pending: []string{"first-frame"}, do: fyne.Do}
}

func (t *tracer) mark(event string) {
	if t == nil {
		return
	}
	now := time.Now()
	fmt.Fprintf(t.out, "omsdesk-gui trace: %s unix_ns=%d main_ms=%.1f\n", event, now.UnixNano(), float64(now.Sub(t.start).Microseconds())/1000)
}

// markPainted marks event when the next frame has been painted.
func (t *tracer) markPainted(event string) {
	t.pending = append(t.pending, event)
	t.marker.Refresh()
}

// watch puts the marker on top of the window's content (once the app exists: Fyne
// objects complain when built before it). Call it before the window is shown.
func (t *tracer) watch(w fyne.Window) {
	if t == nil {
		return
	}
	t.marker = canvas.NewRaster(func(_, _ int) image.Image {
		for _, e := range t.pending {
			t.mark(e)
		}
		t.pending = t.pending[:0]
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	t.marker.Resize(fyne.NewSize(1, 1))
	w.SetContent(container.NewStack(w.Content(), container.NewWithoutLayout(t.marker)))
}

// mode wraps the front desk so that its card updates are marked.
func (t *tracer) mode(m app.Mode) app.Mode {
	if t == nil {
		return m
	}
	return tracedMode{Mode: m, t: t}
}

type tracedMode struct {
	app.Mode
	t *tracer
}

func (m tracedMode) ApplyCard(u cardsource.Update) {
	m.Mode.ApplyCard(u)
	switch u.State {
	case cardsource.StateReading:
		m.t.mark("card-reading")
	case cardsource.StateRead:
		m.t.mark("card-read")
		m.t.markPainted("card-read-painted")
		m.t.awaitVerdict = true
	default:
		m.t.awaitVerdict = false
	}
}

// background is the front desk's Deps.Background (nil: its default) that marks the
// registry verdict of a card read: the first background result after the card.
func (t *tracer) background() func(work func() func()) {
	if t == nil {
		return nil
	}
	return func(work func() func()) {
		go func() {
			ui := work()
			t.do(func() {
				ui()
				if t.awaitVerdict {
					t.awaitVerdict = false
					t.mark("card-verdict")
					t.markPainted("card-verdict-painted")
				}
			})
		}()
	}
}
