package quickjs

import (
	"runtime"
	"strings"
	"testing"
)

func TestIsModuleSource(t *testing.T) {
	for src, want := range map[string]bool{
		"exports.hello = 1":                       false,
		"export const x = 1":                      true,
		"module.exports = 1":                      false,
		"import x from 'y'":                       true,
		"import {a} from './a.js'":                true,
		"import * as fs from 'fs'":                true,
		"import 'side-effect'":                    true,
		"await 1":                                 false,
		"console.log('import x')":                 false,
		"// export\nx=1":                          false,
		"/* import x from 'y' */ x = 1":           false,
		"const importer = 1":                      false,
		"import('fs').then(console.log)":          false,
		"foo(); export {}":                        true,
		"const o = { import: 1, export: 2 }":      false,
		"o.import(1); o.export = 2":               false,
		"const s = `import ${a} from x`":          false,
		"const s = `${`nested`}`; export {s}":     true,
		"const r = /import x/; y = a / b / c":     false,
		"x = a / 2; export default x":             true,
		"console.log(import.meta.url)":            true,
		"if (x) { return /export/.test(s) }":      false,
		"const t = `a${ {b: 1}.b }c`; import 'z'": true,
	} {
		if got := isModuleSource(src); got != want {
			t.Errorf("isModuleSource(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestIsModuleSourceMalformed: source that ends inside a comment, string,
// template or regular expression, or right after a backslash, used to make
// the detector slice past the end of the source (a host panic, reported as
// an internal error instead of the guest's syntax error). Deep nesting is
// scanned in one pass within bounded memory.
func TestIsModuleSourceMalformed(t *testing.T) {
	for src, want := range map[string]bool{
		"/*": false, "/*a": false, "a/*": false, "'\\": false, "`\\": false, "x = /\\": false,
		"`${": false, "`${a}\\": false, "import x from 'y' /*": true, "export {}; '\\": true,
		"// only a comment": false, "": false, "\xff\xfe": false,
	} {
		if got := isModuleSource(src); got != want {
			t.Errorf("isModuleSource(%q) = %v, want %v", src, got, want)
		}
	}
	const size = 4 << 20
	for name, src := range map[string]string{
		"templates":        "`" + strings.Repeat("${`", size/3),
		"closed templates": "`" + strings.Repeat("${`", size/8) + strings.Repeat("`}", size/8) + "`",
		"brackets":         strings.Repeat("[{(", size/3),
		"comments":         strings.Repeat("/**/", size/4),
	} {
		src += "; export {}"
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if isModuleSource(src) {
			// After the bound the rest is not read; within it, it is.
			if name == "templates" || name == "closed templates" {
				t.Errorf("%s: read past the nesting bound", name)
			}
		} else if name != "templates" && name != "closed templates" {
			t.Errorf("%s: missed the export", name)
		}
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: allocated %d bytes", name, alloc)
		}
	}
}

// FuzzIsModuleSource checks that the detector never panics and that its
// tokens always move forward within the source.
func FuzzIsModuleSource(f *testing.F) {
	for _, s := range []string{
		"export const x = 1", "import x from 'y'", "import('fs').then(console.log)",
		"const s = `${`nested`}`; export {s}", "const r = /import x/; y = a / b / c",
		"console.log(import.meta.url)", "const t = `a${ {b: 1}.b }c`; import 'z'",
		"/*", "'\\", "`\\", "x = /\\", "`${`${`${", "/[/]/.test(s); export default 1",
		"import\n.\nmeta", "\xff\xfe import", "a\u2028export {}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		isModuleSource(src)
		d := detector{src: src}
		for n := 0; ; n++ {
			before := d.i
			tok := d.next()
			if d.i < before || d.i > len(src) || n > len(src)+1 {
				t.Fatalf("position %d -> %d of %d after %d tokens", before, d.i, len(src), n)
			}
			if tok.kind == 0 {
				break
			}
		}
	})
}
