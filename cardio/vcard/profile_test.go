package vcard

import (
	"strings"
	"testing"
)

// Card states the table tests start from; each starts powered afresh (MF selected, no
// PIN verified).
const (
	blank        = "blank"
	personalised = "personalised" // everything written, not activated
	activated    = "activated"
)

func cardIn(t *testing.T, state string) *Card {
	t.Helper()
	c := NewBlank(BlankOptions{Serial: "12345678901234567890"})
	switch state {
	case personalised:
		runSteps(t, c, personalisation(t, SamplePolicy(0), false))
	case activated:
		runSteps(t, c, personalisation(t, SamplePolicy(0), true))
	}
	c.Reset()
	return c
}

// TestProfileCommands checks every writing command of the profile and each refusal's
// status word, from the card states a personalisation passes through.
func TestProfileCommands(t *testing.T) {
	issuer := verifyCmd(t, PINIssuer, DefaultIssuerPIN)
	holder := verifyCmd(t, PINHolder, testHolderPIN)
	wrongIssuer := verifyCmd(t, PINIssuer, "87654321")
	newHolder := pinHex(t, "13579")
	tests := []struct {
		name, state string
		steps       []step
	}{
		// VERIFY
		{"verify issuer", blank, []step{{issuer, "9000"}, {"00200001", "9000"}}},
		{"verify with no data before", blank, []step{{"00200001", "63C3"}}},
		{"wrong issuer PIN down to blocked", blank, []step{
			{wrongIssuer, "63C2"}, {wrongIssuer, "63C1"}, {"00200001", "63C1"}, {wrongIssuer, "63C0"},
			{issuer, "6983"}, {"00200001", "6983"}, {wrongIssuer, "6983"},
		}},
		{"right PIN restores the counter", blank, []step{{wrongIssuer, "63C2"}, {issuer, "9000"}, {wrongIssuer, "63C2"}, {"00200001", "63C2"}}},
		{"malformed PIN block counts as wrong", blank, []step{{"002000010831323334FF35FFFF", "63C2"}}},
		{"holder PIN not set", blank, []step{{holder, "6984"}, {"00200002", "6984"}}},
		{"unknown PIN reference", blank, []step{{verifyCmd(t, 0x03, "1234"), "6A88"}}},
		{"VERIFY with P1", blank, []step{{"0020010108" + hexOf(pinHex(t, "12345678")), "6A86"}}},
		{"VERIFY with short data", blank, []step{{"002000010431323334", "6700"}}},
		// CHANGE REFERENCE DATA
		{"office replaces the transport PIN", blank, []step{
			{cmdHex(0x24, 0, PINIssuer, append(pinHex(t, DefaultIssuerPIN), pinHex(t, "9753")...)), "9000"},
			{"00200001", "9000"}, {issuer, "63C2"}, {verifyCmd(t, PINIssuer, "9753"), "9000"},
		}},
		{"change with the wrong old PIN", blank, []step{
			{cmdHex(0x24, 0, PINIssuer, append(pinHex(t, "1111"), pinHex(t, "9753")...)), "63C2"},
		}},
		{"change to a malformed PIN costs no try", blank, []step{
			{cmdHex(0x24, 0, PINIssuer, append(pinHex(t, DefaultIssuerPIN), []byte("12FFFFFFFFFFFFFF")[:8]...)), "6A80"},
			{"00200001", "63C3"},
		}},
		{"change with the wrong length", blank, []step{{cmdHex(0x24, 0, PINIssuer, pinHex(t, "1234")), "6700"}}},
		{"holder changes his PIN", activated, []step{
			{cmdHex(0x24, 0, PINHolder, append(pinHex(t, testHolderPIN), newHolder...)), "9000"},
			{holder, "63C2"}, {cmdHex(0x20, 0, PINHolder, newHolder), "9000"},
		}},
		{"set holder PIN needs the issuer PIN", blank, []step{{cmdHex(0x24, 1, PINHolder, newHolder), "6982"}}},
		{"set holder PIN", blank, []step{{issuer, "9000"}, {cmdHex(0x24, 1, PINHolder, newHolder), "9000"}, {"00200002", "63C3"}, {cmdHex(0x20, 0, PINHolder, newHolder), "9000"}}},
		{"set issuer PIN without the old one", blank, []step{{issuer, "9000"}, {cmdHex(0x24, 1, PINIssuer, newHolder), "6A86"}}},
		{"set malformed holder PIN", blank, []step{{issuer, "9000"}, {cmdHex(0x24, 1, PINHolder, []byte("12\xFF\xFF\xFF\xFF\xFF\xFF")), "6A80"}}},
		{"set holder PIN after activation", activated, []step{{issuer, "9000"}, {cmdHex(0x24, 1, PINHolder, newHolder), "6985"}}},
		{"CHANGE REFERENCE DATA with P1=02", blank, []step{{cmdHex(0x24, 2, PINHolder, newHolder), "6A86"}}},
		// RESET RETRY COUNTER
		{"holder PIN blocked and reset with a new one", activated, []step{
			{verifyCmd(t, PINHolder, "0000"), "63C2"}, {verifyCmd(t, PINHolder, "0000"), "63C1"}, {verifyCmd(t, PINHolder, "0000"), "63C0"},
			{holder, "6983"},
			{cmdHex(0x2C, 2, PINHolder, newHolder), "6982"},
			{issuer, "9000"}, {cmdHex(0x2C, 2, PINHolder, newHolder), "9000"},
			{"00200002", "63C3"}, {holder, "63C2"}, {cmdHex(0x20, 0, PINHolder, newHolder), "9000"},
		}},
		{"retry counter reset only", activated, []step{
			{verifyCmd(t, PINHolder, "0000"), "63C2"}, {issuer, "9000"}, {"002C0302", "9000"}, {"00200002", "63C3"},
		}},
		{"RESET RETRY COUNTER for the issuer PIN", blank, []step{{issuer, "9000"}, {cmdHex(0x2C, 2, PINIssuer, newHolder), "6A86"}}},
		{"RESET RETRY COUNTER P1=03 with no holder PIN", blank, []step{{issuer, "9000"}, {"002C0302", "6984"}}},
		// CREATE FILE
		{"create without the issuer PIN", blank, []step{{createDF(FIDRoot, "foms_root"), "6982"}}},
		{"create DF and EF, the new file is current", blank, []step{
			{issuer, "9000"}, {createDF(FIDRoot, "foms_root"), "9000"},
			{createEF(0x0101, 4), "9000"}, {"00D6000002ABCD", "9000"}, {"00B0000000", "ABCD00009000"},
			{"00A4000402010100", "620E8201018002000483020101" + "8A0101" + "9000"},
		}},
		{"FID exists", blank, []step{{issuer, "9000"}, {createEF(FIDSerial, 4), "6A89"}}},
		{"FID of the DF itself", blank, []step{{issuer, "9000"}, {createDF(FIDRoot, "foms_root"), "9000"}, {createEF(FIDRoot, 4), "6A89"}}},
		{"DF name exists", personalised, []step{{issuer, "9000"}, {createDF(0x6000, "FOMS_ID"), "6A8A"}}},
		{"malformed FCP", blank, []step{{issuer, "9000"}, {"00E00000056203820101", "6A80"}, {cmdHex(0xE0, 0, 0, []byte{0x62, 0x04, 0x83, 0x02, 0x01, 0x01}), "6A80"}, {"00E00000", "6A80"}}},
		{"CREATE FILE with P1", blank, []step{{issuer, "9000"}, {"00E0010008" + hexOf(encodeFCP(fileSpec{df: true, fid: 0x6000})), "6A86"}}},
		{"create in activated FOMS_ID", activated, []step{{issuer, "9000"}, {holder, "9000"}, {selName("FOMS_ID"), "9000"}, {createEF(0x0209, 10), "6985"}}},
		{"create in activated foms_root", activated, []step{{issuer, "9000"}, {selName("foms_root"), "9000"}, {createDF(0x5003, "OTHER"), "6985"}}},
		{"create in activated FOMS_INS needs both PINs", activated, []step{
			{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {createEF(0x0203, 40), "6982"},
			{holder, "9000"}, {createEF(0x0203, 40), "9000"},
		}},
		// UPDATE BINARY
		{"update with no current EF", personalised, []step{{issuer, "9000"}, {"00D6000001AA", "6986"}}},
		{"serial EF is never writable", blank, []step{{issuer, "9000"}, {selEF(FIDSerial), "9000"}, {"00D6000001AA", "6982"}, {"00B0000000", "12345678901234567890" + "9000"}}},
		{"update without the issuer PIN", personalised, []step{{selName("FOMS_ID"), "9000"}, {selEF(0x0201), "9000"}, {"00D6000001AA", "6982"}}},
		{"update beyond the EF", personalised, []step{{issuer, "9000"}, {selName("FOMS_ID"), "9000"}, {selEF(0x0201), "9000"}, {"00D6007E02AAAA", "6A84"}, {"00D6007F01AA", "6B00"}, {"00D6007E01AA", "9000"}}},
		{"update with no data", personalised, []step{{issuer, "9000"}, {selName("FOMS_ID"), "9000"}, {selEF(0x0201), "9000"}, {"00D60000", "6700"}}},
		{"update by short EF identifier", personalised, []step{{issuer, "9000"}, {selName("FOMS_ID"), "9000"}, {selEF(0x0201), "9000"}, {"00D6810001AA", "6A86"}}},
		{"owner record read-only after activation", activated, []step{{issuer, "9000"}, {holder, "9000"}, {selName("FOMS_ID"), "9000"}, {selEF(0x0201), "9000"}, {"00D6000001AA", "6982"}, {"00B0000002", "627D9000"}}},
		{"insurer record after activation needs both PINs", activated, []step{
			{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {selEF(0x0202), "9000"}, {"00D6002001AA", "6982"},
			{holder, "9000"}, {"00D6002001AA", "9000"},
		}},
		{"extended UPDATE refused without extended length", personalised, []step{{"00D60000000001AA", "6700"}}},
		// PUT DATA
		{"pointer to a missing EF", personalised, []step{{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {putPointer(0x0209), "6A80"}}},
		{"pointer to a DF", personalised, []step{{issuer, "9000"}, {selName("foms_root"), "9000"}, {putPointer(FIDInsurersDF), "6A88"}}},
		{"pointer without the issuer PIN", personalised, []step{{selName("FOMS_INS"), "9000"}, {putPointer(0x0202), "6982"}}},
		{"pointer of the wrong length", personalised, []step{{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {"00DA01B00102", "6700"}}},
		{"other data object", personalised, []step{{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {"00DA01B10202 02", "6A88"}}},
		{"pointer after activation needs both PINs", activated, []step{
			{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {putPointer(0x0202), "6982"}, {holder, "9000"}, {putPointer(0x0202), "9000"}, {"00CA01B002", "02029000"},
		}},
		// ACTIVATE FILE
		{"activate without the issuer PIN", personalised, []step{{selName("foms_root"), "9000"}, {activate, "6982"}}},
		{"activate twice", personalised, []step{{issuer, "9000"}, {selName("foms_root"), "9000"}, {activate, "9000"}, {activate, "9000"}}},
		{"activate with data", personalised, []step{{issuer, "9000"}, {"0044000001AA", "6700"}}},
		{"lifecycle in FCP", activated, []step{{"00A4040409666F6D735F726F6F7400", "6215820138830250008409666F6D735F726F6F748A01059000"}}},
		{"lifecycle in FCI", personalised, []step{{"00A4040009666F6D735F726F6F7400", "6F15820138830250008409666F6D735F726F6F748A01019000"}}},
		{"MF and serial are operational", blank, []step{{"00A40004023F0000", "620A8201388302" + "3F008A01059000"}, {"00A40200022FE200", "6F0E820101800200" + "0A83022FE28A01059000"}}},
		// DELETE FILE
		{"delete before activation", personalised, []step{
			{issuer, "9000"}, {selName("FOMS_INS"), "9000"}, {"00E40000020202", "9000"}, {"00CA01B002", "6A88"},
			{selName("foms_root"), "9000"}, {"00E40000025001", "9000"}, {selName("FOMS_ID"), "6A82"},
		}},
		{"delete the current DF", personalised, []step{{issuer, "9000"}, {selName("foms_root"), "9000"}, {"00E40000", "9000"}, {"00A4000C025000", "6A82"}, {createDF(FIDRoot, "foms_root"), "9000"}}},
		{"delete without the issuer PIN", personalised, []step{{selName("foms_root"), "9000"}, {"00E40000", "6982"}}},
		{"delete a missing file", personalised, []step{{issuer, "9000"}, {"00E40000020999", "6A82"}}},
		{"delete the MF", blank, []step{{issuer, "9000"}, {"00E40000", "6985"}}},
		{"delete after activation", activated, []step{{issuer, "9000"}, {holder, "9000"}, {selName("foms_root"), "9000"}, {"00E40000", "6985"}, {"00E40000025002", "6985"}}},
		{"a file created after activation cannot be deleted", activated, []step{
			{issuer, "9000"}, {holder, "9000"}, {selName("FOMS_INS"), "9000"}, {createEF(0x0203, 40), "9000"}, {putPointer(0x0203), "9000"},
			{"00E40000020203", "6985"}, {putPointer(0x0202), "9000"}, {"00E40000020203", "6985"},
			{"00A4020402020300", "…8A01019000"}, {selName("FOMS_INS"), "9000"}, {activate, "9000"}, {"00A4020402020300", "…8A01059000"},
		}},
		{"delete in a DF in creation state under an activated one", activated, []step{
			{issuer, "9000"}, {"00A4000C023F00", "9000"}, {createDF(0x6000, "SCRATCH"), "9000"}, {createEF(0x6001, 4), "9000"},
			{"00E40000026001", "9000"}, {"00E40000", "9000"}, {"00A4000C026000", "6A82"},
		}},
		// TERMINATE DF
		{"terminate", activated, []step{
			{selName("foms_root"), "9000"}, {"00E60000", "6982"}, {issuer, "9000"}, {"00E60000", "9000"}, {"00E60000", "9000"},
			{selName("foms_root"), "6285"}, {selName("FOMS_ID"), "6285"}, {selEF(0x0201), "6285"}, {"00B0000002", "6985"},
			{selName("FOMS_INS"), "6285"}, {"00CA01B002", "6985"}, {createEF(0x0209, 4), "6985"}, {activate, "6985"}, {"00E40000", "6985"},
			{"00A4000C023F00", "9000"}, {selEF(FIDSerial), "9000"}, {"00B0000000", "…9000"},
		}},
		{"terminate the MF", blank, []step{{issuer, "9000"}, {"00E60000", "6985"}}},
		{"FCI of a terminated DF", personalised, []step{{issuer, "9000"}, {selName("foms_root"), "9000"}, {"00E60000", "9000"}, {"00A4040009666F6D735F726F6F7400", "…8A010C6285"}}},
		// Commands official-like cards refuse stay refused there (TestStatusWords).
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.steps {
				tt.steps[i].cmd = strings.ReplaceAll(tt.steps[i].cmd, " ", "")
			}
			runSteps(t, cardIn(t, tt.state), tt.steps)
		})
	}
}
