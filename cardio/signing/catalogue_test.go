package signing

import (
	"testing"

	"omsdesk/assets/i18n"
)

// TestCatalogues: every error code has a text in both catalogues, and the English one is
// the package's own message, so the CLI and Error() say the same.
func TestCatalogues(t *testing.T) {
	en, ru := i18n.MustLoad(i18n.English), i18n.MustLoad(i18n.Russian)
	for code, msg := range messages {
		key := "signing.err." + code
		if !en.Has(key) || !ru.Has(key) {
			t.Errorf("%s is missing from a catalogue", key)
			continue
		}
		if got := en.T(key); got != msg {
			t.Errorf("%s: catalogue %q, package %q", key, got, msg)
		}
	}
	if !en.Has("signing.warn.development_only") || !ru.Has("signing.warn.development_only") {
		t.Error("no development-only warning")
	}
}
