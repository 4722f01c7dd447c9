package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

func init() {
	register(&command{
		name:    "version",
		summary: "print the version of wasmsandbox, its engine and its pinned runtimes",
		run:     versionCmd,
	})
}

// version returns the main module's version as stamped by the go command
// ("(devel)" for a build without version control information).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// versionCmd implements `wasmsandbox version`.
func versionCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "", "Prints the version of wasmsandbox, of Go and wasmtime-go it was built with, and the pinned guest runtimes.")
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return fs.fail(stderr, "unexpected argument %q", pos[0])
	}
	fmt.Fprintf(stdout, "wasmsandbox %s\n", version())
	fmt.Fprintf(stdout, "  go           %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "  wasmtime-go  %s\n", modcache.WasmtimeVersion())
	for _, a := range runtimes.All {
		fmt.Fprintf(stdout, "  %-12s %s\n", a.Name, a.Spec())
	}
	return exitOK
}
