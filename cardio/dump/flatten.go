package dump

import (
	"encoding/json"
	"fmt"
	"sort"

	"omsdesk/cardio/policy"
)

// flatten lays two policy documents side by side as [field, a, b] rows, one per leaf of
// their JSON form ("insurer.ogrn", "photo.sha256", "unknown_tags"), so that a diff names
// every field in the same terms as `read --json`. The photo's bytes are compared by hash.
func flatten(a, b policy.Document) [][3]string {
	ma, mb := leaves(a), leaves(b)
	var rows [][3]string
	for _, k := range unionKeys(ma, mb) {
		rows = append(rows, [3]string{k, ma[k], mb[k]})
	}
	return rows
}

func leaves(d policy.Document) map[string]string {
	if d.Photo != nil {
		ph := *d.Photo
		ph.Data = nil // the sha256 beside it stands for the bytes
		d.Photo = &ph
	}
	raw, _ := json.Marshal(d)
	var v any
	_ = json.Unmarshal(raw, &v)
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out[prefix] = "{}"
			}
			for k, val := range x {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, val)
			}
		case []any:
			b, _ := json.Marshal(x) // lists (unknown tags, problems) compare whole
			out[prefix] = string(b)
		case nil:
			out[prefix] = ""
		default:
			out[prefix] = fmt.Sprint(x)
		}
	}
	walk("", v)
	return out
}

func unionKeys(a, b map[string]string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]string{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}
