package signing

import (
	"os"
	"path/filepath"
	"strings"
)

// ModuleCandidates are the paths FindModule tries, in order: Debian's and Ubuntu's
// softhsm2 package installs the module in /usr/lib/softhsm and in the multiarch directory
// (/usr/lib/x86_64-linux-gnu/softhsm, /usr/lib/aarch64-linux-gnu/softhsm …); Fedora uses
// /usr/lib64/pkcs11, source builds /usr/local/lib/softhsm, Homebrew /opt/homebrew/lib/softhsm.
var ModuleCandidates = []string{
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/*-linux-gnu*/softhsm/libsofthsm2.so",
	"/usr/lib64/pkcs11/libsofthsm2.so",
	"/usr/lib/pkcs11/libsofthsm2.so",
	"/usr/local/lib/softhsm/libsofthsm2.so",
	"/opt/homebrew/lib/softhsm/libsofthsm2.so",
	"/usr/local/opt/softhsm/lib/softhsm/libsofthsm2.so",
}

// FindModule returns the SoftHSM2 PKCS#11 module's path: the module a spec without
// module= uses. A real token (Rutoken, JaCarta …) ships its own module, which the spec
// must name.
func FindModule() (string, error) {
	for _, c := range ModuleCandidates {
		matches := []string{c}
		if strings.ContainsAny(c, "*?[") {
			matches, _ = filepath.Glob(c)
		}
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
				return m, nil
			}
		}
	}
	return "", fail("module_not_found", nil, "module", "libsofthsm2.so ("+strings.Join(ModuleCandidates[:2], ", ")+" …)")
}

// resolveModule returns the module a spec names, or FindModule's. A bare file name is
// left to the dynamic loader's search path.
func resolveModule(module string) (string, error) {
	if module == "" {
		return FindModule()
	}
	if strings.ContainsRune(module, '/') {
		if fi, err := os.Stat(module); err != nil || !fi.Mode().IsRegular() {
			return "", fail("module_not_found", err, "module", module)
		}
	}
	return module, nil
}

// readPIN reads the user PIN from the spec's environment variable or file. The PIN itself
// never goes into an error.
func readPIN(sp *Spec) (string, error) {
	if sp.PINEnv != "" {
		pin := os.Getenv(sp.PINEnv)
		if pin == "" {
			return "", fail("pin_missing", nil, "source", "$"+sp.PINEnv)
		}
		return pin, nil
	}
	b, err := os.ReadFile(sp.PINFile)
	if err != nil {
		return "", fail("pin_missing", err, "source", sp.PINFile)
	}
	pin := strings.TrimRight(string(b), "\r\n")
	if pin == "" {
		return "", fail("pin_missing", nil, "source", sp.PINFile)
	}
	return pin, nil
}
