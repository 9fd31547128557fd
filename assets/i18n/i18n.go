// Package i18n holds every user-visible text of OMS Desk in Russian and English and
// picks the language. The catalogues are the JSON files beside this file, embedded in
// the binary: one flat object per area and language (cli.ru.json, validate.en.json …),
// mapping a stable key to a template with {named} placeholders.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed *.json
var files embed.FS

// Languages the program speaks. Russian is the default: the users are Russian
// insurers and clinics.
const (
	Russian = "ru"
	English = "en"
)

// Languages lists the supported languages, default first.
var Languages = []string{Russian, English}

// Catalog is one language's texts.
type Catalog struct {
	Lang string
	m    map[string]string
}

// Load reads every catalogue of lang.
func Load(lang string) (*Catalog, error) {
	if lang != Russian && lang != English {
		return nil, fmt.Errorf("loading translations: unsupported language %q (ru, en)", lang)
	}
	names, err := fs.Glob(files, "*."+lang+".json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{Lang: lang, m: map[string]string{}}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var part map[string]string
		if err := json.Unmarshal(data, &part); err != nil {
			return nil, fmt.Errorf("loading translations %s: %w", name, err)
		}
		for k, v := range part {
			if _, dup := c.m[k]; dup {
				return nil, fmt.Errorf("loading translations %s: key %q defined twice", name, k)
			}
			c.m[k] = v
		}
	}
	return c, nil
}

// MustLoad is Load for the two built-in languages, whose catalogues a test proves sound.
func MustLoad(lang string) *Catalog {
	c, err := Load(lang)
	if err != nil {
		panic(err)
	}
	return c
}

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether key is translated.
func (c *Catalog) Has(key string) bool { _, ok := c.m[key]; return ok }

// T returns the text of key with its placeholders filled from pairs of name and value:
// T("read.waiting", "reader", name). A missing key returns the key itself, so a
// forgotten translation shows up instead of vanishing (and a test fails on it).
func (c *Catalog) T(key string, pairs ...string) string {
	params := make(map[string]string, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		params[pairs[i]] = pairs[i+1]
	}
	return c.Format(key, params)
}

// Format is T with a parameter map. Parameters named "field" or ending in "_field" hold
// a field's JSON name and are shown as its translated name ("field.<name>") when one
// exists.
func (c *Catalog) Format(key string, params map[string]string) string {
	tmpl, ok := c.m[key]
	if !ok {
		return key
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			break
		}
		name := tmpl[open+1 : open+end]
		b.WriteString(tmpl[:open])
		v, ok := params[name]
		switch {
		case !ok:
			b.WriteString(tmpl[open : open+end+1])
		case name == "field" || strings.HasSuffix(name, "_field"):
			if t, ok := c.m["field."+v]; ok {
				v = t
			}
			b.WriteString(v)
		default:
			b.WriteString(v)
		}
		tmpl = tmpl[open+end+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// Detect picks the language from an explicit choice, else from the environment's
// locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them): English when it
// names English, Russian otherwise.
func Detect(explicit string) string {
	if explicit != "" {
		return explicit
	}
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" || val == "C" || val == "C.UTF-8" || val == "POSIX" {
			continue
		}
		if strings.HasPrefix(val, "en") {
			return English
		}
		return Russian
	}
	return Russian
}

// catalogueFiles lists the embedded catalogue names (for tests).
func catalogueFiles() []string {
	names, _ := fs.Glob(files, "*.json")
	for i, n := range names {
		names[i] = path.Base(n)
	}
	return names
}
