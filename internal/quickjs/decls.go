package quickjs

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// errTooDeep is returned by topLevelDeclarations for source that nests
// destructuring patterns or template substitutions deeper than maxNesting.
var errTooDeep = fmt.Errorf("the script nests destructuring patterns or template substitutions more than %d deep", maxNesting)

// topLevelDeclarations returns the names a script declares at its top
// level with var, let, const, function (also async and generator) and
// class, in source order without repeats, including the names bound by
// destructuring patterns (const {p, q: [r]} = o declares p and r). Names
// declared inside blocks, functions, classes or for (...) heads are not
// top-level and are not returned; neither is anything that is not a valid
// identifier (so a name can be pasted into generated source as is).
//
// It works on the detector's tokens and does not parse: on source that is
// not valid JavaScript it may miss names or return names the script does
// not declare. Its one user, the globals persistence, reads every name in
// a try/catch, so a wrong name only costs a failed lookup.
//
// It is bounded for any input: time linear in len(src), memory linear in
// the names found, and recursion (one level per nested pattern) at most
// maxNesting deep; deeper source gives errTooDeep and no names.
func topLevelDeclarations(src string) ([]string, error) {
	s := &declScanner{d: detector{src: src}, seen: map[string]bool{}}
	depth := 0
	stmtStart := true
	for {
		prev := s.last
		t := s.next()
		if s.tooDeep || s.d.tooDeep {
			return nil, errTooDeep
		}
		if t.kind == 0 {
			return s.names, nil
		}
		if depth == 0 && t.kind == 'i' && !t.dot && (stmtStart || t.nl && endsExpression(prev)) {
			if s.declaration(t) {
				stmtStart = false
				continue
			}
		}
		if t.kind == 'p' {
			switch t.text {
			case "{", "(", "[":
				depth++
			case "}", ")", "]":
				if depth > 0 {
					depth--
				}
			}
		}
		stmtStart = depth == 0 && t.kind == 'p' && (t.text == ";" || t.text == "}")
	}
}

type declScanner struct {
	d     detector
	ahead *token // a token peeked at but not consumed
	last  token  // the last token consumed
	names []string
	seen  map[string]bool
	// nesting is the number of patterns being read; tooDeep says it went
	// over maxNesting, and makes the pattern readers return at once.
	nesting int
	tooDeep bool
}

func (s *declScanner) next() token {
	var t token
	if s.ahead != nil {
		t, s.ahead = *s.ahead, nil
	} else {
		t = s.d.next()
	}
	s.last = t
	return t
}

func (s *declScanner) peek() token {
	if s.ahead == nil {
		t := s.d.next()
		s.ahead = &t
	}
	return *s.ahead
}

func (s *declScanner) add(name string) {
	if !s.seen[name] && validIdentifier(name) {
		s.seen[name] = true
		s.names = append(s.names, name)
	}
}

func isPunct(t token, text string) bool { return t.kind == 'p' && t.text == text }

// declaration handles a declaration starting with keyword t (consumed);
// it reports false when t does not start one.
func (s *declScanner) declaration(t token) bool {
	switch t.text {
	case "var", "const":
		s.bindings()
	case "let":
		// let is also an identifier in sloppy scripts (let = 1, let.x).
		n := s.peek()
		if !(n.kind == 'i' && n.text != "in" && n.text != "instanceof" || isPunct(n, "[") || isPunct(n, "{")) {
			return false
		}
		s.bindings()
	case "class":
		if n := s.peek(); n.kind == 'i' && n.text != "extends" {
			s.add(s.next().text)
		}
	case "async":
		if n := s.peek(); n.kind != 'i' || n.text != "function" || n.nl {
			return false
		}
		s.next()
		fallthrough
	case "function":
		if isPunct(s.peek(), "*") {
			s.next()
		}
		if n := s.peek(); n.kind == 'i' {
			s.add(s.next().text)
		}
	default:
		return false
	}
	return true
}

// bindings reads a declaration list: targets with optional initialisers,
// separated by commas. It stops before the token that ends the list.
func (s *declScanner) bindings() {
	for {
		s.target()
		if isPunct(s.peek(), "=") {
			s.next()
			s.skipExpression(true)
		}
		if !isPunct(s.peek(), ",") {
			return
		}
		s.next()
	}
}

// target reads a binding target: an identifier or a pattern.
func (s *declScanner) target() {
	if s.tooDeep {
		return
	}
	switch t := s.peek(); {
	case t.kind == 'i':
		s.add(s.next().text)
	case isPunct(t, "{"), isPunct(t, "["):
		if s.nesting >= maxNesting {
			s.tooDeep = true
			return
		}
		s.next()
		s.nesting++
		if t.text == "{" {
			s.objectPattern()
		} else {
			s.arrayPattern()
		}
		s.nesting--
	}
}

// objectPattern reads the rest of {a, b: c, [k]: d = 1, ...e}.
func (s *declScanner) objectPattern() {
	for {
		t := s.next()
		switch {
		case t.kind == 0 || s.tooDeep || isPunct(t, "}"):
			return
		case isPunct(t, ","):
			continue
		case isPunct(t, "..."):
			s.target()
			continue
		case isPunct(t, "["):
			s.skipExpression(false)
			if isPunct(s.peek(), "]") {
				s.next()
			}
		case t.kind != 'i' && t.kind != 'n':
			continue // not a pattern after all
		}
		if isPunct(s.peek(), ":") {
			s.next()
			s.target()
		} else if t.kind == 'i' {
			s.add(t.text) // shorthand {a} or {a = 1}
		}
		s.initialiser()
	}
}

// arrayPattern reads the rest of [a, , [b], {c}, d = 1, ...e].
func (s *declScanner) arrayPattern() {
	for {
		t := s.peek()
		switch {
		case t.kind == 0 || s.tooDeep:
			return
		case isPunct(t, "]"):
			s.next()
			return
		case isPunct(t, ","):
			s.next()
		case isPunct(t, "..."):
			s.next()
			s.target()
		case t.kind == 'i' || isPunct(t, "{") || isPunct(t, "["):
			s.target()
			s.initialiser()
		default:
			s.next() // not a pattern after all
		}
	}
}

// initialiser skips a default value (= expr) inside a pattern.
func (s *declScanner) initialiser() {
	if isPunct(s.peek(), "=") {
		s.next()
		s.skipExpression(false)
	}
}

// skipExpression skips tokens up to, not including, a ',' ';' or an
// unmatched closing bracket at its own nesting level. With asi, a line
// break that must end the statement (an expression followed by what
// cannot continue it) ends it too.
func (s *declScanner) skipExpression(asi bool) {
	depth := 0
	for {
		t := s.peek()
		if t.kind == 0 {
			return
		}
		if depth == 0 {
			if t.kind == 'p' && (t.text == "," || t.text == ";" || t.text == ")" || t.text == "]" || t.text == "}") {
				return
			}
			if asi && t.nl && endsExpression(s.last) && startsStatement(t) {
				return
			}
		}
		s.next()
		if t.kind == 'p' {
			switch t.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			}
		}
	}
}

// operatorWords are keywords after which an expression continues.
var operatorWords = map[string]bool{
	"typeof": true, "instanceof": true, "in": true, "of": true, "new": true, "delete": true,
	"void": true, "await": true, "yield": true, "return": true, "throw": true, "case": true,
	"extends": true, "else": true, "do": true,
}

// endsExpression reports whether an expression can end with t.
func endsExpression(t token) bool {
	switch t.kind {
	case 'n':
		return true
	case 'i':
		return !operatorWords[t.text]
	case 'p':
		return t.text == ")" || t.text == "]" || t.text == "}"
	}
	return false
}

// startsStatement reports whether t, after a line break that follows a
// complete expression, cannot continue that expression (so automatic
// semicolon insertion ends the statement before it).
func startsStatement(t token) bool {
	switch t.kind {
	case 'i':
		return t.text != "in" && t.text != "instanceof"
	case 'n':
		return true
	case 'p':
		return t.text == "{"
	}
	return false
}

// reservedWords cannot be used as variable names (in strict code, where
// the persistence's generated source also rules out the rest).
var reservedWords = map[string]bool{
	"await": true, "break": true, "case": true, "catch": true, "class": true, "const": true,
	"continue": true, "debugger": true, "default": true, "delete": true, "do": true, "else": true,
	"enum": true, "export": true, "extends": true, "false": true, "finally": true, "for": true,
	"function": true, "if": true, "implements": true, "import": true, "in": true,
	"instanceof": true, "interface": true, "let": true, "new": true, "null": true,
	"package": true, "private": true, "protected": true, "public": true, "return": true,
	"static": true, "super": true, "switch": true, "this": true, "throw": true, "true": true,
	"try": true, "typeof": true, "var": true, "void": true, "while": true, "with": true,
	"yield": true,
}

// validIdentifier reports whether name is a JavaScript identifier (without
// escapes) that is not a reserved word.
func validIdentifier(name string) bool {
	if name == "" || len(name) > 1000 || !utf8.ValidString(name) || reservedWords[name] {
		return false
	}
	for i, r := range name {
		switch {
		case r == '$' || r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r):
		case i > 0 && (r == '\u200c' || r == '\u200d' || unicode.In(r, unicode.Nd, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Other_ID_Continue)):
		default:
			return false
		}
	}
	return true
}
