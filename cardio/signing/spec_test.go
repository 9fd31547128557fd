package signing

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func uintp(n uint) *uint { return &n }

func TestParseSpec(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Spec
	}{
		{"pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=insurer;object=sign;pin-env=OMS_PIN",
			Spec{Scheme: "pkcs11", Module: "/usr/lib/softhsm/libsofthsm2.so", Token: "insurer", Object: "sign", PINEnv: "OMS_PIN"}},
		{"pkcs11:slot=1604202138;object=sign;id=0a:0B;pin-file=/run/secrets/pin;cert=/etc/omsdesk/cert.pem;",
			Spec{Scheme: "pkcs11", Slot: uintp(1604202138), Object: "sign", ID: []byte{0x0A, 0x0B}, PINFile: "/run/secrets/pin", Cert: "/etc/omsdesk/cert.pem"}},
		{"pkcs11:token=ООО%20Мед%3B1;object=k%25;pin-env=P",
			Spec{Scheme: "pkcs11", Token: "ООО Мед;1", Object: "k%", PINEnv: "P"}},
		{"pem:key=dev/key.pem;cert=dev/cert.pem", Spec{Scheme: "pem", Key: "dev/key.pem", Cert: "dev/cert.pem"}},
	} {
		got, err := ParseSpec(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.in, *got, tt.want)
		}
		again, err := ParseSpec(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("%s: round trip through %q gives %+v, %v", tt.in, got.String(), again, err)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	const secret = "31415926"
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"", ErrBadSpec},
		{"pkcs11", ErrBadSpec},
		{"file:key=x", ErrBadSpec},
		{"pkcs11:token=t;object=o", ErrBadSpec},                          // no PIN source
		{"pkcs11:token=t;slot=1;object=o;pin-env=P", ErrBadSpec},         // two token selectors
		{"pkcs11:object=o;pin-env=P", ErrBadSpec},                        // no token selector
		{"pkcs11:token=t;pin-env=P", ErrBadSpec},                         // no object
		{"pkcs11:token=t;object=o;pin-env=P;pin-file=f", ErrBadSpec},     // two PIN sources
		{"pkcs11:token=t;object=o;object=p;pin-env=P", ErrBadSpec},       // duplicate
		{"pkcs11:token=t;object=o;pin-env=P;key=k", ErrBadSpec},          // pem's attribute
		{"pkcs11:token=t;object=o;pin-env=P;slot=-1", ErrBadSpec},        // slot not a number
		{"pkcs11:token=t;object=o;pin-env=P;id=xyz", ErrBadSpec},         // id not hex
		{"pkcs11:token=t;object=o;pin-env=", ErrBadSpec},                 // empty value
		{"pkcs11:token=t%zz;object=o;pin-env=P", ErrBadSpec},             // bad escape
		{"pkcs11:token=t;object=o;" + secret, ErrBadSpec},                // a pasted PIN
		{"pkcs11:token=t;object=o;pin-env=" + secret + ";;", ErrBadSpec}, // empty item
		{"pkcs11:token=t;object=o;pin=" + secret, ErrPINInSpec},          // a PIN
		{"pkcs11:token=t;object=o;PIN-VALUE=" + secret, ErrPINInSpec},    // RFC 7512 spelling
		{"pem:key=k", ErrBadSpec},                                        // no cert
		{"pem:cert=c", ErrBadSpec},                                       // no key
		{"pem:key=k;cert=c;object=o", ErrBadSpec},                        // pkcs11's attribute
		{"pkcs11:" + strings.Repeat("a", maxSpecLen) + "=1", ErrBadSpec}, // too long
	} {
		_, err := ParseSpec(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.in, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%q: the error repeats a value: %v", tt.in, err)
		}
	}
}

// TestMessagesComplete: every code has an English message whose placeholders the
// package fills, and errors.Is distinguishes codes.
func TestMessagesComplete(t *testing.T) {
	for code, msg := range messages {
		if strings.Count(msg, "{") != strings.Count(msg, "}") {
			t.Errorf("%s: unbalanced braces in %q", code, msg)
		}
	}
	err := fail("pin_incorrect", nil, "token", "t")
	if !errors.Is(err, ErrPINIncorrect) || errors.Is(err, ErrPINLocked) {
		t.Error("errors.Is does not tell codes apart")
	}
	if got := err.Error(); got != "signing: the token t refused the PIN" {
		t.Errorf("message %q", got)
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		"pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=insurer;object=sign;pin-env=OMS_PIN",
		"pkcs11:slot=1;object=sign;id=0a0b;pin-file=/run/pin;cert=c.pem",
		"pem:key=k.pem;cert=c.pem",
		"pkcs11:token=%3B%25;object=o;pin-env=P;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Code != "spec_bad" && e.Code != "spec_pin_inline") {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		again, err := ParseSpec(sp.String())
		if err != nil || !reflect.DeepEqual(again, sp) {
			t.Fatalf("%q: round trip through %q: %+v, %v", s, sp.String(), again, err)
		}
	})
}
