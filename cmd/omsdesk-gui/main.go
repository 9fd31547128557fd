// Command omsdesk-gui is OMS Desk's desktop application for the three desks: the
// clinic front desk (insert a policy card, see who it belongs to and whether it is
// valid), issuance (write and print cards) and the technician's tools. Preferences are
// kept by Fyne (see package app for the keys); the flags override them for one run.
//
//	omsdesk-gui [--virtual] [--reader NAME] [--lang ru|en] [--registry FILE]
//
// With --virtual it starts with the built-in virtual card, so it can be tried without a
// reader; without a reader it offers the same in the status bar.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"omsdesk/app"
	"omsdesk/app/frontdesk"
	"omsdesk/app/issuing"
	"omsdesk/app/technician"
	"omsdesk/assets/i18n"
	"omsdesk/cardio"
	"omsdesk/cardio/diag"
)

// appID is the application ID of FyneApp.toml; the preferences are stored under it.
const appID = "ru.omsdesk.desk"

func main() {
	trace := newTracer(time.Now()) // nil unless OMSDESK_GUI_TRACE=1 (trace.go)
	virtual := flag.Bool("virtual", false, "start with the built-in virtual card instead of PC/SC readers / встроенная виртуальная карта вместо считывателей")
	reader := flag.String("reader", "", "follow only this reader for this run (default: the preferences) / только этот считыватель")
	lang := flag.String("lang", "", "ru or en for this run (default: the preferences, then the locale) / язык: ru или en")
	registryPath := flag.String("registry", "", "registry file for this run (default: the preferences) / файл реестра")
	flag.Parse()

	a := fyneapp.NewWithID(appID)
	settings := app.LoadSettings(a.Preferences())
	choice := *lang
	if choice == "" {
		choice = settings.Language
	}
	tr, err := i18n.Load(i18n.Detect(choice))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	followed := settings.Reader
	if *reader != "" {
		followed = *reader
	}
	regFile := settings.RegistryPath()
	if *registryPath != "" {
		regFile = *registryPath
	}

	w := a.NewWindow(tr.T("app.title"))
	reg := openRegistryLater(regFile)
	defer reg.Close()
	prn := printer{prefs: a.Preferences()}
	cs := &cards{}
	iss := &issuers{prefs: a.Preferences(), reg: reg}
	defer iss.close()
	program := "omsdesk-gui " + a.Metadata().Version

	front := frontdesk.New(frontdesk.Deps{
		Tr: tr, Registry: reg, Window: w, Printer: prn.name, Print: prn.certificate,
		LargeText: settings.LargeText, Background: trace.background(),
	})
	issue := issuing.New(issuing.Deps{
		Tr: tr, Window: w, Issuer: iss.issuer,
		Card:     func(ctx context.Context) (cardio.Transport, func(), error) { return cs.issuanceCard(ctx) },
		PINs:     issuing.PINDialog(w, tr),
		Renderer: issuing.LayoutRenderer{Tr: tr},
		Print:    prn.issuance,
		Feeder:   feeder{c: cs},
	})
	tech := technician.New(technician.Deps{
		Tr: tr, Window: w, Program: program,
		ReadCard: func(ctx context.Context, reader string) (*technician.CardRead, error) {
			return cs.technicianRead(ctx, reader)
		},
		Diagnose: func(ctx context.Context) *diag.Bundle {
			return diag.Collect(ctx, diag.Options{Program: program})
		},
		SaveFile: technician.DialogSaveFile(w),
		OpenFile: technician.DialogOpenFile(w),
	})

	shell := app.NewShell(a, app.Config{
		Tr: tr, Prefs: a.Preferences(), Window: w,
		Modes:        []app.Mode{trace.mode(front), issue, tech},
		Reader:       followed,
		StartVirtual: *virtual,
		Printers:     prn.list,
		OnSettings: func(_, now app.Settings) {
			front.SetLargeText(now.LargeText)
		},
	})
	cs.shell = shell
	trace.watch(w)
	iss.cards = cs
	shell.Start()
	w.SetMaster()
	trace.mark("ui-built")
	w.ShowAndRun()
}
