// Command omsdesk-gui is OMS Desk's desktop application: insert a policy card and the
// holder's data appear; remove it and they are gone. With --virtual it shows the
// built-in virtual card, so it can be tried without a reader.
package main

import (
	"flag"
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"omsdesk/app"
	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
)

func main() {
	virtual := flag.Bool("virtual", false, "show the built-in virtual card instead of PC/SC readers / встроенная виртуальная карта вместо считывателей")
	reader := flag.String("reader", "", "only this reader (default: any) / только этот считыватель")
	lang := flag.String("lang", "", "ru or en (default from the locale) / язык: ru или en")
	flag.Parse()
	tr, err := i18n.Load(i18n.Detect(*lang))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var src cardsource.CardSource = cardsource.PCSCSource{Reader: *reader}
	if *virtual {
		src = cardsource.VirtualSource{}
	}
	a := fyneapp.NewWithID("ru.omsdesk.desk")
	app.NewMainWindow(a, tr, src).ShowAndRun()
}
