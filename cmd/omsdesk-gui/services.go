package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"sync"

	"fyne.io/fyne/v2"

	"omsdesk/app"
	"omsdesk/app/issuing"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/signing"
	"omsdesk/layout/printing"
)

// printer prints through CUPS on the printer of the preferences.
type printer struct{ prefs fyne.Preferences }

func (p printer) name() string { return p.prefs.String(app.PrefPrinter) }

// certificate prints an A4 certificate (the front desk's button).
func (p printer) certificate(ctx context.Context, queue string, pdf []byte) error {
	_, err := printing.Print(ctx, printing.Job{Printer: queue, PDF: pdf, Title: "omsdesk-certificate", Media: printing.MediaA4})
	return err
}

// issuance prints what the issuance mode asks for: card faces with the printer's
// profile (media, duplex), certificates on A4.
func (p printer) issuance(ctx context.Context, job issuing.PrintJob) error {
	queue := p.name()
	if queue == "" {
		return fmt.Errorf("printing: no printer chosen in the preferences: %w", printing.ErrUnknownPrinter)
	}
	pj := printing.Job{Printer: queue, PDF: job.PDF, Title: job.Title, Media: printing.MediaA4}
	if job.Kind == issuing.PrintFace {
		pj.Media = printing.MediaCard
		path := p.prefs.String(app.PrefPrinterProfiles)
		if path == "" {
			path, _ = printing.DefaultProfilePath()
		}
		if profiles, err := printing.LoadProfiles(path); err == nil {
			prof, _ := profiles.Get(queue)
			pj.Media, pj.Duplex = prof.Media, prof.Duplex
		}
	}
	_, err := printing.Print(ctx, pj)
	return err
}

func (p printer) list(ctx context.Context) ([]string, error) {
	ps, err := printing.Printers(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ps))
	for i, q := range ps {
		names[i] = q.Name
	}
	return names, nil
}

// issuers builds the issuance workflow's Issuer from the preferences: the registry, the
// signing key (opened once per spec and kept; its PIN comes from where the spec says,
// never from the preferences), the operator and workstation.
type issuers struct {
	prefs fyne.Preferences
	reg   *registryHandle
	cards *cards

	mu   sync.Mutex
	key  *signing.Key
	spec string
}

func (is *issuers) issuer(ctx context.Context) (*issuance.Issuer, error) {
	st, err := is.reg.Store(ctx)
	if err != nil {
		return nil, err
	}
	key, err := is.openKey()
	if err != nil {
		return nil, err
	}
	actor := "unknown"
	if u, err := user.Current(); err == nil {
		actor = u.Username
	}
	host, _ := os.Hostname()
	return &issuance.Issuer{Registry: st, Actor: actor, Workstation: host, Reader: is.cards.shell.CardReader(),
		Sign: func(in *policy.Insurer) error { return signing.SignRecord(key, in) }}, nil
}

func (is *issuers) openKey() (*signing.Key, error) {
	spec := is.prefs.String(app.PrefSigningKey)
	if spec == "" {
		spec = os.Getenv("OMSDESK_KEY")
	}
	if spec == "" {
		return nil, fmt.Errorf("opening signing key: %w", signing.ErrBadSpec)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.key != nil && is.spec == spec {
		return is.key, nil
	}
	key, err := signing.Open(spec)
	if err != nil {
		return nil, err
	}
	if is.key != nil {
		is.key.Close()
	}
	is.key, is.spec = key, spec
	return key, nil
}

func (is *issuers) close() {
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.key != nil {
		is.key.Close()
		is.key = nil
	}
}
