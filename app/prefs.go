package app

import (
	regsqlite "omsdesk/cardio/registry/sqlite"

	"fyne.io/fyne/v2"
)

// Preference keys: the user's settings, kept by Fyne's preferences (on Linux in
// ~/.config/fyne/ru.omsdesk.desk/preferences.json). Run-time flags of cmd/omsdesk-gui
// override them for one run without changing them.
const (
	// PrefLanguage is the interface language, "ru" or "en"; "" follows the locale. It
	// takes effect at the next start.
	PrefLanguage = "language"
	// PrefMode is the ID of the mode shown last ("frontdesk", "issuance", "technician");
	// the window opens on it.
	PrefMode = "mode"
	// PrefReader is the PC/SC reader followed; "" follows every reader (automatic).
	PrefReader = "reader"
	// PrefRegistry is the registry file; "" means DefaultRegistryPath() (the CLI's
	// default too). It takes effect at the next start.
	PrefRegistry = "registry"
	// PrefPrinter is the CUPS queue certificates and card faces are printed on.
	PrefPrinter = "printer"
	// PrefPrinterProfiles is the printer profiles file (calibration, media); "" means
	// printing.DefaultProfilePath().
	PrefPrinterProfiles = "printer_profiles"
	// PrefLargeText turns on the large-text layout of the front desk.
	PrefLargeText = "large_text"
	// PrefSigningKey is the spec of the insurer record signing key used for issuance
	// ("pkcs11:…", or "pem:…" for development; docs/signing.md). Never a PIN: the
	// token's PIN is asked for when it is needed.
	PrefSigningKey = "signing_key"
)

// Settings are the preferences as one value.
type Settings struct {
	Language        string
	Mode            string
	Reader          string
	Registry        string
	Printer         string
	PrinterProfiles string
	LargeText       bool
	SigningKey      string
}

// LoadSettings reads the settings from p.
func LoadSettings(p fyne.Preferences) Settings {
	return Settings{
		Language:        p.String(PrefLanguage),
		Mode:            p.String(PrefMode),
		Reader:          p.String(PrefReader),
		Registry:        p.String(PrefRegistry),
		Printer:         p.String(PrefPrinter),
		PrinterProfiles: p.String(PrefPrinterProfiles),
		LargeText:       p.Bool(PrefLargeText),
		SigningKey:      p.String(PrefSigningKey),
	}
}

// Save writes every setting to p.
func (s Settings) Save(p fyne.Preferences) {
	p.SetString(PrefLanguage, s.Language)
	p.SetString(PrefMode, s.Mode)
	p.SetString(PrefReader, s.Reader)
	p.SetString(PrefRegistry, s.Registry)
	p.SetString(PrefPrinter, s.Printer)
	p.SetString(PrefPrinterProfiles, s.PrinterProfiles)
	p.SetBool(PrefLargeText, s.LargeText)
	p.SetString(PrefSigningKey, s.SigningKey)
}

// RegistryPath is the registry file the settings name, or the default.
func (s Settings) RegistryPath() string {
	if s.Registry != "" {
		return s.Registry
	}
	return DefaultRegistryPath()
}

// DefaultRegistryPath is where the registry lives unless the preferences say otherwise
// — the same file the omsdesk CLI uses by default.
func DefaultRegistryPath() string { return regsqlite.DefaultPath() }
