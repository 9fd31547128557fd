package apdu

// Instruction bytes of the commands that personalise a card on OMS Desk's issuance
// profile (docs/card-profile.md): ISO/IEC 7816-4 §11 for the interindustry commands,
// ISO/IEC 7816-9 §8 for the file-management ones.
const (
	InsVerify              byte = 0x20 // ISO/IEC 7816-4 §11.5.6
	InsChangeReferenceData byte = 0x24 // ISO/IEC 7816-4 §11.5.7
	InsResetRetryCounter   byte = 0x2C // ISO/IEC 7816-4 §11.5.10
	InsActivateFile        byte = 0x44 // ISO/IEC 7816-9 §8.3
	InsUpdateBinary        byte = 0xD6 // ISO/IEC 7816-4 §11.2.5
	InsPutData             byte = 0xDA // ISO/IEC 7816-4 §11.4.6
	InsCreateFile          byte = 0xE0 // ISO/IEC 7816-9 §8.1
	InsDeleteFile          byte = 0xE4 // ISO/IEC 7816-9 §8.2
	InsTerminateDF         byte = 0xE6 // ISO/IEC 7816-9 §8.5
)

// Status words the writing commands add to those of status.go (ISO/IEC 7816-4 §5.1.3,
// tables 12 and 16). Each is an error value, as every [StatusWord] other than 9000 is.
const (
	// SWSelectedFileTerminated is the warning a SELECT of a file in termination state
	// gets (the file is selected all the same).
	SWSelectedFileTerminated StatusWord = 0x6285
	// SWDFNameExists refuses a CREATE FILE whose DF name is already on the card.
	SWDFNameExists StatusWord = 0x6A8A
)

// Error values for the status words above and for the writing commands' refusals that
// status.go names only as StatusWord constants.
var (
	ErrSelectedFileTerminated error = SWSelectedFileTerminated
	ErrDFNameExists           error = SWDFNameExists
	ErrReferenceDataNotUsable error = SWReferenceDataNotUsable
)
