package quickjs

import (
	"bytes"
	"encoding/json"
	"errors"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Node's resolution of bare specifiers (require('lodash'),
// import dayjs from 'dayjs'): node_modules directories from the importing
// file's directory up to the root, then those of the package sets
// (Host.Packages); package.json "exports" (subpaths, conditions, "*"
// patterns) and "main"; file extensions and index files. Everything is
// read through the guest file system, so it sees only what the guest may.

// Bounds on what resolution reads and walks.
const (
	maxPackageJSON   = 1 << 20
	maxExportsDepth  = 16
	maxResolveTries  = 256
	maxNodeModuleUps = 64
)

// conditions are the package.json export conditions that match, for
// require and for import.
var (
	requireConditions = []string{"require", "node", "default"}
	importConditions  = []string{"import", "node", "default"}
)

type packageJSON struct {
	Name    string          `json:"name"`
	Main    string          `json:"main"`
	Type    string          `json:"type"`
	Exports json.RawMessage `json:"exports"`
	Gypfile bool            `json:"gypfile"`
}

// splitBare splits a bare specifier into its package name and subpath
// ("" or "./rest"); ok is false for a malformed one.
func splitBare(spec string) (name, sub string, ok bool) {
	parts := strings.SplitN(spec, "/", 3)
	n := 1
	if strings.HasPrefix(spec, "@") {
		n = 2
	}
	if len(parts) < n || parts[0] == "" || parts[0] == "@" || (n == 2 && parts[1] == "") {
		return "", "", false
	}
	name = strings.Join(parts[:n], "/")
	if rest := strings.TrimPrefix(spec[len(name):], "/"); rest != "" {
		sub = "./" + rest
	}
	if strings.Contains(name, "\\") || strings.HasPrefix(name, ".") || strings.ContainsRune(spec, 0) {
		return "", "", false
	}
	return name, sub, true
}

// nodeModulesDirs lists the node_modules directories searched from dir.
func (r *run) nodeModulesDirs(dir string) []string {
	var out []string
	for d, i := path.Clean(dir), 0; i < maxNodeModuleUps; d, i = path.Dir(d), i+1 {
		if path.Base(d) != "node_modules" {
			out = append(out, path.Join(d, "node_modules"))
		}
		if d == "/" || d == "." {
			break
		}
	}
	for _, p := range r.h.Packages {
		out = append(out, path.Join(p, "node_modules"))
	}
	return out
}

// resolveBare resolves bare specifier spec imported from directory dir,
// for import (esm) or require. It returns the file, or "" and a reason.
func (r *run) resolveBare(dir, spec string, esm bool) (string, string) {
	name, sub, ok := splitBare(spec)
	if !ok || r.h.FS == nil {
		return "", ""
	}
	conds := requireConditions
	if esm {
		conds = importConditions
	}
	for _, nm := range r.nodeModulesDirs(dir) {
		pkgDir := path.Join(nm, name)
		if !r.isDir(pkgDir) {
			continue
		}
		pj, _ := r.readPackageJSON(pkgDir)
		if pj != nil && len(pj.Exports) > 0 && string(pj.Exports) != "null" {
			key := "."
			if sub != "" {
				key = sub
			}
			target, found := resolveExports(pj.Exports, key, conds)
			if !found {
				return "", "package '" + name + "' (" + pkgDir + ") does not export '" + key + "' for " + map[bool]string{true: "import", false: "require"}[esm]
			}
			f := path.Join(pkgDir, target)
			if !strings.HasPrefix(f, pkgDir+"/") || !r.isFile(f) {
				return "", "package '" + name + "' exports '" + key + "' as " + target + ", which does not exist"
			}
			return f, ""
		}
		if sub != "" {
			if f := r.resolveFile(path.Join(pkgDir, sub)); f != "" {
				return f, ""
			}
			return "", ""
		}
		if pj != nil && pj.Main != "" {
			if f := r.resolveFile(path.Join(pkgDir, pj.Main)); f != "" {
				return f, ""
			}
		}
		if f := r.resolveFile(path.Join(pkgDir, "index")); f != "" {
			return f, ""
		}
		if pj != nil && pj.Gypfile || r.isFile(path.Join(pkgDir, "binding.gyp")) {
			return "", "package '" + name + "' is a native addon (compiled C++), which cannot load in this sandbox"
		}
		return "", "package '" + name + "' (" + pkgDir + ") has no main file"
	}
	return "", ""
}

// resolveFile finds the file p names as Node's require does: p itself,
// then with .js, .cjs, .mjs, .json, then as a directory (its package.json
// main, then index.*).
func (r *run) resolveFile(p string) string {
	for _, c := range []string{p, p + ".js", p + ".cjs", p + ".mjs", p + ".json", p + ".node"} {
		if r.isFile(c) {
			return c
		}
	}
	if !r.isDir(p) {
		return ""
	}
	if pj, _ := r.readPackageJSON(p); pj != nil && pj.Main != "" {
		m := path.Join(p, pj.Main)
		for _, c := range []string{m, m + ".js", m + ".cjs", m + ".json", m + "/index.js"} {
			if r.isFile(c) {
				return c
			}
		}
	}
	for _, c := range []string{"index.js", "index.cjs", "index.mjs", "index.json"} {
		if r.isFile(path.Join(p, c)) {
			return path.Join(p, c)
		}
	}
	return ""
}

func (r *run) isFile(p string) bool {
	fi, err := r.h.FS.Stat(p)
	return err == nil && fi.Mode.IsRegular()
}

func (r *run) isDir(p string) bool {
	fi, err := r.h.FS.Stat(p)
	return err == nil && fi.Mode.IsDir()
}

// readPackageJSON reads dir/package.json, or nil when there is none.
func (r *run) readPackageJSON(dir string) (*packageJSON, error) {
	b, err := r.h.FS.ReadFile(path.Join(dir, "package.json"), maxPackageJSON)
	if err != nil {
		return nil, err
	}
	var pj packageJSON
	if err := json.Unmarshal(b, &pj); err != nil {
		return nil, err
	}
	return &pj, nil
}

// packageType is the "type" of the nearest package.json above file, as
// Node decides whether a .js file is an ES module.
func (r *run) packageType(file string) string {
	for d, i := path.Dir(file), 0; i < maxNodeModuleUps; d, i = path.Dir(d), i+1 {
		if pj, err := r.readPackageJSON(d); err == nil {
			return pj.Type
		}
		if d == "/" || path.Base(d) == "node_modules" {
			break
		}
	}
	return ""
}

// resolveExports resolves subpath key ("." or "./x") of a package.json
// "exports" value with the given conditions, returning the target.
func resolveExports(raw json.RawMessage, key string, conds []string) (string, bool) {
	v, err := decodeOrdered(json.NewDecoder(bytes.NewReader(raw)), 0)
	if err != nil {
		return "", false
	}
	// A string, an array, or an object of conditions is the "." entry.
	if o, ok := v.(*object); ok {
		m := o.vals
		subpaths := false
		for _, k := range o.keys {
			if strings.HasPrefix(k, ".") {
				subpaths = true
				break
			}
		}
		if subpaths {
			if t, ok := m[key]; ok {
				return exportTarget(t, conds, "", 0)
			}
			// The longest matching "*" pattern.
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
			for _, k := range keys {
				pre, post, star := strings.Cut(k, "*")
				if star && strings.HasPrefix(key, pre) && strings.HasSuffix(key, post) && len(key) >= len(pre)+len(post) {
					return exportTarget(m[k], conds, key[len(pre):len(key)-len(post)], 0)
				}
			}
			return "", false
		}
	}
	if key != "." {
		return "", false
	}
	return exportTarget(v, conds, "", 0)
}

// exportTarget picks the target of one exports entry: a string (with "*"
// replaced by star), the first resolvable entry of an array, or the first
// matching condition of an object (in the object's order).
func exportTarget(v any, conds []string, star string, depth int) (string, bool) {
	if depth > maxExportsDepth {
		return "", false
	}
	switch t := v.(type) {
	case string:
		if !strings.HasPrefix(t, "./") || strings.Contains(t, "/../") || strings.Contains(star, "..") {
			return "", false
		}
		return strings.ReplaceAll(t, "*", star), true
	case []any:
		for _, e := range t {
			if s, ok := exportTarget(e, conds, star, depth+1); ok {
				return s, true
			}
		}
	case *object:
		for _, k := range t.keys {
			if slices.Contains(conds, k) {
				if s, ok := exportTarget(t.vals[k], conds, star, depth+1); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

// object is a JSON object with its keys in document order, as Node reads
// package.json "exports" (the first matching condition wins).
type object struct {
	keys []string
	vals map[string]any
}

// decodeOrdered decodes JSON with objects as *object, nested at most
// maxExportsDepth deep.
func decodeOrdered(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if depth > maxExportsDepth {
		return nil, errors.New("exports nested too deeply")
	}
	switch tok {
	case json.Delim('{'):
		o := &object{vals: map[string]any{}}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := decodeOrdered(dec, depth+1)
			if err != nil {
				return nil, err
			}
			if _, dup := o.vals[k]; !dup {
				o.keys = append(o.keys, k)
			}
			o.vals[k] = v
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		var a []any
		for dec.More() {
			v, err := decodeOrdered(dec, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token()
		return a, err
	}
	return tok, nil
}

// nodeCoreModules are Node's own modules; the sandbox provides only some
// (builtinModules).
var nodeCoreModules = []string{"assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
	"crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector",
	"module", "net", "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream",
	"string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
	"worker_threads", "zlib", "sqlite", "test"}

// resolveSpec resolves spec (relative, absolute or bare) imported from
// directory dir. On failure it returns "" and the whole error message.
func (r *run) resolveSpec(dir, spec string, esm bool) (string, string) {
	if r.h.FS == nil {
		if strings.HasPrefix(spec, ".") || path.IsAbs(spec) {
			return "", moduleNotFound(spec)
		}
	} else if strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || spec == "." || spec == ".." || path.IsAbs(spec) {
		p := path.Join(dir, spec)
		if path.IsAbs(spec) {
			p = path.Clean(spec)
		}
		if f := r.resolveFile(p); f != "" {
			return f, ""
		}
		return "", "Cannot find module '" + spec + "' (looked for " + p + " and " + p + ".js, .cjs, .mjs, .json, /index.js)"
	}
	f, reason := r.resolveBare(dir, spec, esm)
	if f != "" {
		return f, ""
	}
	if reason != "" {
		return "", "Cannot find module '" + spec + "': " + reason
	}
	bare := strings.TrimPrefix(spec, "node:")
	top, _, _ := strings.Cut(bare, "/")
	by := ""
	if i := strings.LastIndex(dir, "/node_modules/"); i >= 0 {
		pkg, _, _ := splitBare(dir[i+len("/node_modules/"):])
		by = ", which package '" + pkg + "' needs,"
	}
	if slices.Contains(nodeCoreModules, top) {
		return "", "Cannot find module '" + spec + "': the Node.js module '" + bare + "'" + by +
			" is not available in this sandbox (available: " + availableModules + "; no processes, network or native addons)"
	}
	installed := r.installedPackages()
	list := "none"
	if len(installed) > 0 {
		list = strings.Join(installed, ", ")
	}
	return "", "Cannot find module '" + spec + "'" + strings.TrimSuffix(by, ",") + ": the package is not installed in this sandbox (installed packages: " + list +
		"; built-in modules: " + availableModules + "; workspace files can be required by relative path)"
}

// installedPackages lists the packages at the top of the package sets'
// node_modules directories.
func (r *run) installedPackages() []string {
	var out []string
	if r.h.FS == nil {
		return nil
	}
	for _, p := range r.h.Packages {
		ents, err := r.h.FS.ReadDir(path.Join(p, "node_modules"))
		if err != nil {
			continue
		}
		for _, e := range ents {
			switch {
			case strings.HasPrefix(e.Name, "."):
			case strings.HasPrefix(e.Name, "@"):
				sub, _ := r.h.FS.ReadDir(path.Join(p, "node_modules", e.Name))
				for _, s := range sub {
					out = append(out, e.Name+"/"+s.Name)
				}
			default:
				out = append(out, e.Name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// hostResolve(dir, spec, esm) -> the file, or "\0" + why it cannot be found.
func hostResolve(r *run, args []int32) (int32, error) {
	dir, err := r.argString(args, 0)
	if err != nil {
		return 0, err
	}
	spec, err := r.argString(args, 1)
	if err != nil {
		return 0, err
	}
	esm, err := r.argNum(args, 2)
	if err != nil {
		return 0, err
	}
	f, msg := r.resolveSpec(r.resolve(dir), spec, esm != 0)
	if f == "" {
		return r.newString("\x00" + msg)
	}
	if esm == 0 && (strings.HasSuffix(f, ".mjs") || strings.HasSuffix(f, ".js") && r.packageType(f) == "module") {
		return r.newString("\x00require() of ES module " + f + " ('" + spec + "' is an ES module, which require cannot load here): use import instead, as in import * as m from '" + spec +
			"' (code that uses import runs as an ES module)")
	}
	return r.newString(f)
}

// cjsExport finds the names a CommonJS module assigns on exports, as
// Node's cjs-module-lexer does for the usual forms, so that
// import { name } from a CommonJS package works.
var cjsExport = regexp.MustCompile(`(?:^|[^.\w$])(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=[^=]|Object\.defineProperty\(\s*(?:module\.)?exports\s*,\s*["']([A-Za-z_$][\w$]*)["']`)

// cjsExportNames lists the named exports found in CommonJS source src.
func cjsExportNames(src string) []string {
	seen := map[string]bool{"default": true, "__esModule": true}
	var out []string
	for _, m := range cjsExport.FindAllStringSubmatch(src, 2000) {
		n := m[1] + m[2]
		if !seen[n] && !reservedWord[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

var reservedWord = map[string]bool{}

func init() {
	for _, w := range strings.Fields("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval") {
		reservedWord[w] = true
	}
}
