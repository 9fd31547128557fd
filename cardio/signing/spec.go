package signing

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Spec schemes.
const (
	// SchemePKCS11 names a key in a PKCS#11 token: the production key store.
	SchemePKCS11 = "pkcs11"
	// SchemePEM names a key in PEM files: development only.
	SchemePEM = "pem"
)

// maxSpecLen bounds a spec: it is typed by people and read from configuration.
const maxSpecLen = 4096

// Spec is a parsed key spec (docs/signing.md). It never holds a PIN, only where to find it.
type Spec struct {
	// Scheme is SchemePKCS11 or SchemePEM.
	Scheme string

	// Module is the PKCS#11 module's path; empty means FindModule.
	Module string
	// Token is the token's label (CKA_LABEL of the token, "token="). Exactly one of Token
	// and Slot is set.
	Token string
	// Slot is the slot ID ("slot="), nil when the token is named by label.
	Slot *uint
	// Object is the label (CKA_LABEL) of the private key, its public key and certificate.
	Object string
	// ID is the CKA_ID ("id=", hex), nil when the label alone names the key.
	ID []byte
	// PINEnv is the environment variable holding the user PIN ("pin-env=").
	PINEnv string
	// PINFile is the file holding the user PIN ("pin-file="), trailing newline ignored.
	PINFile string

	// Cert is a certificate file (PEM or DER): with pkcs11 it replaces the token's
	// certificate object; with pem it is required.
	Cert string
	// Key is the PEM private key file (pem only).
	Key string
}

// attributes each scheme accepts, in canonical order.
var specAttributes = map[string][]string{
	SchemePKCS11: {"module", "token", "slot", "object", "id", "pin-env", "pin-file", "cert"},
	SchemePEM:    {"key", "cert"},
}

// ParseSpec parses "pkcs11:attr=value;…" or "pem:key=…;cert=…". Values are
// percent-decoded (write %3B for ";", %25 for "%"). Errors never quote values, so a PIN
// pasted by mistake does not end up in a log.
func ParseSpec(s string) (*Spec, error) {
	bad := func(problem string) error { return fail("spec_bad", nil, "problem", problem) }
	if len(s) > maxSpecLen {
		return nil, bad(fmt.Sprintf("longer than %d bytes", maxSpecLen))
	}
	scheme, rest, ok := strings.Cut(s, ":")
	allowed, known := specAttributes[scheme]
	if !ok || !known {
		return nil, bad(`it starts neither with "pkcs11:" nor with "pem:"`)
	}
	sp := &Spec{Scheme: scheme}
	seen := map[string]bool{}
	for i, item := range strings.Split(rest, ";") {
		if item == "" && i > 0 && i == strings.Count(rest, ";") {
			continue // one trailing ";" is harmless
		}
		name, raw, ok := strings.Cut(item, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "pin" || name == "pin-value" {
			return nil, fail("spec_pin_inline", nil)
		}
		if !ok {
			return nil, bad(fmt.Sprintf("item %d has no \"=\"", i+1))
		}
		if !slices.Contains(allowed, name) {
			return nil, bad(fmt.Sprintf("%s does not take the attribute %q", scheme, name))
		}
		if seen[name] {
			return nil, bad(fmt.Sprintf("%s appears twice", name))
		}
		seen[name] = true
		v, err := url.PathUnescape(raw)
		if err != nil {
			return nil, bad(fmt.Sprintf("%s has a bad %%-escape", name))
		}
		if v == "" {
			return nil, bad(fmt.Sprintf("%s is empty", name))
		}
		if err := sp.set(name, v); err != nil {
			return nil, bad(err.Error())
		}
	}
	if err := sp.check(seen); err != nil {
		return nil, bad(err.Error())
	}
	return sp, nil
}

// set stores one attribute's value.
func (sp *Spec) set(name, v string) error {
	switch name {
	case "module":
		sp.Module = v
	case "token":
		sp.Token = v
	case "slot":
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return fmt.Errorf("slot is not a decimal slot ID")
		}
		u := uint(n)
		sp.Slot = &u
	case "object":
		sp.Object = v
	case "id":
		id, err := hex.DecodeString(strings.ReplaceAll(v, ":", ""))
		if err != nil || len(id) == 0 {
			return fmt.Errorf("id is not hex")
		}
		sp.ID = id
	case "pin-env":
		sp.PINEnv = v
	case "pin-file":
		sp.PINFile = v
	case "cert":
		sp.Cert = v
	case "key":
		sp.Key = v
	}
	return nil
}

// check demands the attributes each scheme needs.
func (sp *Spec) check(seen map[string]bool) error {
	if sp.Scheme == SchemePEM {
		for _, a := range []string{"key", "cert"} {
			if !seen[a] {
				return fmt.Errorf("pem needs %s=", a)
			}
		}
		return nil
	}
	switch {
	case seen["token"] == seen["slot"]:
		return fmt.Errorf("pkcs11 needs exactly one of token= and slot=")
	case !seen["object"]:
		return fmt.Errorf("pkcs11 needs object=")
	case seen["pin-env"] == seen["pin-file"]:
		return fmt.Errorf("pkcs11 needs exactly one of pin-env= and pin-file=")
	}
	return nil
}

// String writes the spec back in canonical form; ParseSpec(s.String()) gives s again.
// It is safe to log: a spec holds no PIN.
func (sp *Spec) String() string {
	var b strings.Builder
	b.WriteString(sp.Scheme)
	b.WriteByte(':')
	first := true
	for _, name := range specAttributes[sp.Scheme] {
		v := sp.get(name)
		if v == "" {
			continue
		}
		if !first {
			b.WriteByte(';')
		}
		first = false
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(escapeValue(v))
	}
	return b.String()
}

func (sp *Spec) get(name string) string {
	switch name {
	case "module":
		return sp.Module
	case "token":
		return sp.Token
	case "slot":
		if sp.Slot != nil {
			return strconv.FormatUint(uint64(*sp.Slot), 10)
		}
	case "object":
		return sp.Object
	case "id":
		return hex.EncodeToString(sp.ID)
	case "pin-env":
		return sp.PINEnv
	case "pin-file":
		return sp.PINFile
	case "cert":
		return sp.Cert
	case "key":
		return sp.Key
	}
	return ""
}

// escapeValue percent-encodes what would break the spec's syntax: "%", ";", "=" and
// control characters.
func escapeValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '%' || c == ';' || c == '=' || c < 0x20 || c == 0x7F {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
