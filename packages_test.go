package sandbox

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/packages"
)

// packageHome returns a runtime directory for package tests: the shared
// runtimes and compiled modules, and a package tree of its own.
func packageHome(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	for _, d := range []string{"runtimes", "modules"} {
		if err := os.Symlink(filepath.Join(testHome, d), filepath.Join(home, d)); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// buildWheel writes a wheel named file into dir holding files (path to
// content) plus its .dist-info, and returns its path.
func buildWheel(t testing.TB, dir, file string, files map[string]string, pure bool) string {
	t.Helper()
	w, err := packages.ParseWheelName(file)
	if err != nil && pure {
		t.Fatal(err)
	}
	p := filepath.Join(dir, file)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	di := w.Dist + "-" + w.Version + ".dist-info/"
	all := map[string]string{
		di + "WHEEL":    "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: " + map[bool]string{true: "true", false: "false"}[pure] + "\nTag: " + w.Tag + "\n",
		di + "METADATA": "Metadata-Version: 2.1\nName: " + w.Dist + "\nVersion: " + w.Version + "\n",
	}
	var record strings.Builder
	for k, v := range files {
		all[k] = v
	}
	for k := range all {
		record.WriteString(k + ",,\n")
	}
	all[di+"RECORD"] = record.String() + di + "RECORD,,\n"
	for k, v := range all {
		fw, err := zw.Create(k)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(v))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestPythonPackagesFromWheel(t *testing.T) {
	home := packageHome(t)
	dir := t.TempDir()
	whl := buildWheel(t, dir, "greet-1.2.0-py3-none-any.whl", map[string]string{
		"greet/__init__.py": "from .words import hello\n__version__ = '1.2.0'\n",
		"greet/words.py":    "def hello(name):\n    return 'hello, ' + name\n",
		"greetmod.py":       "X = 42\n",
	}, true)
	if _, err := packages.AddWheels(context.Background(), home, "default", []string{whl}); err != nil {
		t.Fatal(err)
	}
	sb, err := New(Python, WithRuntimeDir(home), WithPolicy(Policy{Packages: []string{"default"}}))
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, sb, "import greet, greetmod, sys\nprint(greet.hello('you'), greet.__version__, greetmod.X)\nprint(greet.__file__)")
	wantOutcome(t, res, OutcomeOK)
	if want := "hello, you 1.2.0 42\n/packages/default/greet/__init__.py\n"; res.Stdout != want {
		t.Errorf("stdout = %q, want %q", res.Stdout, want)
	}

	// The set is read-only to the guest.
	res = run(t, sb, "open('/packages/default/greet/new.py', 'w')")
	wantOutcome(t, res, OutcomeGuestError)

	// A missing package: a ModuleNotFoundError that lists what is installed.
	res = run(t, sb, "import numpy")
	wantOutcome(t, res, OutcomeGuestError)
	for _, want := range []string{"ModuleNotFoundError: No module named 'numpy'", "compiled C code", "Installed packages: greet, greetmod", `File "main.py", line 1`} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.Stderr)
		}
	}
	if strings.Contains(res.Stderr, "wasmsandbox_import") {
		t.Errorf("traceback shows the import helper:\n%s", res.Stderr)
	}
	res = run(t, sb, "try:\n    import tabulate\nexcept ImportError as e:\n    print(type(e).__name__, e.name, e)")
	wantOutcome(t, res, OutcomeOK)
	if !strings.HasPrefix(res.Stdout, "ModuleNotFoundError tabulate No module named 'tabulate': the package is not available in this sandbox. Installed packages: greet, greetmod") {
		t.Errorf("stdout = %q", res.Stdout)
	}

	// Without the policy key the packages are not there.
	plain, err := New(Python, WithRuntimeDir(home))
	if err != nil {
		t.Fatal(err)
	}
	res = run(t, plain, "import greet")
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Stderr, "Installed packages: none") {
		t.Errorf("stderr = %s", res.Stderr)
	}
}

// TestPythonPackagesColdStart: an interpreter command line the snapshot
// cannot serve starts cold, and sees the packages the same way.
func TestPythonPackagesColdStart(t *testing.T) {
	home := packageHome(t)
	whl := buildWheel(t, t.TempDir(), "cold-1.0-py3-none-any.whl", map[string]string{"cold.py": "X = 'cold'\n"}, true)
	if _, err := packages.AddWheels(context.Background(), home, "extra", []string{whl}); err != nil {
		t.Fatal(err)
	}
	sb, err := New(Python, WithRuntimeDir(home), WithPolicy(Policy{Packages: []string{"extra"}, Argv: []string{"python", "-I", "-X", "utf8"}}))
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, sb, "import cold, sys\nprint(cold.X, sys.path[-1])\nimport yaml")
	wantOutcome(t, res, OutcomeGuestError)
	if res.Stdout != "cold /packages/extra\n" || !strings.Contains(res.Stderr, "No module named 'yaml': the package is not available in this sandbox. Installed packages: cold") {
		t.Errorf("stdout %q stderr %s", res.Stdout, res.Stderr)
	}
}

// TestPackagesPolicyChecks: a set that is not installed is refused by New
// naming the key; one installed only for the other language shows nothing.
func TestPackagesPolicyChecks(t *testing.T) {
	home := packageHome(t)
	_, err := New(Python, WithRuntimeDir(home), WithPolicy(Policy{Packages: []string{"nope"}}))
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Fields[0].Field != "packages[0]" || !strings.Contains(err.Error(), "wasmsandbox packages add --lang python --set nope") {
		t.Fatalf("New with a missing set: %v", err)
	}
	whl := buildWheel(t, t.TempDir(), "only-1.0-py3-none-any.whl", map[string]string{"only.py": ""}, true)
	if _, err := packages.AddWheels(context.Background(), home, "pyonly", []string{whl}); err != nil {
		t.Fatal(err)
	}
	sb, err := New(JavaScript, WithRuntimeDir(home), WithPolicy(Policy{Packages: []string{"pyonly"}}))
	if err != nil {
		t.Fatalf("a Python-only set under JavaScript: %v", err)
	}
	res := run(t, sb, "console.log(require('fs').existsSync('/packages/pyonly'))")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "false\n" {
		t.Errorf("stdout = %q", res.Stdout)
	}
	// A workspace that holds the set would let the guest change it.
	_, err = New(Python, WithRuntimeDir(home), WithPolicy(Policy{Packages: []string{"pyonly"}, Workspace: home}))
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "packages[0]") || !strings.Contains(err.Error(), "writable") {
		t.Errorf("a workspace containing the set: %v", err)
	}
}

// TestJavaScriptResolution: node_modules in the workspace (nested
// dependencies, exports conditions and patterns, type module), a missing
// Node module a package needs, and a native addon, without npm.
func TestJavaScriptResolution(t *testing.T) {
	ws := t.TempDir()
	files := map[string]string{
		"node_modules/app-lib/package.json":                  `{"name":"app-lib","exports":{".":{"import":"./esm/index.mjs","require":"./cjs/index.js"},"./feature/*":"./features/*.js","./package.json":"./package.json"}}`,
		"node_modules/app-lib/cjs/index.js":                  `const dep = require('dep'); exports.kind = 'cjs'; exports.dep = dep.version;`,
		"node_modules/app-lib/esm/index.mjs":                 `import dep from 'dep'; export const kind = 'esm'; export const depVersion = dep.version;`,
		"node_modules/app-lib/features/x.js":                 `module.exports = 'feature x';`,
		"node_modules/app-lib/node_modules/dep/package.json": `{"name":"dep","main":"lib/main"}`,
		"node_modules/app-lib/node_modules/dep/lib/main.js":  `module.exports = { version: 'nested-1' };`,
		"node_modules/dep/package.json":                      `{"name":"dep","main":"top.js"}`,
		"node_modules/dep/top.js":                            `module.exports = { version: 'top-2' };`,
		"node_modules/esm-only/package.json":                 `{"name":"esm-only","type":"module","main":"index.js"}`,
		"node_modules/esm-only/index.js":                     `export default function greet(n) { return 'hi ' + n; }`,
		"node_modules/needs-child-process/package.json":      `{"name":"needs-child-process","main":"index.js"}`,
		"node_modules/needs-child-process/index.js":          `module.exports = require('child_process');`,
		"node_modules/addon/package.json":                    `{"name":"addon","main":"build/Release/addon.node","gypfile":true}`,
		"node_modules/addon/build/Release/addon.node":        "\x7fELF",
		"node_modules/@scope/named/package.json":             `{"name":"@scope/named"}`,
		"node_modules/@scope/named/index.js":                 `exports.one = 1; exports.m = "m"; Object.defineProperty(exports, "two", { enumerable: true, get: () => 2 });`,
	}
	for name, body := range files {
		p := filepath.Join(ws, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sb := newSandbox(t, JavaScript, Policy{Workspace: ws})
	res := run(t, sb, `
const lib = require('app-lib');
console.log(lib.kind, lib.dep, require('dep').version, require('app-lib/feature/x'), require('@scope/named').two);
console.log(require.resolve('app-lib'));
`)
	wantOutcome(t, res, OutcomeOK)
	if want := "cjs nested-1 top-2 feature x 2\n" + ws[:0] + "/app/node_modules/app-lib/cjs/index.js\n"; res.Stdout != want {
		t.Errorf("stdout = %q, want %q", res.Stdout, want)
	}
	res = run(t, sb, `
import { kind, depVersion } from 'app-lib';
import greet from 'esm-only';
import { one, two, m } from '@scope/named';
console.log(kind, depVersion, greet('esm'), one, two, m);
`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "esm nested-1 hi esm 1 2 m\n" {
		t.Errorf("stdout = %q", res.Stdout)
	}
	for code, want := range map[string]string{
		`require('needs-child-process')`: "the Node.js module 'child_process', which package 'needs-child-process' needs, is not available in this sandbox",
		`require('addon')`:               "native addon",
		`require('esm-only')`:            "'esm-only' is an ES module, which require cannot load here): use import instead",
		`require('app-lib/internal')`:    "does not export './internal'",
	} {
		res = run(t, sb, code)
		wantOutcome(t, res, OutcomeGuestError)
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", code, want, res.Stderr)
		}
	}
}

// TestPackageSetSymlinkEscape: a symbolic link planted in a set that
// leads out of it does not let either guest read the host file.
func TestPackageSetSymlinkEscape(t *testing.T) {
	home := packageHome(t)
	secret := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(secret, []byte("TOP-SECRET"), 0o644)
	whl := buildWheel(t, t.TempDir(), "plain-1.0-py3-none-any.whl", map[string]string{"plain.py": ""}, true)
	if _, err := packages.AddWheels(context.Background(), home, "default", []string{whl}); err != nil {
		t.Fatal(err)
	}
	jsDir := filepath.Join(packages.Dir(home, packages.JavaScript, "default"), "node_modules", "evil")
	os.MkdirAll(jsDir, 0o755)
	os.WriteFile(filepath.Join(jsDir, "package.json"), []byte(`{"name":"evil","main":"index.js"}`), 0o644)
	for _, link := range []string{filepath.Join(packages.MountDir(home, packages.Python, "default"), "leak.txt"), filepath.Join(jsDir, "index.js"), filepath.Join(jsDir, "leak.txt")} {
		if err := os.Symlink(secret, link); err != nil {
			t.Fatal(err)
		}
	}
	p := Policy{Packages: []string{"default"}}
	py, err := New(Python, WithRuntimeDir(home), WithPolicy(p))
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, py, "print(open('/packages/default/leak.txt').read())")
	if !strings.Contains(res.Stderr, "PermissionError") {
		t.Errorf("python failed for another reason: %s", res.Stderr)
	}
	if strings.Contains(res.Stdout, "TOP-SECRET") || res.Outcome == OutcomeOK {
		t.Errorf("python read through the link: %+v", res)
	}
	js, err := New(JavaScript, WithRuntimeDir(home), WithPolicy(p))
	if err != nil {
		t.Fatal(err)
	}
	for code, why := range map[string]string{
		"console.log(require('fs').readFileSync('/packages/default/node_modules/evil/leak.txt', 'utf8'))": "EACCES",
		"console.log(require('evil'))": "has no main file",
	} {
		res = run(t, js, code)
		if !strings.Contains(res.Stderr, why) {
			t.Errorf("%s failed for another reason: %s", code, res.Stderr)
		}
		if strings.Contains(res.Stdout+res.Stderr, "TOP-SECRET") || res.Outcome == OutcomeOK {
			t.Errorf("javascript read through the link (%s): %+v", code, res)
		}
	}
}

// TestPackagesInSession: a session whose policy names a set imports from
// it in every execution, and keeps its globals across them.
func TestPackagesInSession(t *testing.T) {
	home := packageHome(t)
	whl := buildWheel(t, t.TempDir(), "counter-1.0-py3-none-any.whl", map[string]string{"counter.py": "def inc(n):\n    return n + 1\n"}, true)
	if _, err := packages.AddWheels(context.Background(), home, "default", []string{whl}); err != nil {
		t.Fatal(err)
	}
	st, err := OpenSessionStore(t.TempDir(), WithRuntimeDir(home))
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.Create(context.Background(), SessionConfig{Runtime: Python, Policy: Policy{Packages: []string{"default"}}, AutoPersistGlobals: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"import counter\nn = counter.inc(0)", "import counter\nn = counter.inc(n)\nprint(n)"} {
		res, err := sess.Execute(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		wantOutcome(t, res, OutcomeOK)
		if i == 1 && res.Stdout != "2\n" {
			t.Errorf("stdout = %q", res.Stdout)
		}
	}
}
