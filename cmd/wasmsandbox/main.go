// Command wasmsandbox runs untrusted Python and JavaScript inside
// WebAssembly with hard limits (fuel, memory, wall-clock time, output caps)
// and a filesystem that shows the guest only what the policy mounts.
//
// Usage:
//
//	wasmsandbox run [flags] (FILE | -c CODE | -)
//	wasmsandbox runtimes install|status [flags]
//	wasmsandbox policy check FILE
//	wasmsandbox policy schema
//	wasmsandbox result schema
//	wasmsandbox session create|list|info|rm|reset|prune|ls|put|get [flags] ...
//	wasmsandbox mcp [flags]
//	wasmsandbox version
//
// Run `wasmsandbox help` or `wasmsandbox COMMAND --help` for every flag.
//
// Exit status: 0 success; 1 a limit stopped the guest (out_of_fuel,
// memory_limit, timeout); 2 guest error (exception, non-zero exit, trap);
// 3 usage or configuration error; 4 internal error; 130 interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/wasmsandbox/sandbox"
)

// Exit statuses. They are part of the command-line contract (DESIGN.md).
const (
	exitOK          = 0   // the guest succeeded, or the command did its job
	exitLimit       = 1   // a limit stopped the guest: out_of_fuel, memory_limit, timeout
	exitGuest       = 2   // the guest failed: exception, non-zero exit, trap
	exitUsage       = 3   // bad flag, invalid policy, unreadable file, unknown language, ...
	exitInternal    = 4   // the host failed: runtime missing and not installable, I/O, ...
	exitInterrupted = 130 // SIGINT or SIGTERM cancelled the command (128 + SIGINT)
)

// progName prefixes every message the tool writes to stderr.
const progName = "wasmsandbox"

// A command is one subcommand of wasmsandbox. Each lives in its own file and
// adds itself to the table with register from an init function, so new
// subcommands (session, mcp, ...) need no edit here.
type command struct {
	// name is the word that selects the command: "run", "runtimes", ...
	name string
	// summary is one line for the top-level help.
	summary string
	// run executes the command with the arguments after its name and
	// returns the exit status. It must write nothing to the real os.Stdout
	// or os.Stderr, only to the writers it is given, so tests can call it.
	run func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// subcommand runs one subcommand of a command (session create, policy
// check, ...) with the arguments after its name and returns the exit status.
type subcommand func(args []string) int

// runSubcommand runs the subcommand of cmd that args[0] names. Without
// arguments it prints usage to stderr (a usage error), for a help word to
// stdout; an unknown name is a usage error.
func runSubcommand(cmd, usage string, subs map[string]subcommand, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if sub, ok := subs[args[0]]; ok {
		return sub(args[1:])
	}
	// Without a subcommand there are no flags to parse; a plain --json
	// still asks for the error as JSON (see withJSONErrors).
	if o, ok := stdout.(*jsonStdout); ok && slices.ContainsFunc(args, func(a string) bool {
		return a == "--json" || a == "-json" || a == "--json=true" || a == "-json=true"
	}) {
		o.r.setJSON(true)
	}
	fmt.Fprintf(stderr, "%s %s: unknown subcommand %q\n\n%s", progName, cmd, args[0], usage)
	return exitUsage
}

// commands is the table of subcommands, filled by register.
var commands = map[string]*command{}

// register adds c to the table of subcommands. It panics on a duplicate
// name, which is a programming error.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("wasmsandbox: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// helpOrder is the order of commands in the top-level help; commands not
// listed follow in alphabetical order.
var helpOrder = []string{"run", "session", "runtimes", "policy", "result", "mcp", "version", "help"}

func main() {
	// A reader that goes away (`wasmsandbox run ... | head`) must not kill
	// the process mid-run with SIGPIPE: writes to it fail instead, guest
	// output stops being mirrored, and the run ends with its own status.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal has cancelled ctx, restore the default
		// handling so that a second Ctrl-C ends the process at once even
		// if something does not honour the context (a one-time compile).
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program minus the process: it dispatches args (without
// the program name) to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
		fallthrough
	default:
		c, ok := commands[name]
		if !ok {
			if strings.HasPrefix(name, "-") {
				fmt.Fprintf(stderr, "%s: unknown flag %s before the command (flags go after it, e.g. `%s run --json FILE`)\n", progName, name, progName)
			} else {
				fmt.Fprintf(stderr, "%s: unknown command %q\n", progName, name)
			}
			fmt.Fprintf(stderr, "Run '%s --help' for the list of commands.\n", progName)
			return exitUsage
		}
		return c.run(ctx, args[1:], stdin, stdout, stderr)
	}
}

func init() {
	register(&command{
		name:    "help",
		summary: "show help for wasmsandbox or for one command",
		run: func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
			if len(args) == 0 {
				usage(stdout)
				return exitOK
			}
			c, ok := commands[args[0]]
			if !ok || c.name == "help" {
				fmt.Fprintf(stderr, "%s help: unknown command %q\n", progName, args[0])
				return exitUsage
			}
			return c.run(ctx, append(args[1:], "--help"), stdin, stdout, stderr)
		},
	})
}

// usage writes the top-level help to w.
func usage(w io.Writer) {
	fmt.Fprintf(w, `%[1]s runs untrusted Python and JavaScript inside WebAssembly with hard limits:
an instruction budget (fuel), a memory cap, a wall-clock deadline, output caps, and a
filesystem that shows the guest only what the policy mounts.

Usage:
  %[1]s COMMAND [flags] [arguments]

Commands:
`, progName)
	for _, c := range sortedCommands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Run '%[1]s COMMAND --help' (or '%[1]s help COMMAND') for a command's flags.

Environment:
  WASMSANDBOX_HOME          installed runtimes and the compiled-module cache
                            (default: the user cache directory + /wasmsandbox);
                            --home overrides it
  WASMSANDBOX_SESSIONS_DIR  the session store (default: ~/.local/share/wasmsandbox/sessions)

%[2]s
Examples:
  %[1]s run -c 'print(2 + 2)'
  %[1]s run --fuel 2000000000 --memory 64MiB --timeout 5s --json script.py
`, progName, exitStatusHelp)
}

// exitStatusHelp documents the exit statuses in every help text.
const exitStatusHelp = `Exit status:
  0    success
  1    a limit stopped the guest (out_of_fuel, memory_limit, timeout)
  2    the guest failed (uncaught exception, non-zero exit, trap)
  3    usage or configuration error (bad flag, invalid policy, unreadable file,
       unknown language, code too large, malformed session ID)
  4    internal error (runtime missing and not installable, I/O failure, ...)
  130  interrupted (SIGINT or SIGTERM)
`

// sortedCommands lists the commands in help order.
func sortedCommands() []*command {
	var cs []*command
	for _, c := range commands {
		cs = append(cs, c)
	}
	rank := func(name string) int {
		if i := slices.Index(helpOrder, name); i >= 0 {
			return i
		}
		return len(helpOrder)
	}
	slices.SortFunc(cs, func(a, b *command) int {
		if d := rank(a.name) - rank(b.name); d != 0 {
			return d
		}
		return strings.Compare(a.name, b.name)
	})
	return cs
}

// exitFor maps an error of the sandbox package (or a usageErr) to an exit
// status. In particular an error of sandbox.New is a usage error for a bad
// policy or runtime name, and internal for a runtime that cannot be had
// (missing and not installable, not available in this build).
func exitFor(err error) int {
	var ue usageErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, sandbox.ErrCancelled), errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, sandbox.ErrInvalidPolicy),
		errors.Is(err, sandbox.ErrUnknownRuntime),
		errors.Is(err, sandbox.ErrCodeTooLarge),
		errors.Is(err, sandbox.ErrInvalidSessionID), errors.Is(err, sandbox.ErrSessionNotFound),
		errors.Is(err, sandbox.ErrSessionExists), errors.Is(err, sandbox.ErrSessionConflict),
		errors.Is(err, sandbox.ErrWorkspaceFull), errors.Is(err, sandbox.ErrFileAccess):
		return exitUsage
	}
	return exitInternal
}

// exitForOutcome maps a guest outcome to an exit status.
func exitForOutcome(o sandbox.Outcome) int {
	switch o {
	case sandbox.OutcomeOK:
		return exitOK
	case sandbox.OutcomeOutOfFuel, sandbox.OutcomeMemoryLimit, sandbox.OutcomeTimeout:
		return exitLimit
	case sandbox.OutcomeGuestError, sandbox.OutcomeTrap:
		return exitGuest
	}
	return exitInternal
}

// printError writes err to w as "wasmsandbox CMD: err". A policy error is
// written one problem per line, so that every bad field stands out.
func printError(w io.Writer, cmd string, err error) {
	prefix := progName
	if cmd != "" {
		prefix += " " + cmd
	}
	var perr *sandbox.PolicyError
	if errors.As(err, &perr) && len(perr.Fields) > 0 {
		// The message up to the list of problems is the context
		// ("policy file p.toml: invalid policy (2 problems)").
		head := err.Error()
		if i := strings.Index(head, sandbox.ErrInvalidPolicy.Error()); i >= 0 {
			head = head[:i] + sandbox.ErrInvalidPolicy.Error()
		}
		if n := len(perr.Fields); n > 1 {
			head += fmt.Sprintf(" (%d problems)", n)
		}
		fmt.Fprintf(w, "%s: %s:\n", prefix, head)
		for _, f := range perr.Fields {
			fmt.Fprintf(w, "  - %s\n", f.Error())
		}
		return
	}
	fmt.Fprintf(w, "%s: %v\n", prefix, err)
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
