package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/packages"
)

// compileSource compiles every module of the set to bytecode that the
// guest's CPython loads without checking the source (the set is read-only
// to executions, so the source never changes under it).
const compileSource = `
import compileall, py_compile, sys
compileall.compile_dir("/site", quiet=2, workers=1,
    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)

`

// compilePython compiles the Python set's modules to bytecode with the
// sandbox's own CPython 3.12, the only interpreter whose bytecode the guest
// can load, with the set's site directory mounted writable.
func compilePython(ctx context.Context, home, set string, stderr io.Writer) error {
	sb, err := sandbox.New(sandbox.Python, sandbox.WithRuntimeDir(home), sandbox.WithAutoInstall(stderr), sandbox.WithProgress(stderr),
		sandbox.WithPolicy(sandbox.Policy{
			FuelBudget:  1 << 40,
			Timeout:     30 * time.Minute,
			MemoryBytes: 1 << 30,
			Mounts:      []sandbox.Mount{{Host: packages.MountDir(home, packages.Python, set), Guest: "/site", Writable: true}},
		}))
	if err != nil {
		return err
	}
	res, err := sb.Execute(ctx, compileSource)
	if err != nil {
		return err
	}
	if !res.Success {
		tail := res.Stderr + res.Stdout
		if len(tail) > 2000 {
			tail = "..." + tail[len(tail)-2000:]
		}
		return fmt.Errorf("%s: %s", res.Error, tail)
	}
	return nil
}
