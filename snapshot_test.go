package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Python runs from a pre-initialised snapshot with a 32 MiB guarded C stack
// (internal/python, internal/snapshot). These tests check what that buys
// and that each execution still starts from a clean interpreter.

func TestPythonRecursesLikeNative(t *testing.T) {
	sb := newSandbox(t, Python, Policy{})
	// lru_cache recursion goes through C code on every level.
	res := run(t, sb, `import functools
@functools.lru_cache(None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(900))`)
	wantOutcome(t, res, OutcomeOK)
	if want := "54877108839480000051413673948383714443800519309123592724494953427039811201064341234954387521525390615504949092187441218246679104731442473022013980160407007017175697317900483275246652938800\n"; res.Stdout != want {
		t.Fatalf("fib(900) = %q", res.Stdout)
	}
	// Deeply nested data through json and repr.
	res = run(t, sb, `import json
x = []
for i in range(5000):
    x = [x]
print(len(json.dumps(x)), len(repr(x)))
class R:
    def __init__(self, n): self.n = n
    def __repr__(self): return "R(%r)" % (R(self.n - 1) if self.n else None,)
print(len(repr(R(300))))`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "10002 10002\n907\n" {
		t.Fatalf("nested json/repr: %q", res.Stdout)
	}
	// Recursion to 5,000 after setrecursionlimit works, or ends in a
	// RecursionError: never a trap.
	for name, body := range map[string]string{
		"python frames": "def f(n): return 0 if n == 0 else 1 + f(n - 1)",
		"lru_cache":     "import functools\n@functools.lru_cache(None)\ndef f(n): return 0 if n == 0 else 1 + f(n - 1)",
		"map and sum":   "def f(n): return 1 + sum(map(f, [n - 1])) if n else 0",
	} {
		res := run(t, sb, "import sys\nsys.setrecursionlimit(10**6)\n"+body+"\nprint(f(5000))")
		switch {
		case res.Outcome == OutcomeOK && res.Stdout == "5000\n":
		case res.Outcome == OutcomeGuestError && strings.Contains(res.Error, "RecursionError"):
		default:
			t.Errorf("%s: outcome %s, stdout %q, error %q", name, res.Outcome, res.Stdout, res.Error)
		}
	}
}

func TestPythonStackOverflowIsACleanTrap(t *testing.T) {
	sb := newSandbox(t, Python, Policy{})
	// Nested iterators recurse in C without CPython's recursion check:
	// chain runs the C stack past the snapshot's guard, map exhausts the
	// engine's own stack (32 MiB) first. Both end as a clean trap.
	for _, wrap := range []string{"itertools.chain(it)", "map(abs, it)"} {
		res := run(t, sb, "import itertools\nit = iter([1])\nfor _ in range(400000):\n    it = "+wrap+"\nprint('before', flush=True)\nprint(next(it))")
		wantOutcome(t, res, OutcomeTrap)
		if res.Stdout != "before\n" || !strings.HasPrefix(res.Error, "webassembly trap: stack overflow: recursion too deep") || strings.Contains(res.Error, "\n") {
			t.Fatalf("%s: stdout %q, error %q", wrap, res.Stdout, res.Error)
		}
	}
	wantOutcome(t, run(t, sb, "print(1)"), OutcomeOK)
}

// TestPythonHeapNeverMeetsTheStack allocates hundreds of MB while deep in
// a recursion, then checks every allocation: had malloc handed out the
// stack region, the frames or the data would be corrupt.
func TestPythonHeapNeverMeetsTheStack(t *testing.T) {
	sb := newSandbox(t, Python, Policy{MemoryBytes: 768 << 20})
	res := run(t, sb, `import functools, sys
sys.setrecursionlimit(10_000)
keep = []
@functools.lru_cache(None)
def down(n):
    if n == 0:
        return 0
    keep.append(bytes([n % 251]) * 200_000)
    return down(n - 1) + 1
depth = down(1500)
bad = [i for i, b in enumerate(keep) if b != bytes([(1500 - i) % 251]) * 200_000]
print(depth, len(keep), sum(map(len, keep)) >> 20, bad[:5])`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "1500 1500 286 []\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	if res.MemoryPeakBytes < 280<<20 {
		t.Fatalf("memory_peak_bytes %d: the allocations did not happen", res.MemoryPeakBytes)
	}
}

func TestPythonMountsDifferPerRun(t *testing.T) {
	dirs := make([]string, 3)
	for i := range dirs {
		dirs[i] = t.TempDir()
		if err := os.WriteFile(filepath.Join(dirs[i], "name.txt"), []byte(fmt.Sprintf("mount %d", i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	probe := `import os
for d in ["/app", "/m0", "/data/one", "/m2", "/.wasmsandbox-state"]:
    try:
        print(d, sorted(os.listdir(d)), open(d + "/name.txt").read() if os.path.exists(d + "/name.txt") else "")
    except OSError as e:
        print(d, type(e).__name__)
print(os.getcwd())`
	for _, n := range []int{0, 1, 3, 1, 0} {
		var mounts []Mount
		guests := []string{"/m0", "/data/one", "/m2"}
		for i := range n {
			mounts = append(mounts, Mount{Host: dirs[i], Guest: guests[i]})
		}
		ws := t.TempDir()
		if err := os.WriteFile(filepath.Join(ws, "name.txt"), []byte("workspace"), 0o600); err != nil {
			t.Fatal(err)
		}
		res := run(t, newSandbox(t, Python, Policy{Workspace: ws, Mounts: mounts}), probe)
		wantOutcome(t, res, OutcomeOK)
		want := "/app ['name.txt'] workspace\n"
		for i, g := range guests {
			if i < n {
				want += fmt.Sprintf("%s ['name.txt'] mount %d\n", g, i)
			} else {
				want += g + " FileNotFoundError\n"
			}
		}
		want += "/.wasmsandbox-state FileNotFoundError\n/app\n"
		if res.Stdout != want {
			t.Errorf("%d mounts:\n%s\nwant:\n%s", n, res.Stdout, want)
		}
	}
	// A different guest workspace path is honoured too.
	res := run(t, newSandbox(t, Python, Policy{GuestWorkspace: "/work/space"}), "import os\nprint(os.getcwd(), os.listdir('/work/space'))\nopen('x', 'w').write('1')")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "/work/space []\n" || len(res.FilesCreated) != 1 {
		t.Fatalf("stdout %q, created %v", res.Stdout, res.FilesCreated)
	}
}

func TestPythonRunsAreIsolated(t *testing.T) {
	sb := newSandbox(t, Python, Policy{})
	first := run(t, sb, `import random, os, uuid, sys
leak = 42
sys.modules["json"].leak = 1
print(random.random(), os.urandom(8).hex(), uuid.uuid4())`)
	wantOutcome(t, first, OutcomeOK)
	second := run(t, sb, `import random, os, uuid, sys, json
print("leak" in globals(), hasattr(json, "leak"), sorted(k for k in globals() if not k.startswith("__")))
print(random.random(), os.urandom(8).hex(), uuid.uuid4())`)
	wantOutcome(t, second, OutcomeOK)
	lines := strings.Split(strings.TrimSpace(second.Stdout), "\n")
	if len(lines) != 2 || lines[0] != "False False ['json', 'os', 'random', 'sys', 'uuid']" {
		t.Fatalf("second run saw the first: %q", second.Stdout)
	}
	a, b := strings.Fields(strings.TrimSpace(first.Stdout)), strings.Fields(lines[1])
	for i := range a {
		if a[i] == b[i] {
			t.Errorf("value %d is the same in both runs: %s", i, a[i])
		}
	}
}

// TestPythonCustomArgvStartsCold: an interpreter command line other than
// the default cannot use the snapshot (its flags are frozen), so it starts
// CPython from scratch, with the flags it asks for.
func TestPythonCustomArgvStartsCold(t *testing.T) {
	res := run(t, newSandbox(t, Python, Policy{Argv: []string{"python", "-I", "-X", "utf8", "-u", "-O"}}),
		"import sys\nprint(sys.flags.optimize)\nassert False\nprint('asserts off')")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "1\nasserts off\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

// TestPythonHashSecretIsFixed: the snapshot is built with a fixed hash
// secret, so str hashes (and the fuel of code whose dicts they order) are
// the same on every machine. The value pins the secret: it changes only
// when the fixed stream does.
func TestPythonHashSecretIsFixed(t *testing.T) {
	res := run(t, newSandbox(t, Python, Policy{}), "print(hash('abc'))")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "-1900557231\n" {
		t.Fatalf("hash('abc') = %s", res.Stdout)
	}
}
