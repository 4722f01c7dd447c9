package main

import (
	"os"
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
// uses them: sympy solves an equation, networkx finds a shortest path,
// tabulate prints a table, dateutil and bs4 parse.
func TestPackagesDebianPython(t *testing.T) {
	dir := t.TempDir()
	wheels := testenv.DebianWheels(t, dir, "python3-tabulate", "python3-networkx", "python3-sympy", "python3-mpmath",
		"python3-dateutil", "python3-six", "python3-bs4", "python3-soupsieve")
	home := packageHome(t)
	add := runCLI(t, "", append([]string{"packages", "add", "--lang", "python", "--home", home}, wheels...)...).want(t, exitOK)
	for _, want := range []string{"python\tdefault\tsympy\t1.", "python\tdefault\tnetworkx\t", "python\tdefault\ttabulate\t"} {
		if !strings.Contains(add.stdout, want) {
			t.Errorf("add stdout lacks %q:\n%s", want, add.stdout)
		}
	}
	policy := filepath.Join(dir, "policy.toml")
	if err := os.WriteFile(policy, []byte("packages = [\"default\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code := `
import sympy
x = sympy.symbols("x")
print("sympy:", sympy.solve(x**2 - 5*x + 6, x))
import networkx as nx
g = nx.Graph()
g.add_weighted_edges_from([("a", "b", 1), ("b", "c", 2), ("a", "c", 5), ("c", "d", 1)])
print("networkx:", nx.shortest_path(g, "a", "d", weight="weight"))
from tabulate import tabulate
print(tabulate([["ada", 36], ["alan", 41]], headers=["name", "age"]))
from dateutil import parser, relativedelta
print("dateutil:", parser.parse("2024-02-29T10:00") + relativedelta.relativedelta(years=1))
from bs4 import BeautifulSoup
print("bs4:", BeautifulSoup("<p class=a>hi <b>there</b></p>", "html.parser").select_one("p.a b").text)
`
	res := runCLI(t, "", "run", "--home", home, "--policy", policy, "--lang", "python", "-c", code).want(t, exitOK)
	want := "sympy: [2, 3]\nnetworkx: ['a', 'b', 'c', 'd']\nname      age\n------  -----\nada        36\nalan       41\ndateutil: 2025-02-28 10:00:00\nbs4: there\n"
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
		!strings.Contains(res.stderr, "sympy") {
		t.Errorf("stderr: %s", res.stderr)
	}
}
