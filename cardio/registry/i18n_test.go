package registry

import (
	"regexp"
	"testing"

	"omsdesk/assets/i18n"
)

// TestMessagesTranslated: every problem code, card status and item state the CLI and
// GUI show has a text in both languages, using only the parameters Args provides.
func TestMessagesTranslated(t *testing.T) {
	codes := []ProblemCode{ProblemEdited, ProblemMoved, ProblemBrokenLink, ProblemDeleted, ProblemTimeOrder,
		ProblemSeqOrder, ProblemMalformed, ProblemTruncated, ProblemAnchorMismatch, ProblemAnchorMissing}
	var keys []string
	for _, c := range codes {
		keys = append(keys, JournalProblem{Code: c}.Key())
	}
	for _, s := range CardStatuses {
		keys = append(keys, "registry.status."+string(s))
	}
	for _, s := range []ItemState{ItemPending, ItemDone, ItemFailed, ItemSkipped} {
		keys = append(keys, "registry.item."+string(s))
	}
	args := JournalProblem{}.Args()
	placeholder := regexp.MustCompile(`\{([a-z_]+)\}`)
	for _, lang := range i18n.Languages {
		cat, err := i18n.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			if !cat.Has(k) {
				t.Errorf("%s: no text for %s", lang, k)
				continue
			}
			if i >= len(codes) {
				continue
			}
			text := cat.Format(k, args)
			if m := placeholder.FindString(text); m != "" {
				t.Errorf("%s: %s uses %s, which JournalProblem.Args does not give", lang, k, m)
			}
		}
	}
}
