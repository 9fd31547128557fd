// Package printing sends OMS Desk's card faces and certificates to a printer through
// CUPS and keeps each printer's calibration, so that what is drawn lands where it
// belongs on the card or the sheet.
//
// Three jobs live here, each in its own file:
//
//   - Profiles (profile.go): a JSON file per user mapping a CUPS queue name to its media,
//     duplex setting and [calibration.Adjustment], loaded and saved atomically and
//     validated (scale 0.9–1.1, offsets within ±5 mm).
//   - The calibration sheet (sheet.go): a card-size or A4 PDF with millimetre rulers,
//     crosshairs and frames at known places, from which a person measures a printer's
//     offset and scale ([FromMeasurements] turns the measurements into an Adjustment).
//   - Submitting (cups.go): [Client.Print] runs lp(1) with "print at 100 %" options,
//     [Client.Printers] lists queues, [Client.WaitJob] asks the scheduler over IPP how a
//     job ended. [SetPrintScalingNone] marks a PDF itself "print at actual size" for
//     viewers that print it.
//
// Job titles and logs never carry personal data: titles are restricted to a short
// ASCII token (see [ValidateTitle]) that callers choose, never a holder's name or the
// file name, which often is one.
//
// The renderers (layout/face and the certificate) apply an Adjustment while drawing;
// this package only measures and stores it, so neither imports the other.
package printing
