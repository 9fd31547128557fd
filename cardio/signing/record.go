package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"errors"

	"omsdesk/cardio/policy"
)

// SignRecord signs an insurer record the way our card profile does and cardio/verify
// checks it (docs/signing.md, "The signed bytes"): ECDSA P-256 over SHA-256 of
// in.EncodeUnsigned() — template 64 re-encoded with DER lengths, every field except 7F60
// — and sets in.Signature to the DER ECDSA-Sig-Value (5F61) and the key's certificate
// (5F62). Any previous signature is replaced. The new signature is verified with the
// certificate's key before it is stored, so a faulty token cannot put a bad signature on
// a card.
func SignRecord(k *Key, in *policy.Insurer) error {
	digest := sha256.Sum256(in.EncodeUnsigned())
	sig, err := k.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return err
	}
	pub, _ := k.Certificate.PublicKey.(*ecdsa.PublicKey) // newKey made sure
	if pub == nil || !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return fail("sign_failed", errors.New("the new signature does not verify"))
	}
	in.Signature = &policy.Signature{Value: sig, Certificate: k.CertificateDER}
	return nil
}
