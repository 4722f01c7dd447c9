package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
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
// excepted) to bytecode that CPython loads without checking the source,
// naming them as the guest sees them (argv[2]).
const compileSource = `
import compileall, py_compile, re, sys
compileall.compile_dir(sys.argv[1], ddir=sys.argv[2], quiet=2, workers=WORKERS,
    rx=re.compile(r"[/\\\\]tests?[/\\\\]"),
    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
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
	if py, err := exec.LookPath("python3.12"); err == nil {
		out, err := exec.CommandContext(ctx, py, "-I", "-c", magicSource).Output()
		if err == nil && strings.TrimSpace(string(out)) == strings.TrimSpace(guestMagic) {
			cmd := exec.CommandContext(ctx, py, "-I", "-c", strings.Replace(compileSource, "WORKERS", "0", 1), site, guest)
			var msg bytes.Buffer
			cmd.Stdout, cmd.Stderr = &msg, &msg
			if err := cmd.Run(); err == nil {
				return nil
			}
			fmt.Fprintf(stderr, "%s: the host's python3.12 could not compile the set (%v), so the sandbox's CPython does\n", progName, err)
		}
	}
	fmt.Fprintf(stderr, "%s: compiling with the sandbox's CPython (no python3.12 on this host); a large package takes minutes...\n", progName)
	_, err = runCompile(ctx, home, site, strings.Replace(compileSource, "WORKERS", "1", 1), []string{"/site", guest}, stderr)
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
