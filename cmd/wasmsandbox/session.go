package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wasmsandbox/sandbox"
)

func init() {
	register(&command{
		name:    "session",
		summary: "create, inspect and clean up sessions (workspaces kept between runs)",
		run:     withJSONErrors(sessionCmd),
	})
}

const sessionUsage = `Usage:
  wasmsandbox session create [--lang L] [--auto-persist-globals] [--id ID] [policy flags] [--json]
  wasmsandbox session list [--json]
  wasmsandbox session info ID [--json]
  wasmsandbox session rm ID [--json]
  wasmsandbox session reset ID [--json]
  wasmsandbox session prune (--older-than DUR | --keep N) [--json]
  wasmsandbox session ls ID [DIR] [--json]
  wasmsandbox session put ID LOCAL [REMOTE] [--json]
  wasmsandbox session get ID REMOTE [LOCAL] [--json]
  wasmsandbox session rm-file ID REMOTE [--json]

A session keeps a workspace (mounted at /app) from one run to the next, and with
--auto-persist-globals the program's global variables too. Run code in one with
'wasmsandbox run --session ID'. Its language and policy are fixed when it is
created; two runs in one session never overlap, also across processes.

Subcommands:
  create   make a session and print its ID (a UUID unless --id is given)
  list     list the sessions, most recently used first
  info     show a session: runtime, policy, times, executions, sizes
  rm       delete a session and its files
  reset    empty a session's workspace and drop its saved globals
  prune    delete sessions unused for longer than DUR, or all but the N most
           recently used
  ls       list the files of a session's workspace, recursively, with sizes
  put      copy a local file ("-" for standard input) into the workspace
  get      copy a file out of the workspace ("-" for standard output)
  rm-file  delete a file or directory from the workspace

Every subcommand takes --sessions-dir DIR (default: $WASMSANDBOX_SESSIONS_DIR,
else $XDG_DATA_HOME/wasmsandbox/sessions, else ~/.local/share/wasmsandbox/sessions)
and --json. A malformed or unknown session ID is a usage error (exit 3).

Run 'wasmsandbox session SUBCOMMAND --help' for its flags.
`

// sessionCmd implements `wasmsandbox session`.
func sessionCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSubcommand("session", sessionUsage, map[string]subcommand{
		"create":  func(args []string) int { return sessionCreate(ctx, args, stdout, stderr) },
		"list":    func(args []string) int { return sessionList(args, stdout, stderr) },
		"info":    func(args []string) int { return sessionInfo(args, stdout, stderr) },
		"rm":      func(args []string) int { return sessionRm(ctx, args, stdout, stderr) },
		"reset":   func(args []string) int { return sessionReset(ctx, args, stdout, stderr) },
		"prune":   func(args []string) int { return sessionPrune(ctx, args, stdout, stderr) },
		"ls":      func(args []string) int { return sessionLs(args, stdout, stderr) },
		"put":     func(args []string) int { return sessionPut(ctx, args, stdin, stdout, stderr) },
		"get":     func(args []string) int { return sessionGet(args, stdout, stderr) },
		"rm-file": func(args []string) int { return sessionRmFile(ctx, args, stdout, stderr) },
	}, args, stdout, stderr)
}

// sessionFlags are the flags every session subcommand has.
type sessionFlags struct {
	*flagSet
	dir  string
	json bool
}

func newSessionFlags(sub, synopsis, about string) *sessionFlags {
	f := &sessionFlags{flagSet: newFlagSet("session "+sub, synopsis, about)}
	f.StringVar(&f.dir, "sessions-dir", "", "session store `DIR` (default: $WASMSANDBOX_SESSIONS_DIR, else ~/.local/share/wasmsandbox/sessions)")
	f.BoolVar(&f.json, "json", false, "print one JSON object on stdout")
	f.after = exitStatusHelp
	return f
}

// openStore opens the session store in dir (relative to the working
// directory; "" for the default) for the command cmd; on failure it reports
// and returns the status.
func openStore(dir, cmd string, stderr io.Writer) (*sandbox.SessionStore, int, bool) {
	if dir != "" {
		dir = absPath(dir)
	}
	st, err := sandbox.OpenSessionStore(dir)
	if err != nil {
		printError(stderr, cmd, err)
		return nil, sessionExit(err), false
	}
	return st, 0, true
}

// store opens the session store; on failure it reports and returns the status.
func (f *sessionFlags) store(stderr io.Writer) (*sandbox.SessionStore, int, bool) {
	return openStore(f.dir, f.cmd, stderr)
}

// storeFor validates id (nothing is touched when it is malformed) and opens
// the session store.
func (f *sessionFlags) storeFor(id string, stderr io.Writer) (*sandbox.SessionStore, int, bool) {
	if err := sandbox.ValidateSessionID(id); err != nil {
		return nil, f.fail(stderr, "%v", err), false
	}
	return f.store(stderr)
}

// open validates id (nothing is touched when it is malformed) and opens
// the session.
func (f *sessionFlags) open(id string, stderr io.Writer) (*sandbox.Session, int, bool) {
	st, status, ok := f.storeFor(id, stderr)
	if !ok {
		return nil, status, false
	}
	s, err := st.Open(id)
	if err != nil {
		return nil, f.report(stderr, err), false
	}
	return s, 0, true
}

// report prints err and returns its exit status.
func (f *sessionFlags) report(stderr io.Writer, err error) int {
	printError(stderr, f.cmd, err)
	if errors.Is(err, sandbox.ErrSessionNotFound) {
		dir := f.dir
		if dir == "" {
			dir, _ = sandbox.DefaultSessionsDir()
		}
		fmt.Fprintf(stderr, "%s: 'wasmsandbox session list --sessions-dir %s' shows the sessions there\n", progName, dir)
	}
	return sessionExit(err)
}

// sessionExit maps a session error to an exit status. exitFor makes a bad
// or unknown ID, a conflict, a full workspace or a bad path usage errors
// (3); here a feature a runtime lacks (auto_persist_globals for
// JavaScript) is one too.
func sessionExit(err error) int {
	if errors.Is(err, sandbox.ErrNotImplemented) {
		return exitUsage
	}
	return exitFor(err)
}

// parseArgs parses args and checks that min to max positional arguments
// remain; it returns them.
func (f *sessionFlags) parseArgs(args []string, stdout, stderr io.Writer, min, max int) ([]string, int, bool) {
	pos, status, ok := f.parse(args, stdout, stderr)
	if !ok {
		return nil, status, false
	}
	switch {
	case len(pos) < min:
		return nil, f.fail(stderr, "missing argument (usage: %s %s %s)", progName, f.cmd, f.synopsis), false
	case len(pos) > max:
		return nil, f.fail(stderr, "unexpected argument %q", pos[max]), false
	}
	return pos, 0, true
}

// parseOpen is parseArgs for a subcommand whose first of 1 to max
// positional arguments is a session ID: it opens that session too.
func (f *sessionFlags) parseOpen(args []string, stdout, stderr io.Writer, max int) (*sandbox.Session, []string, int, bool) {
	pos, status, ok := f.parseArgs(args, stdout, stderr, 1, max)
	if !ok {
		return nil, nil, status, false
	}
	s, status, ok := f.open(pos[0], stderr)
	if !ok {
		return nil, nil, status, false
	}
	return s, pos, 0, true
}

// printJSON writes v as indented JSON on stdout.
func printJSON(stdout, stderr io.Writer, cmd string, v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err == nil {
		_, err = stdout.Write(append(b, '\n'))
	}
	if err != nil {
		printError(stderr, cmd, fmt.Errorf("writing the result: %w", err))
		return exitInternal
	}
	return exitOK
}

// openRunSession opens the session of `run --session ID`: the ID must be
// well formed and known, the policy flags are refused (a session's policy
// is fixed), and the language must be the session's. It sets *rt to it.
func openRunSession(fs *flagSet, o *runOptions, rt *sandbox.Runtime, stderr io.Writer) (*sandbox.Session, int, bool) {
	if err := sandbox.ValidateSessionID(o.session); err != nil {
		return nil, fs.fail(stderr, "--session: %v", err), false
	}
	for _, name := range []string{"policy", "fuel", "memory", "timeout", "workspace", "mount"} {
		if fs.isSet(name) {
			return nil, fs.fail(stderr, "--%s cannot be used with --session: a session's policy is fixed when it is created (see '%s session create --help')", name, progName), false
		}
	}
	st, status, ok := openStore(o.sessionsDir, "run", stderr)
	if !ok {
		return nil, status, false
	}
	s, err := st.Open(o.session)
	if err != nil {
		printError(stderr, "run", fmt.Errorf("--session: %w", err))
		return nil, sessionExit(err), false
	}
	if *rt != "" && *rt != s.Runtime() {
		return nil, fs.fail(stderr, "--session: session %s runs %s, not %s", s.ID(), s.Runtime(), *rt), false
	}
	*rt = s.Runtime()
	return s, 0, true
}

// formatBytes renders a size: "512 B", "1.5 KiB", "20.0 MiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// formatAge renders how long ago t was: "just now", "5m ago", "3h ago", "2d ago".
func formatAge(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}
