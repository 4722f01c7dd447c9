package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/testenv"
)

// packageHome returns a home of its own for package tests, sharing the
// installed runtimes and compiled modules.
func packageHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	for _, d := range []string{"runtimes", "modules"} {
		if err := os.Symlink(filepath.Join(testHome, d), filepath.Join(home, d)); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// TestPackagesDebianPython installs real pure-Python packages from
// Debian's archive (packed as wheels by the test) with `packages add`, and
// uses them: tabulate prints a table, dateutil and bs4 parse; with
// WASMSANDBOX_TEST_DEBIAN=1 (as in CI) also sympy solves an equation and
// networkx finds a shortest path, which need the set compiled to bytecode
// (a minute or more without a host python3.12).
func TestPackagesDebianPython(t *testing.T) {
	dir := t.TempDir()
	full := os.Getenv(testenv.DebianEnv) == "1"
	names := []string{"python3-tabulate", "python3-dateutil", "python3-six", "python3-bs4", "python3-soupsieve", "python3-yaml"}
	if full {
		names = append(names, "python3-networkx", "python3-sympy", "python3-mpmath")
	}
	wheels := testenv.DebianWheels(t, dir, names...)
	home := packageHome(t)
	args := []string{"packages", "add", "--lang", "python", "--home", home}
	if !full {
		args = append(args, "--no-compile")
	}
	add := runCLI(t, "", append(args, wheels...)...).want(t, exitOK)
	wantPkgs := []string{"python\tdefault\ttabulate\t0.", "python\tdefault\tbeautifulsoup4\t4."}
	if full {
		wantPkgs = append(wantPkgs, "python\tdefault\tsympy\t1.", "python\tdefault\tnetworkx\t2.")
	}
	for _, want := range wantPkgs {
		if !strings.Contains(add.stdout, want) {
			t.Errorf("add stdout lacks %q:\n%s", want, add.stdout)
		}
	}
	policy := filepath.Join(dir, "policy.toml")
	if err := os.WriteFile(policy, []byte("packages = [\"default\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code := `
from tabulate import tabulate
print(tabulate([["ada", 36], ["alan", 41]], headers=["name", "age"]))
from dateutil import parser, relativedelta
print("dateutil:", parser.parse("2024-02-29T10:00") + relativedelta.relativedelta(years=1))
from bs4 import BeautifulSoup
print("bs4:", BeautifulSoup("<p class=a>hi <b>there</b></p>", "html.parser").select_one("p.a b").text)
import yaml
print("yaml:", yaml.safe_load("a: [1, 2]\nb: {c: true}"), yaml.__with_libyaml__)
`
	want := "name      age\n------  -----\nada        36\nalan       41\ndateutil: 2025-02-28 10:00:00\nbs4: there\nyaml: {'a': [1, 2], 'b': {'c': True}} False\n"
	if full {
		code += `
import sympy
x = sympy.symbols("x")
print("sympy:", sympy.solve(x**2 - 5*x + 6, x))
import networkx as nx
g = nx.Graph()
g.add_weighted_edges_from([("a", "b", 1), ("b", "c", 2), ("a", "c", 5), ("c", "d", 1)])
print("networkx:", nx.shortest_path(g, "a", "d", weight="weight"))
`
		want += "sympy: [2, 3]\nnetworkx: ['a', 'b', 'c', 'd']\n"
	}
	res := runCLI(t, "", "run", "--home", home, "--policy", policy, "--lang", "python", "-c", code).want(t, exitOK)
	if res.stdout != want {
		t.Errorf("stdout = %q, want %q\nstderr: %s", res.stdout, want, res.stderr)
	}

	// list names them, rm takes one away.
	list := runCLI(t, "", "packages", "list", "--home", home, "--lang", "python").want(t, exitOK)
	if !strings.Contains(list.stdout, "import tabulate") {
		t.Errorf("list:\n%s", list.stdout)
	}
	runCLI(t, "", "packages", "rm", "--lang", "python", "--home", home, "tabulate").want(t, exitOK)
	res = runCLI(t, "", "run", "--home", home, "--policy", policy, "--lang", "python", "-c", "import tabulate").want(t, exitGuest)
	if !strings.Contains(res.stderr, "No module named 'tabulate': the package is not available in this sandbox. Installed packages: ") ||
		!strings.Contains(res.stderr, "Installed packages: bs4, dateutil, ") || !strings.Contains(res.stderr, "yaml") {
		t.Errorf("stderr: %s", res.stderr)
	}
}

// TestPackagesJavaScriptCLI: packages add runs npm into a set with a lock
// file, list shows it, run imports it, rm takes it away.
func TestPackagesJavaScriptCLI(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	home := packageHome(t)
	add := runCLI(t, "", "packages", "add", "--lang", "javascript", "--home", home, "--set", "web", "ms@2").want(t, exitOK)
	if !strings.Contains(add.stdout, "javascript\tweb\tms\t2.") {
		t.Errorf("add stdout:\n%s", add.stdout)
	}
	if _, err := os.Stat(filepath.Join(home, "packages", "javascript", "web", "package-lock.json")); err != nil {
		t.Errorf("no lock file: %v", err)
	}
	var list struct {
		Sets []struct {
			Lang, Name string
			Packages   []struct{ Name, Version string }
		}
	}
	out := runCLI(t, "", "packages", "list", "--home", home, "--json").want(t, exitOK)
	if err := json.Unmarshal([]byte(out.stdout), &list); err != nil || len(list.Sets) != 1 || list.Sets[0].Name != "web" || list.Sets[0].Packages[0].Name != "ms" {
		t.Errorf("list --json: %v\n%s", err, out.stdout)
	}
	policy := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(policy, []byte(`{"packages": ["web"]}`), 0o644)
	res := runCLI(t, "", "run", "--home", home, "--policy", policy, "--lang", "javascript", "-c", "import ms from 'ms'; console.log(ms('2h'), require('ms')(60000))").want(t, exitOK)
	if res.stdout != "7200000 1m\n" {
		t.Errorf("stdout = %q", res.stdout)
	}
	runCLI(t, "", "packages", "rm", "--lang", "javascript", "--home", home, "--set", "web", "left-pad").want(t, exitUsage)
	runCLI(t, "", "packages", "rm", "--lang", "javascript", "--home", home, "--set", "web", "ms").want(t, exitOK)
	res = runCLI(t, "", "run", "--home", home, "--policy", policy, "--lang", "javascript", "-c", "require('ms')").want(t, exitGuest)
	if !strings.Contains(res.stderr, "installed packages: none") {
		t.Errorf("stderr: %s", res.stderr)
	}
	runCLI(t, "", "packages", "rm", "--lang", "javascript", "--home", home, "--set", "web", "--all").want(t, exitOK)
	res = runCLI(t, "", "run", "--home", home, "--policy", policy, "--lang", "javascript", "-c", "1").want(t, exitUsage)
	if !strings.Contains(res.stderr, "packages[0]") {
		t.Errorf("stderr: %s", res.stderr)
	}
}

func TestPackagesCLIErrors(t *testing.T) {
	home := packageHome(t)
	dir := t.TempDir()
	whl := filepath.Join(dir, "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.whl")
	os.WriteFile(whl, []byte("PK"), 0o644)
	res := runCLI(t, "", "packages", "add", "--lang", "python", "--home", home, whl).want(t, exitUsage)
	if !strings.Contains(res.stderr, "tag cp312-cp312-manylinux_2_17_x86_64") {
		t.Errorf("stderr: %s", res.stderr)
	}
	runCLI(t, "", "packages", "add", "--home", home, "x").want(t, exitUsage)
	runCLI(t, "", "packages", "add", "--lang", "python", "--set", "Bad/Name", "--home", home, "x").want(t, exitUsage)
	runCLI(t, "", "packages", "add", "--lang", "javascript", "--home", home, "--prefix=/").want(t, exitUsage)
	runCLI(t, "", "packages", "add", "--lang", "javascript", "--home", home, "git+ssh://h/x").want(t, exitUsage)
	runCLI(t, "", "packages", "rm", "--lang", "python", "--home", home, "x").want(t, exitUsage)
	// A set name that climbs to another set is refused before any file is read.
	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(other, "packages", "python", "default", "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"javascript", "python"} {
		res := runCLI(t, "", "packages", "rm", "--lang", l, "--home", other, "--set", "../python/default", "x").want(t, exitUsage)
		if !strings.Contains(res.stderr, "--set") || strings.Contains(res.stderr, other) {
			t.Errorf("rm --set ../python/default: %s", res.stderr)
		}
	}
	out := runCLI(t, "", "packages", "list", "--home", home).want(t, exitOK)
	if !strings.Contains(out.stdout, "no package sets") {
		t.Errorf("list: %s", out.stdout)
	}
}

// TestPackagesPipNames: names go through the host's pip (here from a
// local directory of wheels, with no index), dependencies included.
func TestPackagesPipNames(t *testing.T) {
	if _, err := exec.LookPath("pip3"); err != nil {
		if _, err := exec.LookPath("pip"); err != nil {
			t.Skip("pip is not installed")
		}
	}
	links := t.TempDir()
	writeTestWheel(t, links, "greetlib-1.0-py3-none-any.whl", "Requires-Dist: wordlib\n", map[string]string{"greetlib/__init__.py": "from wordlib import WORD\ndef greet():\n    return WORD + ', pip'\n"})
	writeTestWheel(t, links, "wordlib-2.0-py3-none-any.whl", "", map[string]string{"wordlib.py": "WORD = 'hello'\n"})
	t.Setenv("PIP_NO_INDEX", "1")
	t.Setenv("PIP_FIND_LINKS", links)
	t.Setenv("PIP_CONFIG_FILE", os.DevNull)
	home := packageHome(t)
	add := runCLI(t, "", "packages", "add", "--lang", "python", "--home", home, "--no-compile", "greetlib").want(t, exitOK)
	if !strings.Contains(add.stdout, "greetlib\t1.0") || !strings.Contains(add.stdout, "wordlib\t2.0") {
		t.Errorf("add stdout:\n%s", add.stdout)
	}
	policy := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(policy, []byte(`packages = ["default"]`), 0o644)
	res := runCLI(t, "", "run", "--home", home, "--policy", policy, "-c", "import greetlib; print(greetlib.greet())").want(t, exitOK)
	if res.stdout != "hello, pip\n" {
		t.Errorf("stdout = %q", res.stdout)
	}
	res = runCLI(t, "", "packages", "add", "--lang", "python", "--home", home, "--no-compile", "nosuchpkg").want(t, exitInternal)
	if !strings.Contains(res.stderr, ".whl files") {
		t.Errorf("stderr: %s", res.stderr)
	}
}

// writeTestWheel writes a pure-Python wheel with files and extra METADATA
// lines into dir.
func writeTestWheel(t *testing.T, dir, file, meta string, files map[string]string) {
	t.Helper()
	parts := strings.SplitN(file, "-", 3)
	di := parts[0] + "-" + parts[1] + ".dist-info/"
	f, err := os.Create(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	files[di+"WHEEL"] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	files[di+"METADATA"] = "Metadata-Version: 2.1\nName: " + parts[0] + "\nVersion: " + parts[1] + "\n" + meta
	var record strings.Builder
	for name := range files {
		record.WriteString(name + ",,\n")
	}
	files[di+"RECORD"] = record.String() + di + "RECORD,,\n"
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
