package registry

// CardStatus is the life-cycle state of one chip card.
type CardStatus string

// Card statuses. docs/registry.md draws the legal transitions.
const (
	// StatusPersonalising: the card is being written and is not yet read back,
	// compared and closed. A crash leaves cards here; the operator then activates,
	// spoils or voids them.
	StatusPersonalising CardStatus = "personalising"
	// StatusActive: issued and valid; at most one card per policy is active.
	StatusActive CardStatus = "active"
	// StatusReplaced: superseded by a newer card of the same policy (ReplacedBy).
	StatusReplaced CardStatus = "replaced"
	// StatusLost and StatusStolen: reported by the holder; the card must not be
	// accepted any more.
	StatusLost   CardStatus = "lost"
	StatusStolen CardStatus = "stolen"
	// StatusSpoiled: the blank or card is physically or electrically unusable (failed
	// write or compare, misprint, damage).
	StatusSpoiled CardStatus = "spoiled"
	// StatusVoided: cancelled by the office (issued in error, personalisation
	// abandoned).
	StatusVoided CardStatus = "voided"
)

// CardStatuses lists every status, in life-cycle order.
var CardStatuses = []CardStatus{
	StatusPersonalising, StatusActive, StatusReplaced, StatusLost, StatusStolen, StatusSpoiled, StatusVoided,
}

// cardTransitions is the table of legal status changes. StatusReplaced is absent as a
// target: a card becomes replaced only when its successor is activated, so the link to
// the successor can never be missing.
var cardTransitions = map[CardStatus][]CardStatus{
	StatusPersonalising: {StatusActive, StatusSpoiled, StatusVoided},
	StatusActive:        {StatusLost, StatusStolen, StatusSpoiled, StatusVoided},
	StatusLost:          {StatusStolen, StatusVoided},
	StatusStolen:        {StatusVoided},
}

// Valid reports whether s is one of the known statuses.
func (s CardStatus) Valid() bool {
	for _, v := range CardStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Terminal reports whether no status change can leave s.
func (s CardStatus) Terminal() bool { return len(cardTransitions[s]) == 0 }

// CanBecome reports whether a card in status s may be set to status to with
// [Cards.SetCardStatus].
func (s CardStatus) CanBecome(to CardStatus) bool {
	for _, v := range cardTransitions[s] {
		if v == to {
			return true
		}
	}
	return false
}

// itemTransitions is the table of legal batch item state changes: done is final
// because a card exists for it; failed and skipped items can be put back.
var itemTransitions = map[ItemState][]ItemState{
	ItemPending: {ItemDone, ItemFailed, ItemSkipped},
	ItemFailed:  {ItemPending, ItemDone, ItemFailed, ItemSkipped},
	ItemSkipped: {ItemPending},
}

// Valid reports whether s is one of the known item states.
func (s ItemState) Valid() bool {
	_, ok := itemTransitions[s]
	return ok || s == ItemDone
}

// CanBecome reports whether an item in state s may be set to state to.
func (s ItemState) CanBecome(to ItemState) bool {
	for _, v := range itemTransitions[s] {
		if v == to {
			return true
		}
	}
	return false
}
