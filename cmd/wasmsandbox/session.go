package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/textfmt"
)

func init() {
	register(&command{
		name:    "session",
		summary: "create, inspect and clean up sessions (workspaces kept between runs)",
		run:     sessionCmd,
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

Every subcommand takes --sessions-dir DIR (default: $WASMSANDBOX_SESSIONS_DIR,
else $XDG_DATA_HOME/wasmsandbox/sessions, else ~/.local/share/wasmsandbox/sessions)
and --json. A malformed or unknown session ID is a usage error (exit 3).

Run 'wasmsandbox session SUBCOMMAND --help' for its flags.
`

// sessionCmd implements `wasmsandbox session`.
func sessionCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSubcommand("session", sessionUsage, map[string]subcommand{
		"create": func(args []string) int { return sessionCreate(ctx, args, stdout, stderr) },
		"list":   func(args []string) int { return sessionList(args, stdout, stderr) },
		"info":   func(args []string) int { return sessionInfo(args, stdout, stderr) },
		"rm":     func(args []string) int { return sessionRm(ctx, args, stdout, stderr) },
		"reset":  func(args []string) int { return sessionReset(ctx, args, stdout, stderr) },
		"prune":  func(args []string) int { return sessionPrune(ctx, args, stdout, stderr) },
		"ls":     func(args []string) int { return sessionLs(args, stdout, stderr) },
		"put":    func(args []string) int { return sessionPut(ctx, args, stdin, stdout, stderr) },
		"get":    func(args []string) int { return sessionGet(args, stdout, stderr) },
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

const sessionCreateAbout = `Creates a session and prints its ID. The policy (limits and mounts) applies to
every run in the session and is fixed now: from --policy FILE and the flags
below, defaults for the rest. --auto-persist-globals keeps the program's global
variables between runs (Python: what pickle can keep; the rest is named on stderr
and in the result's globals_not_persisted).`

func sessionCreate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("create", "[flags]", sessionCreateAbout)
	var ro runOptions
	var lang, id string
	var persist bool
	var wsMax, stateMax byteSizeFlag
	f.StringVar(&lang, "lang", "python", "session language `LANG`: python or javascript")
	f.BoolVar(&persist, "auto-persist-globals", false, "keep global variables between runs")
	f.StringVar(&id, "id", "", "session `ID` (letters, digits, - and _, at most 64; default: a new UUID)")
	f.StringVar(&ro.policyFile, "policy", "", "read limits and mounts from policy `FILE` (.toml or .json)")
	f.Var(&ro.fuel, "fuel", "fuel (instruction) budget `N` per run, e.g. 2G (policy fuel_budget)")
	f.Var(&ro.memory, "memory", "guest memory cap in `BYTES`, e.g. 64MiB (policy memory_bytes)")
	f.Var(&ro.timeout, "timeout", "wall-clock deadline `DUR` per run, e.g. 10s (policy timeout)")
	f.Var(&ro.mounts, "mount", "mount host directory HOST at guest path GUEST, read-only unless :rw\n(`HOST:GUEST[:rw]`; repeatable)")
	f.Var(&wsMax, "workspace-max", "cap on the workspace's total size in `BYTES`, e.g. 100MiB (policy workspace_max_bytes; default 1GiB)")
	f.Var(&stateMax, "state-max", "cap on the saved globals in `BYTES` (default 16MiB)")
	_, status, ok := f.parseArgs(args, stdout, stderr, 0, 0)
	if !ok {
		return status
	}
	rt, err := sandbox.ParseRuntime(strings.ToLower(lang))
	if err != nil {
		return f.fail(stderr, "--lang: %v", err)
	}
	if id != "" {
		if err := sandbox.ValidateSessionID(id); err != nil {
			return f.fail(stderr, "--id: %v", err)
		}
	}
	p, err := buildPolicy(f.flagSet, &ro)
	if err == nil && f.isSet("workspace-max") {
		p.WorkspaceMaxBytes = int64(wsMax)
	}
	if err != nil {
		printError(stderr, f.cmd, err)
		return exitFor(err)
	}
	st, status, ok := f.store(stderr)
	if !ok {
		return status
	}
	s, err := st.Create(ctx, sandbox.SessionConfig{ID: id, Runtime: rt, Policy: p, AutoPersistGlobals: persist, StateMaxBytes: int64(stateMax)})
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		info, err := s.Info()
		if err != nil {
			return f.report(stderr, err)
		}
		return printJSON(stdout, stderr, f.cmd, info)
	}
	fmt.Fprintln(stdout, s.ID())
	return exitOK
}

func sessionList(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("list", "[flags]", "Lists the sessions, most recently used first. A session whose metadata is\ndamaged is listed with the reason.")
	_, status, ok := f.parseArgs(args, stdout, stderr, 0, 0)
	if !ok {
		return status
	}
	st, status, ok := f.store(stderr)
	if !ok {
		return status
	}
	list, err := st.List()
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, struct {
			Sessions []sandbox.SessionInfo `json:"sessions"`
		}{list})
	}
	if len(list) == 0 {
		fmt.Fprintf(stderr, "%s: no sessions in %s\n", progName, st.Dir())
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRUNTIME\tLAST USED\tRUNS\tFILES\tGLOBALS")
	for _, in := range list {
		if in.Error != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\tbroken: %s\n", in.ID, in.Error)
			continue
		}
		globals := "-"
		if in.AutoPersistGlobals {
			globals = formatBytes(in.StateBytes)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", in.ID, in.Runtime, formatAge(in.LastUsedAt), in.Executions, formatBytes(in.WorkspaceBytes), globals)
	}
	tw.Flush()
	return exitOK
}

func sessionInfo(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("info", "ID [flags]", "Shows a session: runtime, policy, times, executions and sizes.")
	s, _, status, ok := f.parseOpen(args, stdout, stderr, 1)
	if !ok {
		return status
	}
	info, err := s.Info()
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, info)
	}
	p := info.Policy
	fmt.Fprintf(stdout, "session:      %s\n", info.ID)
	fmt.Fprintf(stdout, "runtime:      %s\n", info.Runtime)
	fmt.Fprintf(stdout, "created:      %s\n", info.CreatedAt.Local().Format(time.RFC3339))
	fmt.Fprintf(stdout, "last used:    %s (%s)\n", info.LastUsedAt.Local().Format(time.RFC3339), formatAge(info.LastUsedAt))
	fmt.Fprintf(stdout, "executions:   %d (fuel %s)\n", info.Executions, textfmt.Digits(int64(info.FuelUsed)))
	fmt.Fprintf(stdout, "workspace:    %s of %s at %s\n", formatBytes(info.WorkspaceBytes), formatBytes(info.WorkspaceMaxBytes), p.GuestWorkspace)
	if info.AutoPersistGlobals {
		fmt.Fprintf(stdout, "globals:      persisted, %s of %s\n", formatBytes(info.StateBytes), formatBytes(info.StateMaxBytes))
	} else {
		fmt.Fprintf(stdout, "globals:      not persisted\n")
	}
	fmt.Fprintf(stdout, "limits:       fuel %s, memory %s, timeout %s\n", textfmt.Digits(p.FuelBudget), formatBytes(p.MemoryBytes), p.Timeout)
	for _, m := range p.Mounts {
		mode := "ro"
		if m.Writable {
			mode = "rw"
		}
		fmt.Fprintf(stdout, "mount:        %s at %s (%s)\n", m.Host, m.Guest, mode)
	}
	return exitOK
}

func sessionRm(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("rm", "ID [flags]", "Deletes a session and everything in it, waiting for a run in it to finish.")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 1, 1)
	if !ok {
		return status
	}
	id := pos[0]
	st, status, ok := f.storeFor(id, stderr)
	if !ok {
		return status
	}
	if err := st.Delete(ctx, id); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": id, "deleted": true})
	}
	fmt.Fprintf(stderr, "%s: deleted session %s\n", progName, id)
	return exitOK
}

func sessionReset(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("reset", "ID [flags]", "Empties a session's workspace and drops its saved globals; its ID, language\nand policy stay.")
	s, _, status, ok := f.parseOpen(args, stdout, stderr, 1)
	if !ok {
		return status
	}
	if err := s.Reset(ctx); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": s.ID(), "reset": true})
	}
	fmt.Fprintf(stderr, "%s: reset session %s\n", progName, s.ID())
	return exitOK
}

// ageFlag is a duration that also accepts days and weeks: "7d", "2w", "36h".
type ageFlag time.Duration

func (a *ageFlag) String() string { return time.Duration(*a).String() }
func (a *ageFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			n, err := strconv.ParseFloat(num, 64)
			if err != nil || n < 0 || n > 1e5 {
				return fmt.Errorf("%q is not a duration (write it like 7d, 36h or 90m)", s)
			}
			*a = ageFlag(time.Duration(n * float64(unit)))
			return nil
		}
	}
	var d durationFlag
	if err := d.Set(s); err != nil {
		return fmt.Errorf("%q is not a duration (write it like 7d, 36h or 90m)", s)
	}
	*a = ageFlag(d)
	return nil
}

func sessionPrune(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("prune", "(--older-than DUR | --keep N) [flags]",
		"Deletes the sessions last used longer ago than --older-than, and all but the\n--keep most recently used. Sessions running code now are left alone.")
	var older ageFlag
	var keep int
	f.Var(&older, "older-than", "delete sessions unused for longer than `DUR`, e.g. 7d, 36h, 90m")
	f.IntVar(&keep, "keep", 0, "keep only the `N` most recently used sessions")
	_, status, ok := f.parseArgs(args, stdout, stderr, 0, 0)
	if !ok {
		return status
	}
	switch {
	case !f.isSet("older-than") && !f.isSet("keep"):
		return f.fail(stderr, "give --older-than DUR, --keep N or both")
	case f.isSet("older-than") && older <= 0:
		return f.fail(stderr, "--older-than must be longer than 0")
	case f.isSet("keep") && keep < 1:
		return f.fail(stderr, "--keep must be at least 1 (use 'session rm' to delete a session)")
	}
	st, status, ok := f.store(stderr)
	if !ok {
		return status
	}
	rep, err := st.Prune(ctx, sandbox.PruneOptions{OlderThan: time.Duration(older), MaxSessions: keep})
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, rep)
	}
	for _, d := range rep.Deleted {
		fmt.Fprintf(stdout, "%s\t%s\tlast used %s\n", d.ID, formatBytes(d.Bytes), formatAge(d.LastUsedAt))
	}
	fmt.Fprintf(stderr, "%s: pruned %d session(s), freed %s\n", progName, len(rep.Deleted), formatBytes(rep.BytesFreed))
	return exitOK
}

func sessionLs(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("ls", "ID [DIR] [flags]", "Lists the files below DIR (default: all) of a session's workspace, with sizes.\nSymbolic links are shown, not followed.")
	s, pos, status, ok := f.parseOpen(args, stdout, stderr, 2)
	if !ok {
		return status
	}
	dir := ""
	if len(pos) == 2 {
		dir = pos[1]
	}
	files, err := s.ListFiles(dir)
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, struct {
			ID    string                `json:"session_id"`
			Files []sandbox.SessionFile `json:"files"`
		}{s.ID(), files})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, fi := range files {
		name := fi.Path
		size := strconv.FormatInt(fi.Size, 10)
		switch fi.Type {
		case "dir":
			name, size = name+"/", "-"
		case "symlink":
			name += "@"
		}
		fmt.Fprintf(tw, "%s\t  %s\t\n", size, name)
	}
	tw.Flush()
	return exitOK
}

func sessionPut(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := newSessionFlags("put", "ID LOCAL [REMOTE] [flags]",
		"Copies the local file LOCAL (\"-\" for standard input) into the session's workspace\nas REMOTE (default: LOCAL's name; a REMOTE ending in / is a directory).\nMissing directories are created.")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 2, 3)
	if !ok {
		return status
	}
	local, remote := pos[1], ""
	if len(pos) == 3 {
		remote = pos[2]
	}
	if local == "-" && (remote == "" || strings.HasSuffix(remote, "/")) {
		return f.fail(stderr, "give REMOTE when reading standard input")
	}
	if remote == "" || strings.HasSuffix(remote, "/") {
		remote += filepath.Base(local)
	}
	s, status, ok := f.open(pos[0], stderr)
	if !ok {
		return status
	}
	// Never read more than the workspace may hold.
	limit := s.Policy().WorkspaceMaxBytes
	var data []byte
	var err error
	if local == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, limit+1))
	} else {
		data, err = readLocal(local, limit)
	}
	if err != nil {
		printError(stderr, f.cmd, err)
		return exitUsage
	}
	if int64(len(data)) > limit {
		printError(stderr, f.cmd, fmt.Errorf("%w: %s is larger than the workspace may hold (workspace_max_bytes %d)", sandbox.ErrWorkspaceFull, local, limit))
		return exitUsage
	}
	if err := s.WriteFile(ctx, remote, data); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": s.ID(), "path": workspacePath(remote), "bytes": len(data)})
	}
	return exitOK
}

// readLocal reads a local regular file of at most limit (+1) bytes.
func readLocal(name string, limit int64) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory (put copies one file)", name)
	}
	return io.ReadAll(io.LimitReader(fh, limit+1))
}

// workspacePath shows a REMOTE path as the workspace-relative path it names.
func workspacePath(remote string) string {
	return strings.TrimPrefix(path.Clean(remote), "/app/")
}

func sessionGet(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("get", "ID REMOTE [LOCAL] [flags]",
		"Copies the file REMOTE out of the session's workspace to LOCAL (default: REMOTE's\nname in the current directory; \"-\" for standard output). With --json and LOCAL\n\"-\", the content is in the JSON object (content, or content_base64 when it is\nnot UTF-8 text).")
	var max byteSizeFlag = byteSizeFlag(sandbox.DefaultSessionReadMaxBytes)
	f.Var(&max, "max", "refuse files larger than `BYTES`")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 2, 3)
	if !ok {
		return status
	}
	remote, local := pos[1], ""
	if len(pos) == 3 {
		local = pos[2]
	}
	if local == "" {
		local = path.Base(path.Clean(remote))
		if local == "/" || local == "." || local == ".." {
			return f.fail(stderr, "give LOCAL: %q has no file name", remote)
		}
	}
	s, status, ok := f.open(pos[0], stderr)
	if !ok {
		return status
	}
	data, err := s.ReadFile(remote, int64(max))
	if err != nil {
		return f.report(stderr, err)
	}
	out := map[string]any{"session_id": s.ID(), "path": workspacePath(remote), "bytes": len(data)}
	if local == "-" {
		if !f.json {
			if _, err := stdout.Write(data); err != nil {
				printError(stderr, f.cmd, err)
				return exitInternal
			}
			return exitOK
		}
		if utf8.Valid(data) {
			out["content"] = string(data)
		} else {
			out["content_base64"] = base64.StdEncoding.EncodeToString(data)
		}
		return printJSON(stdout, stderr, f.cmd, out)
	}
	if err := os.WriteFile(local, data, 0o644); err != nil {
		printError(stderr, f.cmd, err)
		return exitUsage
	}
	if f.json {
		out["local"] = local
		return printJSON(stdout, stderr, f.cmd, out)
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
