// Package qr makes and checks the signed QR code printed on OMS Desk cards and
// documents: a compact binary record of the policy (ENP, name, birth date, insurer OGRN
// and OKATO, card serial, issue date, issuing office) signed with the issuing office's
// ECDSA P-256 key, written as ASCII text that fits QR alphanumeric mode
// (docs/qr-format.md).
//
// [Sign] builds the text from a [Payload] with any crypto.Signer (an in-memory key, or a
// PKCS#11 token key), [Parse] reads it back without checking the signature, and
// [Verify] checks it against a [Trust] store and says valid, tampered, unknown signer or
// unreadable. [CompareWithPolicy] cross-checks a verified code against what the chip
// holds. Decoding QR symbols from images and PDF pages is in the scan subpackage.
//
// The package holds no user-visible text: verdicts and reasons are stable codes that
// the CLI and GUI translate (assets/i18n/qr.*.json).
package qr
