package quickjs

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestResolveExports(t *testing.T) {
	tests := []struct {
		exports, key string
		esm          bool
		want         string // "" when not exported
	}{
		{`"./main.js"`, ".", false, "./main.js"},
		{`"./main.js"`, "./x", false, ""},
		{`{"import": "./m.mjs", "require": "./c.cjs"}`, ".", true, "./m.mjs"},
		{`{"import": "./m.mjs", "require": "./c.cjs"}`, ".", false, "./c.cjs"},
		// The object's order decides: the first matching condition wins.
		{`{"default": "./d.js", "node": "./n.js"}`, ".", false, "./d.js"},
		{`{"types": "./t.d.ts", "node": {"import": "./n.mjs", "default": "./n.cjs"}, "default": "./d.js"}`, ".", false, "./n.cjs"},
		{`{"browser": "./b.js", "worker": "./w.js"}`, ".", false, ""},
		{`{".": "./i.js", "./sub": {"require": "./s.cjs"}, "./feat/*": "./f/*.js", "./feat/*.css": null}`, "./sub", false, "./s.cjs"},
		{`{".": "./i.js", "./feat/*": "./f/*.js"}`, "./feat/a/b", false, "./f/a/b.js"},
		{`{".": "./i.js", "./feat/*": "./f/*.js"}`, "./other", false, ""},
		{`{".": ["./missing-condition-first", "./i.js"]}`, ".", false, "./missing-condition-first"},
		{`{".": [{"worker": "./w.js"}, "./i.js"]}`, ".", false, "./i.js"},
		// Targets must stay inside the package.
		{`{".": "../outside.js"}`, ".", false, ""},
		{`{"./*": "./lib/*.js"}`, "./../../etc/passwd", false, ""},
		{`{".": "/abs.js"}`, ".", false, ""},
	}
	for _, tt := range tests {
		conds := requireConditions
		if tt.esm {
			conds = importConditions
		}
		got, ok := resolveExports(json.RawMessage(tt.exports), tt.key, conds)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("resolveExports(%s, %q, esm=%v) = %q, want %q", tt.exports, tt.key, tt.esm, got, tt.want)
		}
	}
	// Nesting is bounded.
	deep := strings.Repeat(`{"node":`, 100) + `"./x.js"` + strings.Repeat("}", 100)
	if got, ok := resolveExports(json.RawMessage(deep), ".", requireConditions); ok {
		t.Errorf("deeply nested exports resolved to %q", got)
	}
}

func TestSplitBare(t *testing.T) {
	for spec, want := range map[string][2]string{
		"lodash":            {"lodash", ""},
		"lodash/fp/map":     {"lodash", "./fp/map"},
		"@scope/pkg":        {"@scope/pkg", ""},
		"@scope/pkg/a/b.js": {"@scope/pkg", "./a/b.js"},
	} {
		n, s, ok := splitBare(spec)
		if !ok || n != want[0] || s != want[1] {
			t.Errorf("splitBare(%q) = %q, %q, %v", spec, n, s, ok)
		}
	}
	for _, bad := range []string{"@scope", "@/x", ".hidden", `a\b`} {
		if _, _, ok := splitBare(bad); ok {
			t.Errorf("splitBare(%q) accepted", bad)
		}
	}
}

func TestCJSExportNames(t *testing.T) {
	src := `exports.a = 1; module.exports.b = 2; Object.defineProperty(exports, "c", {get(){}}); x.exports.no = 3; exports.d == 4; exports.default = 5; exports.class = 6; exports.a = 7;`
	if got := strings.Join(cjsExportNames(src), ","); got != "a,b,c" {
		t.Errorf("cjsExportNames = %q, want a,b,c", got)
	}
}
