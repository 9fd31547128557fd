package signing

import (
	"maps"
	"slices"
	"strings"
)

// Error is every failure this package reports: a stable Code (the catalogue key is
// "signing.err." + Code, assets/i18n/signing.*.json), the values its template names, and
// the cause. Neither Params nor the cause ever holds a PIN.
type Error struct {
	// Code is stable and machine-readable, for example "pin_incorrect".
	Code string
	// Params holds the values of the template's {placeholders}; nil when there are none.
	Params map[string]string
	// Err is the underlying cause (a PKCS#11 return value, an I/O error), or nil.
	Err error
}

// Sentinel errors to match with errors.Is; errors.As to *Error gives the parameters.
var (
	// ErrBadSpec: the key spec is malformed (unknown scheme or attribute, missing or
	// duplicated attribute, bad value).
	ErrBadSpec = &Error{Code: "spec_bad"}
	// ErrPINInSpec: the spec tried to carry a PIN itself (pin=, pin-value=). PINs come
	// only from pin-env= or pin-file=, so they never end up in shell history or logs.
	ErrPINInSpec = &Error{Code: "spec_pin_inline"}
	// ErrPINMissing: the PIN's environment variable is unset or empty, or its file is
	// unreadable or empty.
	ErrPINMissing = &Error{Code: "pin_missing"}
	// ErrPINIncorrect: the token refused the PIN (CKR_PIN_INCORRECT, CKR_PIN_LEN_RANGE), or
	// it differs from the PIN the token is already logged in with in this process.
	ErrPINIncorrect = &Error{Code: "pin_incorrect"}
	// ErrPINLocked: the token locked the PIN after too many wrong tries (CKR_PIN_LOCKED).
	ErrPINLocked = &Error{Code: "pin_locked"}
	// ErrModuleNotFound: no PKCS#11 module at the given path, or none of the usual
	// SoftHSM2 paths exists (ModuleCandidates).
	ErrModuleNotFound = &Error{Code: "module_not_found"}
	// ErrModuleFailed: the module would not load or initialise.
	ErrModuleFailed = &Error{Code: "module_failed"}
	// ErrPKCS11Unavailable: this binary was built without cgo, so it cannot load modules.
	ErrPKCS11Unavailable = &Error{Code: "pkcs11_unavailable"}
	// ErrTokenNotFound: no token with the label or in the slot named by the spec.
	ErrTokenNotFound = &Error{Code: "token_not_found"}
	// ErrTokenFailed: any other PKCS#11 failure; Err holds the return value.
	ErrTokenFailed = &Error{Code: "token_failed"}
	// ErrKeyNotFound: no private key (with its public half) has the object label/id.
	ErrKeyNotFound = &Error{Code: "key_not_found"}
	// ErrKeyAmbiguous: several key pairs have the label; name one with id=.
	ErrKeyAmbiguous = &Error{Code: "key_ambiguous"}
	// ErrKeyExists: GenerateInToken or GeneratePEM would overwrite an existing key,
	// certificate or file.
	ErrKeyExists = &Error{Code: "key_exists"}
	// ErrUnsupportedKey: the key is not ECDSA P-256 (RSA, P-384, Ed25519 …).
	ErrUnsupportedKey = &Error{Code: "key_unsupported"}
	// ErrUnsupportedHash: Sign was asked for a digest other than SHA-256.
	ErrUnsupportedHash = &Error{Code: "hash_unsupported"}
	// ErrCertNotFound: the token holds no certificate with the key's label or id, and the
	// spec names no cert= file.
	ErrCertNotFound = &Error{Code: "cert_not_found"}
	// ErrBadCert: the certificate does not parse.
	ErrBadCert = &Error{Code: "cert_bad"}
	// ErrCertMismatch: the certificate's public key is not the private key's.
	ErrCertMismatch = &Error{Code: "cert_mismatch"}
	// ErrBadPEM: a PEM key or certificate file is unreadable, encrypted or not a key.
	ErrBadPEM = &Error{Code: "pem_bad"}
	// ErrBadRequest: a certificate request is incomplete (no subject) or its issuer is not
	// a CA.
	ErrBadRequest = &Error{Code: "request_bad"}
	// ErrSignFailed: the token or key failed to sign, or the signature it made does not
	// verify with the certificate's key.
	ErrSignFailed = &Error{Code: "sign_failed"}
	// ErrClosed: the key was used after Close.
	ErrClosed = &Error{Code: "closed"}
)

// messages are the English texts of Error; the catalogues hold the same templates.
var messages = map[string]string{
	"spec_bad":           "bad key spec: {problem}",
	"spec_pin_inline":    "a key spec must not contain the PIN: use pin-env= or pin-file=",
	"pin_missing":        "no PIN: {source} is unset, unreadable or empty",
	"pin_incorrect":      "the token {token} refused the PIN",
	"pin_locked":         "the PIN of token {token} is locked; unlock it with the SO PIN",
	"module_not_found":   "no PKCS#11 module at {module}",
	"module_failed":      "the PKCS#11 module {module} does not load",
	"pkcs11_unavailable": "this program was built without PKCS#11 support (cgo)",
	"token_not_found":    "no token {token} in the PKCS#11 module {module}",
	"token_failed":       "the token {token} failed",
	"key_not_found":      "no key pair {object} on token {token}",
	"key_ambiguous":      "several key pairs are labelled {object} on token {token}: add id= to the spec",
	"key_exists":         "{object} already exists; choose another name",
	"key_unsupported":    "the key is {algorithm}; only ECDSA P-256 is supported",
	"hash_unsupported":   "only SHA-256 digests can be signed, not {hash}",
	"cert_not_found":     "no certificate for key {object} on token {token}: store one on the token or add cert= to the spec",
	"cert_bad":           "the certificate {source} does not parse",
	"cert_mismatch":      "the certificate {source} is not for this key",
	"pem_bad":            "{path} is unreadable, encrypted or not a usable PEM/DER file",
	"request_bad":        "bad certificate request: {problem}",
	"sign_failed":        "signing failed",
	"closed":             "the key is closed",
}

// Error returns the English message, with the cause after a colon.
func (e *Error) Error() string {
	msg, ok := messages[e.Code]
	if !ok {
		msg = e.Code
	}
	for _, k := range slices.Sorted(maps.Keys(e.Params)) {
		msg = strings.ReplaceAll(msg, "{"+k+"}", e.Params[k])
	}
	msg = "signing: " + msg
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrPINIncorrect) true for every *Error with that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Params == nil && t.Err == nil
}

// fail builds an *Error from a code, a cause and alternating parameter names and values.
func fail(code string, cause error, kv ...string) *Error {
	e := &Error{Code: code, Err: cause}
	if len(kv) > 0 {
		e.Params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[kv[i]] = kv[i+1]
		}
	}
	return e
}
