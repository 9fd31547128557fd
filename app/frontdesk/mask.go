package frontdesk

import (
	"strings"

	"omsdesk/cardio/policy"
)

// MaskSNILS hides a SNILS but for its two check digits, in the printed form
// ("***-***-*** 64"), so a queue behind the desk cannot read it off the screen. A
// SNILS that does not normalise is hidden entirely.
func MaskSNILS(snils string) string {
	if snils == "" {
		return ""
	}
	digits, err := policy.NormalizeSNILS(snils)
	if err != nil || len(digits) != 11 {
		return strings.Repeat("*", len([]rune(snils)))
	}
	return "***-***-*** " + digits[9:]
}

// MaskENP hides a policy number but for its last four digits, the way the visit log
// shows it: enough for the desk to find a patient's line, not enough to copy the
// number from a glance at the screen.
func MaskENP(enp string) string {
	if len(enp) <= 4 {
		return enp
	}
	return strings.Repeat("•", len(enp)-4) + enp[len(enp)-4:]
}
