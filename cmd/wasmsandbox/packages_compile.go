package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/packages"
)

// Compiling a Python set to bytecode once, at install time: the set is
// read-only to executions, so without this every execution would compile
// every module it imports from source (importing sympy from source takes
// more than the default fuel budget; from bytecode about 7 G).

// compileSource compiles the modules under argv[1] (tests directories
// excepted; only the entries argv[3:] when given) to bytecode that CPython
// loads without checking the source, naming them as the guest sees them
// (argv[2]).
const compileSource = `
import compileall, os, py_compile, re, sys
site, guest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
opts = dict(quiet=2, rx=re.compile(r"[/\\\\]tests?[/\\\\]"),
    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
if not names:
    compileall.compile_dir(site, ddir=guest, workers=WORKERS, **opts)
for n in names:
    p = os.path.join(site, n)
    if os.path.isdir(p):
        compileall.compile_dir(p, ddir=guest + "/" + n, **opts)
    else:
        compileall.compile_file(p, ddir=guest, **opts)
`

// magicSource prints the interpreter's bytecode magic number.
const magicSource = "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"

// compilePython compiles the Python set's modules to bytecode. The host's
// python3.12, when it writes bytecode with the same magic number as the
// guest's CPython, does it in seconds (it only compiles; no package code
// runs); otherwise the sandbox's own CPython does it, with the set's site
// directory mounted writable, which takes minutes for a large package.
func compilePython(ctx context.Context, home, set string, stderr io.Writer) error {
	site, guest := packages.MountDir(home, packages.Python, set), packages.GuestDir(set)
	guestMagic, err := runCompile(ctx, home, site, magicSource, nil, stderr)
	if err != nil {
		return err
	}
	why := "no python3.12 on this host"
	if py, err := exec.LookPath("python3.12"); err == nil {
		why = "the host's python3.12 writes other bytecode"
		out, err := exec.CommandContext(ctx, py, "-I", "-c", magicSource).Output()
		if err == nil && strings.TrimSpace(string(out)) == strings.TrimSpace(guestMagic) {
			cmd := exec.CommandContext(ctx, py, "-I", "-c", strings.Replace(compileSource, "WORKERS", "0", 1), site, guest)
			var msg bytes.Buffer
			cmd.Stdout, cmd.Stderr = &msg, &msg
			if err := cmd.Run(); err == nil {
				return nil
			}
			why = fmt.Sprintf("the host's python3.12 could not compile the set: %v", err)
		}
	}
	fmt.Fprintf(stderr, "%s: compiling with the sandbox's CPython (%s); a large package takes a minute or more...\n", progName, why)
	return compileInSandbox(ctx, home, site, guest, stderr)
}

// compileInSandbox compiles the set's top-level entries in a few sandboxes
// at once (one per CPU, at most 4), the largest first.
func compileInSandbox(ctx context.Context, home, site, guest string, stderr io.Writer) error {
	ents, err := os.ReadDir(site)
	if err != nil {
		return err
	}
	type entry struct {
		name  string
		files int
	}
	var all []entry
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".dist-info") || !(e.IsDir() || strings.HasSuffix(e.Name(), ".py")) {
			continue
		}
		n := 1
		if e.IsDir() {
			filepath.WalkDir(filepath.Join(site, e.Name()), func(_ string, d fs.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(d.Name(), ".py") {
					n++
				}
				return nil
			})
		}
		all = append(all, entry{e.Name(), n})
	}
	slices.SortFunc(all, func(a, b entry) int { return b.files - a.files })
	groups := make([][]string, min(runtime.NumCPU(), 4, max(len(all), 1)))
	load := make([]int, len(groups))
	for _, e := range all {
		i := slices.Index(load, slices.Min(load))
		groups[i] = append(groups[i], e.name)
		load[i] += e.files
	}
	errc := make(chan error, len(groups))
	for _, g := range groups {
		go func() {
			_, err := runCompile(ctx, home, site, strings.Replace(compileSource, "WORKERS", "1", 1), append([]string{"/site", guest}, g...), stderr)
			errc <- err
		}()
	}
	for range groups {
		if e := <-errc; e != nil && err == nil {
			err = e
		}
	}
	return err
}

// runCompile runs code in the sandbox's CPython with site mounted
// writable at /site and returns its stdout.
func runCompile(ctx context.Context, home, site, code string, args []string, stderr io.Writer) (string, error) {
	sb, err := sandbox.New(sandbox.Python, sandbox.WithRuntimeDir(home), sandbox.WithAutoInstall(stderr), sandbox.WithProgress(stderr),
		sandbox.WithArgs(args...),
		sandbox.WithPolicy(sandbox.Policy{
			FuelBudget:  1 << 42,
			Timeout:     time.Hour,
			MemoryBytes: 1 << 30,
			Mounts:      []sandbox.Mount{{Host: site, Guest: "/site", Writable: true}},
		}))
	if err != nil {
		return "", err
	}
	res, err := sb.Execute(ctx, code)
	if err != nil {
		return "", err
	}
	if !res.Success {
		tail := res.Stderr + res.Stdout
		if len(tail) > 2000 {
			tail = "..." + tail[len(tail)-2000:]
		}
		return "", fmt.Errorf("%s: %s", res.Error, tail)
	}
	return res.Stdout, nil
}
