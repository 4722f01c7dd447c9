package quickjs

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestTopLevelDeclarations(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"const a = 1; let b = {x: [1, 'two']}; var c = 'c'; d = 4; function f() {}; const m = new Map(); class K {}",
			[]string{"a", "b", "c", "f", "m", "K"}},
		{"const {p, q: [r]} = o", []string{"p", "r"}},
		{"let [a, , [b], {c, d: {e}}, f = g(1, 2), ...h] = x", []string{"a", "b", "c", "e", "f", "h"}},
		{"const {['k' + 1]: a, 'str': b, 3: c, d = {x: 1}, ...rest} = o", []string{"a", "b", "c", "d", "rest"}},
		{"var x = 1, y, z = [1, 2]", []string{"x", "y", "z"}},
		// Inside functions, blocks, classes and for heads: not top-level.
		{"function f() { let inner = 1; var v = 2 }\n{ let blk = 1 }\nif (x) { const c = 1 }\nfor (let i = 0; i < 1; i++) {}\nfor (const k of ks) {}",
			[]string{"f"}},
		{"class A { m() { const x = 1 } static y = 2 }", []string{"A"}},
		{"const f = () => { let hidden = 1 }, g = function h() { var w }", []string{"f", "g"}},
		{"async function af() {}\nfunction* gen() {}\nasync\nfunction notAsync() {}", []string{"af", "gen", "notAsync"}},
		// Automatic semicolon insertion between declarations.
		{"let a = 1\nlet b = a\n  .toString()\nconst c = b\nfoo()\nlet d = 4", []string{"a", "b", "c", "d"}},
		{"const o = {\n  a: 1,\n  let: 2\n}\nclass\nC {}", []string{"o", "C"}},
		// Expressions, not declarations.
		{"x = function f() {}; (class K {}); y = class L {}; o.let = 1; let = 5", nil},
		{"const s = `let ${q} = 1`; // let r = 1\n/* const t = 2 */ const re = /let u/", []string{"s", "re"}},
		{"`${(() => { let inner = 1 })()}`; let after = 1", []string{"after"}},
		{"let a = 1; let a = 2", []string{"a"}},
		{"const 𝑥 = 1, café = 2, $ = 3, _ = 4", []string{"𝑥", "café", "$", "_"}},
		{"const {", nil},
		{"let [a, {b", []string{"a", "b"}},
		{"", nil},
	} {
		if got, err := topLevelDeclarations(tc.src); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("topLevelDeclarations(%q) = %q, %v, want %q", tc.src, got, err, tc.want)
		}
	}
}

func TestValidIdentifier(t *testing.T) {
	for name, want := range map[string]bool{
		"a": true, "_a1": true, "$": true, "café": true, "x\u200d": true,
		"": false, "1a": false, "a-b": false, "let": false, "class": false, "a b": false,
		"a;alert(1)": false, "\xff": false, "\u200dx": false,
	} {
		if got := validIdentifier(name); got != want {
			t.Errorf("validIdentifier(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestTopLevelDeclarationsDeep feeds the scanner the red-team report's
// script, 4 MiB of "let [[[[...", which used to recurse once per bracket
// until Go's stack overflowed and killed the process, and other deeply
// nested source. Each must give errTooDeep (or, within the bound, the
// names) without recursing or allocating in proportion to the depth.
func TestTopLevelDeclarationsDeep(t *testing.T) {
	const size = 4 << 20
	for _, tc := range []struct {
		name, src string
	}{
		{"array pattern", "let " + strings.Repeat("[", size)},
		{"object pattern", "const " + strings.Repeat("{a:", size/3)},
		{"mixed patterns", "var " + strings.Repeat("[{x:", size/4)},
		{"closed array pattern", "let " + strings.Repeat("[", size/2) + strings.Repeat("]", size/2) + " = []"},
		{"template substitutions", "let a = 1; `" + strings.Repeat("${`", size/3)},
		{"just over the bound", "let " + strings.Repeat("[", maxNesting+1) + "a" + strings.Repeat("]", maxNesting+1) + " = []"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		names, err := topLevelDeclarations(tc.src)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, errTooDeep) || names != nil {
			t.Errorf("%s: got %q, %v; want errTooDeep", tc.name, names, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: allocated %d bytes", tc.name, alloc)
		}
	}
	// At the bound, the names are found.
	src := "let " + strings.Repeat("[", maxNesting) + "deepest" + strings.Repeat("]", maxNesting) + " = [], after = 1"
	if names, err := topLevelDeclarations(src); err != nil || !slices.Equal(names, []string{"deepest", "after"}) {
		t.Errorf("at the bound: %q, %v", names, err)
	}
	// Deep nesting that is not a pattern is only counted, not followed.
	src = "const x = " + strings.Repeat("[", size/2) + strings.Repeat("]", size/2) + "; let y = 2"
	if names, err := topLevelDeclarations(src); err != nil || !slices.Equal(names, []string{"x", "y"}) {
		t.Errorf("deep expression: %q, %v", names, err)
	}
}

// FuzzTopLevelDeclarations checks that the scanner never panics, stays
// within its bound, and only returns valid identifiers, each once.
func FuzzTopLevelDeclarations(f *testing.F) {
	for _, s := range []string{
		"const a = 1; let b = {x: [1, 'two']}; var c = 'c'; function f() {}; class K {}",
		"let [a, , [b], {c, d: {e}}, f = g(1, 2), ...h] = x",
		"const {['k' + 1]: a, 'str': b, 3: c, d = {x: 1}, ...rest} = o",
		"async function af() {}\nfunction* gen() {}\nasync\nfunction notAsync() {}",
		"let a = 1\nlet b = a\n  .toString()\nconst c = b",
		"const s = `let ${q} = 1`; // let r = 1\n/* const t = 2 */ const re = /let u/",
		"`${(() => { let inner = 1 })()}`; let after = 1",
		"let [[[[[[", "const {a:{a:{a:", "/*", "'\\", "`\\", "x = /\\", "`${`${`${",
		"let = 5; let.x = 1; let\n[a] = b", "const 𝑥 = 1, café = 2", "\xff\xfe let \xc3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		names, err := topLevelDeclarations(src)
		if err != nil {
			if !errors.Is(err, errTooDeep) || names != nil {
				t.Fatalf("got %q, %v", names, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, n := range names {
			if !validIdentifier(n) || seen[n] {
				t.Fatalf("bad or repeated name %q in %q", n, names)
			}
			seen[n] = true
		}
	})
}
