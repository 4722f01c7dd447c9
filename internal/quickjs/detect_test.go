package quickjs

import "testing"

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
