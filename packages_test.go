package sandbox

import (
	"archive/zip"
	"context"
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
