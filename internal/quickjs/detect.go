package quickjs

import "strings"

// isModuleSource reports whether src must be evaluated as an ES module: it
// has an import declaration, an export declaration or import.meta outside
// strings, comments, template literals and regular expressions. (The
// module's JS_DetectModule export is not reliable enough for this.)
// Dynamic import() is allowed in scripts and does not count.
//
// The detector works in one pass with no recursion: its time is linear in
// len(src) and its memory is bounded by maxNesting. Source that nests
// template substitutions deeper than maxNesting is scanned only up to that
// point (QuickJS's own parser, with its stack limit, refuses such source
// anyway).
func isModuleSource(src string) bool {
	s := detector{src: src}
	return s.scan()
}

// maxNesting bounds how deeply the host-side scanners of guest source (the
// module detector and the declaration scanner) follow nested template
// substitutions and destructuring patterns. It is far above what QuickJS's
// parser accepts within its own stack limit, so it only
// stops source that QuickJS would refuse too.
const maxNesting = 1000

type detector struct {
	src string
	i   int
	// prev is the last significant token class, to tell a regular
	// expression from a division: 'i' identifier/keyword, 'n' number,
	// ')' or ']' or '}' closers, 'o' operator/other, 0 at start.
	prev     byte
	prevWord string
	// braces counts '{' nesting inside template substitutions.
	tmplDepth []int
	braces    int
	// tooDeep says that the source nests template substitutions deeper
	// than maxNesting; the detector then stops (next returns the end).
	tooDeep bool
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// regexAllowedAfter lists keywords after which '/' starts a regex.
var regexAllowedAfter = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true,
}

// clamp keeps d.i within the source after a skip that stepped past its
// end (an unterminated comment, or a backslash as the last byte).
func (d *detector) clamp() {
	if d.i > len(d.src) {
		d.i = len(d.src)
	}
}

func (d *detector) skipSpace() {
	defer d.clamp()
	for d.i < len(d.src) {
		c := d.src[d.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			d.i++
		case c == '/' && d.i+1 < len(d.src) && d.src[d.i+1] == '/':
			for d.i < len(d.src) && d.src[d.i] != '\n' {
				d.i++
			}
		case c == '/' && d.i+1 < len(d.src) && d.src[d.i+1] == '*':
			d.i += 2
			for d.i+1 < len(d.src) && !(d.src[d.i] == '*' && d.src[d.i+1] == '/') {
				d.i++
			}
			d.i += 2
		default:
			return
		}
	}
}

func (d *detector) skipString(q byte) {
	defer d.clamp()
	d.i++
	for d.i < len(d.src) {
		c := d.src[d.i]
		if c == '\\' {
			d.i += 2
			continue
		}
		d.i++
		if c == q || c == '\n' {
			return
		}
	}
}

// skipTemplate skips template text up to the closing backtick or a "${"
// (then it records the substitution and returns to token scanning).
func (d *detector) skipTemplate() {
	defer d.clamp()
	for d.i < len(d.src) {
		c := d.src[d.i]
		switch {
		case c == '\\':
			d.i += 2
		case c == '`':
			d.i++
			return
		case c == '$' && d.i+1 < len(d.src) && d.src[d.i+1] == '{':
			d.i += 2
			if len(d.tmplDepth) >= maxNesting {
				d.tooDeep = true
				d.i = len(d.src)
				return
			}
			d.tmplDepth = append(d.tmplDepth, d.braces)
			d.braces++
			return
		default:
			d.i++
		}
	}
}

func (d *detector) skipRegex() {
	defer d.clamp()
	d.i++
	inClass := false
	for d.i < len(d.src) {
		c := d.src[d.i]
		d.i++
		switch {
		case c == '\\':
			d.i++
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			for d.i < len(d.src) && isIdentPart(d.src[d.i]) {
				d.i++
			}
			return
		case c == '\n':
			return
		}
	}
}

// token is one token of JavaScript source, as far as the detector tells
// them apart.
type token struct {
	// kind is 'i' for an identifier or keyword, 'n' for a literal (number,
	// string, regular expression, template or a piece of one), 'p' for a
	// punctuator, 0 at the end of the source.
	kind byte
	// text is the identifier or the punctuator ("..." or one character;
	// longer operators come as several tokens); empty for literals.
	text string
	// nl says that a line break precedes the token.
	nl bool
	// dot says that the identifier follows a '.' (a property name).
	dot bool
}

// next returns the next token. The '${' and '}' around a template
// substitution are not returned: the template pieces are literals and the
// substitution's tokens come in between.
func (d *detector) next() token {
	start := d.i
	d.skipSpace()
	nl := strings.ContainsAny(d.src[start:d.i], "\n\r\u2028\u2029")
	if d.i >= len(d.src) {
		return token{nl: nl}
	}
	c := d.src[d.i]
	switch {
	case c == '"' || c == '\'':
		d.skipString(c)
		d.prev = 'n'
		return token{kind: 'n', nl: nl}
	case c == '`':
		d.i++
		d.skipTemplate()
		d.prev = 'n'
		return token{kind: 'n', nl: nl}
	case c == '}' && len(d.tmplDepth) > 0 && d.braces-1 == d.tmplDepth[len(d.tmplDepth)-1]:
		d.braces--
		d.tmplDepth = d.tmplDepth[:len(d.tmplDepth)-1]
		d.i++
		d.skipTemplate()
		d.prev = 'n'
		return token{kind: 'n', nl: nl}
	case c == '/':
		if d.prev == 'i' && !regexAllowedAfter[d.prevWord] || d.prev == 'n' || d.prev == ')' {
			d.i++
			d.prev = 'o'
			return token{kind: 'p', text: "/", nl: nl}
		}
		d.skipRegex()
		d.prev = 'n'
		return token{kind: 'n', nl: nl}
	case isIdentStart(c):
		start := d.i
		for d.i < len(d.src) && isIdentPart(d.src[d.i]) {
			d.i++
		}
		word := d.src[start:d.i]
		dot := d.prev == '.'
		d.prev, d.prevWord = 'i', word
		return token{kind: 'i', text: word, nl: nl, dot: dot}
	case c >= '0' && c <= '9':
		for d.i < len(d.src) && (isIdentPart(d.src[d.i]) || d.src[d.i] == '.') {
			d.i++
		}
		d.prev = 'n'
		return token{kind: 'n', nl: nl}
	case c == ')' || c == ']':
		d.i++
		d.prev = ')'
	case c == '{':
		d.braces++
		d.i++
		d.prev = 'o'
	case c == '}':
		d.braces--
		d.i++
		d.prev = 'o'
	case c == '.':
		d.i++
		if d.i+1 < len(d.src) && d.src[d.i] == '.' && d.src[d.i+1] == '.' {
			d.i += 2
			d.prev = 'o'
			return token{kind: 'p', text: "...", nl: nl}
		}
		d.prev = '.'
	default:
		d.i++
		d.prev = 'o'
	}
	return token{kind: 'p', text: d.src[d.i-1 : d.i], nl: nl}
}

func (d *detector) scan() bool {
	for {
		t := d.next()
		switch {
		case t.kind == 0:
			return false
		case t.kind != 'i' || t.dot || (t.text != "import" && t.text != "export"):
			continue
		}
		j := d.i
		d.skipSpace()
		next := byte(0)
		if d.i < len(d.src) {
			next = d.src[d.i]
		}
		d.i = j
		if t.text == "export" {
			if next != ':' && next != '(' && next != '=' && next != '.' && next != ',' && next != ')' && next != ';' {
				return true
			}
			continue
		}
		switch {
		case next == '(' || next == ':' || next == '=' || next == ',' || next == ')' || next == ';':
			// import(...) is allowed in scripts; the rest are property names.
		case next == '.':
			// import.meta is module-only.
			rest := d.src[d.i:]
			for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '.' || rest[0] == '\n' || rest[0] == '\t') {
				rest = rest[1:]
			}
			if len(rest) >= 4 && rest[:4] == "meta" {
				return true
			}
		default:
			return true
		}
	}
}
