package quickjs

import (
	"slices"
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
		if got := topLevelDeclarations(tc.src); !slices.Equal(got, tc.want) {
			t.Errorf("topLevelDeclarations(%q) = %q, want %q", tc.src, got, tc.want)
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
