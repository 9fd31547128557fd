// Command minimal-fyne is the baseline of scripts/gui-bench.sh: the smallest Fyne
// program (one window with one label), built with the module's Fyne, so that the first
// frame and the idle memory of omsdesk-gui can be compared with what Fyne itself costs
// on the same machine in the same run.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("ru.omsdesk.bench.minimal")
	w := a.NewWindow("minimal")
	w.SetContent(widget.NewLabel("Hello / Привет"))
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
}
