package technician

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// maxOpenSize bounds what DialogOpenFile reads: dumps are tens of kilobytes.
const maxOpenSize = 32 << 20

// DialogSaveFile returns a [Deps.SaveFile] that asks with Fyne's save dialog over w
// and writes the data to the file chosen.
func DialogSaveFile(w fyne.Window) func(suggested string, data []byte, done func(string, error)) {
	return func(suggested string, data []byte, done func(string, error)) {
		d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			switch {
			case err != nil:
				done("", err)
				return
			case wc == nil:
				done("", ErrCancelled)
				return
			}
			_, err = wc.Write(data)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				done("", fmt.Errorf("writing %s: %w", wc.URI().Path(), err))
				return
			}
			done(wc.URI().Path(), nil)
		}, w)
		d.SetFileName(suggested)
		d.Show()
	}
}

// DialogOpenFile returns a [Deps.OpenFile] that asks with Fyne's open dialog over w
// and reads the file chosen.
func DialogOpenFile(w fyne.Window) func(done func(name string, data []byte, err error)) {
	return func(done func(string, []byte, error)) {
		dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
			switch {
			case err != nil:
				done("", nil, err)
				return
			case rc == nil:
				done("", nil, ErrCancelled)
				return
			}
			defer rc.Close()
			name := rc.URI().Name()
			data, err := io.ReadAll(io.LimitReader(rc, maxOpenSize))
			if err != nil {
				done(name, nil, fmt.Errorf("reading %s: %w", rc.URI().Path(), err))
				return
			}
			done(name, data, nil)
		}, w).Show()
	}
}
