package quickjs

import (
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Collation for String.prototype.localeCompare and Intl.Collator, by the
// CLDR root collation and its locale tailorings (golang.org/x/text/collate,
// the algorithm and data ICU uses in Node).

// maxCollators bounds the collators one run keeps (one per distinct
// locale and options); guests use one or two.
const maxCollators = 32

// collatorKey is what the prelude sends: the locale tag, then the
// sensitivity, numeric ("1" or ""), and ignorePunctuation ("1" or ""),
// separated by "|".
func (r *run) collator(key string) *collate.Collator {
	if c, ok := r.collators[key]; ok {
		return c
	}
	parts := strings.Split(key, "|")
	for len(parts) < 4 {
		parts = append(parts, "")
	}
	tag, err := language.Parse(parts[0])
	if err != nil {
		tag = language.AmericanEnglish
	}
	// ICU's options as the Unicode extension keys of the tag: strength
	// (ks), case level (kc), numeric (kn) and alternate=shifted (ka),
	// with which spaces and punctuation are ignored.
	var ext []string
	switch parts[1] {
	case "base":
		ext = append(ext, "ks-level1")
	case "accent":
		ext = append(ext, "ks-level2")
	case "case":
		// x/text has no case level: compareCase compares without
		// accents at the default strength once the base letters tie.
		ext = append(ext, "ks-level1")
	}
	if parts[2] == "1" {
		ext = append(ext, "kn-true")
	}
	if parts[3] == "1" {
		ext = append(ext, "ka-shifted")
	}
	if len(ext) > 0 {
		base, _ := tag.Base()
		t := base.String()
		if reg, conf := tag.Region(); conf != language.No {
			t += "-" + reg.String()
		}
		if x, err := language.Parse(t + "-u-" + strings.Join(ext, "-")); err == nil {
			tag = x
		}
	}
	var opts []collate.Option
	c := collate.New(tag, opts...)
	if r.collators == nil || len(r.collators) >= maxCollators {
		r.collators = map[string]*collate.Collator{}
	}
	r.collators[key] = c
	return c
}

// hostCollate(s, key) returns the sort key of the string s for the
// collator key (see collator), as a string of the code units 0 to 255:
// two keys compared as strings order their strings. hostCollate(a, key,
// b) compares a and b and returns -1, 0 or 1 (for sensitivity "case",
// which has no single key here).
func hostCollate(r *run, args []int32) (int32, error) {
	a, err := r.argString(args, 0)
	if err != nil {
		return 0, err
	}
	key, err := r.argString(args, 1)
	if err != nil {
		return 0, err
	}
	if len(key) > 200 {
		return 0, r.throw("RangeError", "collator options too long")
	}
	c := r.collator(key)
	if len(args) < 3 {
		var buf collate.Buffer
		k := c.KeyFromString(&buf, a)
		out := make([]rune, len(k))
		for i, b := range k {
			out[i] = rune(b)
		}
		return r.newString(string(out))
	}
	b, err := r.argString(args, 2)
	if err != nil {
		return 0, err
	}
	n := c.CompareString(a, b)
	if parts := strings.Split(key, "|"); n == 0 && len(parts) == 4 && parts[1] == "case" {
		parts[1] = "variant"
		n = r.collator(strings.Join(parts, "|")).CompareString(withoutMarks(a), withoutMarks(b))
	}
	return r.number(float64(n))
}

// withoutMarks is s decomposed (NFD) without its combining marks.
func withoutMarks(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.Is(unicode.Mn, c) {
			return -1
		}
		return c
	}, norm.NFD.String(s))
}
