package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/textfmt"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run a Python or JavaScript program in a sandbox",
		run:     withJSONErrors(runCmd),
	})
}

const runAbout = `Runs a program inside a WebAssembly sandbox. The program comes from FILE, from
-c CODE, or from standard input ("-"). Its language is --lang, else the file's
extension (.py is python; .js, .mjs and .cjs are javascript), else its "#!" line,
else python.

Limits come from the policy file (--policy, TOML or JSON) with defaults for every
key it leaves out; the flags below override it. Without --json the program's
output streams to ours and a one-line summary goes to stderr; with --json exactly
one Result object is printed to stdout, and nothing else, or, when the command
fails before there is a Result (exit 3 or 4), one {"error": MESSAGE, "exit_code":
N} object with the message also written to stderr.

The first run on a machine installs the runtime with npm and compiles it once
(progress is shown on a terminal; 'wasmsandbox runtimes install' does it ahead).`

const runExamples = `Examples:
  wasmsandbox run -c 'import sys; print(sys.version)'
  wasmsandbox run --policy policy.toml --mount ./data:/data --json analysis.py
  echo 'console.log(6 * 7)' | wasmsandbox run --lang javascript -
`

// runOptions are the parsed flags and argument of `wasmsandbox run`.
type runOptions struct {
	lang       string
	policyFile string
	fuel       countFlag
	memory     byteSizeFlag
	timeout    durationFlag
	workspace  string
	mounts     listFlag
	env        listFlag
	session    string
	json       bool
	home       string
	code       string

	// sessionsDir is the session store of --session (see session.go).
	sessionsDir string
}

// runCmd implements `wasmsandbox run`.
func runCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o runOptions
	fs := newFlagSet("run", "[flags] (FILE | -c CODE | -) [ARG...]", runAbout)
	fs.after = exitStatusHelp + "\n" + runExamples
	fs.StringVar(&o.code, "c", "", "run `CODE` given as a string (instead of FILE)")
	fs.StringVar(&o.lang, "lang", "", "program language `LANG`: python or javascript (default: from the file extension, else the #! line, else python)")
	fs.StringVar(&o.policyFile, "policy", "", "read limits and mounts from policy `FILE` (.toml or .json)")
	fs.Var(&o.fuel, "fuel", "fuel (instruction) budget `N`, e.g. 2000000000 or 2G (policy fuel_budget; default 40G)")
	fs.Var(&o.memory, "memory", "guest memory cap in `BYTES`, e.g. 67108864, 64MiB, 1GiB (policy memory_bytes; default 128MiB)")
	fs.Var(&o.timeout, "timeout", "wall-clock deadline `DUR`, e.g. 10s, 1m30s, 500ms (policy timeout; default 30s)")
	fs.StringVar(&o.workspace, "workspace", "", "host `DIR` mounted read-write at /app (default: a fresh temporary directory)")
	fs.Var(&o.mounts, "mount", "mount host directory HOST at guest path GUEST, read-only unless :rw\n(`HOST:GUEST[:rw]`; repeatable; added to the policy's mounts)")
	fs.Var(&o.env, "env", "add environment variable `NAME=VALUE` for the program (repeatable)")
	fs.StringVar(&o.session, "session", "", "run in session `ID` (workspace and state kept between runs)")
	fs.StringVar(&o.sessionsDir, "sessions-dir", "", "session store `DIR` of --session (default: $WASMSANDBOX_SESSIONS_DIR, else ~/.local/share/wasmsandbox/sessions)")
	fs.BoolVar(&o.json, "json", false, "print exactly one Result JSON object on stdout")
	fs.StringVar(&o.home, "home", "", "runtime and compiled-module `DIR` (default: $WASMSANDBOX_HOME, else the user cache dir + /wasmsandbox)")

	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}

	// Where the code comes from: exactly one of -c, FILE and "-"; what
	// follows are the program's arguments (after "--" when they look like
	// flags).
	source := ""
	var progArgs []string
	switch {
	case fs.isSet("c"):
		progArgs = pos
	case len(pos) == 0:
		return fs.fail(stderr, `missing program: give a FILE, -c CODE, or "-" to read standard input`)
	default:
		source, progArgs = pos[0], pos[1:]
	}
	progEnv := map[string]string{}
	for _, kv := range o.env {
		k, v, found := strings.Cut(kv, "=")
		if !found || k == "" || strings.ContainsRune(kv, 0) {
			return fs.fail(stderr, "--env: %q is not NAME=VALUE", kv)
		}
		progEnv[k] = v
	}

	var rt sandbox.Runtime
	if o.lang != "" {
		r, err := sandbox.ParseRuntime(strings.ToLower(o.lang))
		if err != nil {
			return fs.fail(stderr, "--lang: %v", err)
		}
		rt = r
	} else if source != "" && source != "-" {
		r, known := runtimeForFile(source)
		if !known && filepath.Ext(source) != "" {
			return fs.fail(stderr, "cannot tell the language of %s from its extension %q; pass --lang python or --lang javascript", source, filepath.Ext(source))
		}
		if known {
			rt = r
		}
		// Without an extension the "#!" line decides, once the code is read.
	}

	var sess *sandbox.Session
	if o.session != "" {
		s, status, ok := openRunSession(fs, &o, &rt, stderr)
		if !ok {
			return status
		}
		sess = s
	}

	p, err := buildPolicy(fs, &o)
	if err != nil {
		printError(stderr, "run", err)
		return exitFor(err)
	}
	if sess != nil {
		p = sess.Policy()
	}

	// Read the code, never more than max_code_bytes (+1 to notice).
	limit := p.WithDefaults().MaxCodeBytes
	code := o.code
	switch source {
	case "":
	case "-":
		code, err = readLimited(stdin, limit)
		if err != nil {
			printError(stderr, "run", fmt.Errorf("reading the program from standard input: %w", err))
			return exitUsage
		}
	default:
		code, err = readFileLimited(source, limit)
		if err != nil {
			printError(stderr, "run", err)
			return exitFor(err)
		}
	}
	if int64(len(code)) > limit {
		err := fmt.Errorf("%w: the program is larger than max_code_bytes (%d bytes); send less code or raise the limit in the policy", sandbox.ErrCodeTooLarge, limit)
		printError(stderr, "run", err)
		return exitUsage
	}
	if rt == "" {
		rt = runtimeForShebang(code)
	}
	// The program's standard input is ours when the code came from a file
	// or -c and ours is a pipe or a file (not a terminal or a device).
	var input []byte
	if source != "-" && readableInput(stdin) {
		input, err = io.ReadAll(io.LimitReader(stdin, sandbox.MaxStdinBytes+1))
		if err != nil {
			printError(stderr, "run", fmt.Errorf("reading standard input for the program: %w", err))
			return exitUsage
		}
		if len(input) > sandbox.MaxStdinBytes {
			printError(stderr, "run", fmt.Errorf("%w: standard input is larger than %d bytes; give the program less input, or put it in a file in the workspace", sandbox.ErrCodeTooLarge, sandbox.MaxStdinBytes))
			return exitUsage
		}
	}

	var progress io.Writer
	if !o.json && isTerminal(stderr) {
		progress = stderr
	}
	opts := []sandbox.Option{
		sandbox.WithPolicy(p),
		sandbox.WithRuntimeDir(o.home),
		sandbox.WithAutoInstall(progress),
		sandbox.WithStdin(input),
		sandbox.WithArgs(progArgs...),
		sandbox.WithEnv(progEnv),
	}
	if source != "" && source != "-" {
		// A program runs as its own file name in the workspace.
		opts = append(opts, sandbox.WithScriptName(filepath.Base(source)))
	}
	if sess != nil {
		opts[0] = sandbox.WithSession(sess) // the session's own policy applies
	}
	var tracker *lineTracker
	if !o.json {
		tracker = &lineTracker{}
		opts = append(opts, sandbox.WithOutput(tracker.wrap(stdout), tracker.wrap(stderr)))
	}
	sb, err := sandbox.New(rt, opts...)
	if err != nil {
		printNewError(stderr, "run", rt, err)
		return exitFor(err)
	}

	res, err := sb.Execute(ctx, code)
	interrupted := errors.Is(err, sandbox.ErrCancelled)
	if err != nil && (!interrupted || res == nil) {
		if interrupted {
			fmt.Fprintf(stderr, "%s: interrupted\n", progName)
		} else {
			printError(stderr, "run", err)
		}
		return exitFor(err)
	}

	if o.json {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			printError(stderr, "run", fmt.Errorf("encoding the result: %w", err))
			return exitInternal
		}
		if _, err := stdout.Write(append(b, '\n')); err != nil {
			printError(stderr, "run", fmt.Errorf("writing the result: %w", err))
			return exitInternal
		}
	} else {
		if tracker.needsNewline() {
			fmt.Fprintln(stderr)
		}
		writeSummary(stderr, res, sb.Policy(), interrupted)
	}
	if interrupted {
		if o.json {
			fmt.Fprintf(stderr, "%s: interrupted\n", progName)
		}
		return exitInterrupted
	}
	return exitForOutcome(res.Outcome)
}

// buildPolicy loads the policy file, if any, and applies the flags over it.
// The result is validated: an error wraps sandbox.ErrInvalidPolicy.
func buildPolicy(fs *flagSet, o *runOptions) (sandbox.Policy, error) {
	var p sandbox.Policy
	if o.policyFile != "" {
		if err := checkPolicyFile(o.policyFile); err != nil {
			return p, err
		}
		var err error
		if p, err = sandbox.LoadPolicy(o.policyFile); err != nil {
			return p, err
		}
	}
	if fs.isSet("fuel") {
		p.FuelBudget = int64(o.fuel)
	}
	if fs.isSet("memory") {
		p.MemoryBytes = int64(o.memory)
	}
	if fs.isSet("timeout") {
		p.Timeout = time.Duration(o.timeout)
	}
	if fs.isSet("workspace") {
		p.Workspace = absPath(o.workspace)
	}
	for _, spec := range o.mounts {
		m, err := parseMount(spec)
		if err != nil {
			return p, fmt.Errorf("%w: --mount %q: %v", sandbox.ErrInvalidPolicy, spec, err)
		}
		p.Mounts = append(p.Mounts, m)
	}
	return p, p.Validate()
}

// parseMount parses HOST:GUEST[:rw] (or :ro). The host path may itself hold
// colons; the guest path is the last colon-separated part before the mode.
// With three or more parts, a last part without a "/" is taken for a mode
// that is neither ro nor rw, and refused as such.
func parseMount(spec string) (sandbox.Mount, error) {
	var m sandbox.Mount
	rest := spec
	if s, ok := strings.CutSuffix(rest, ":rw"); ok {
		rest, m.Writable = s, true
	} else if s, ok := strings.CutSuffix(rest, ":ro"); ok {
		rest = s
	} else if parts := strings.Split(rest, ":"); len(parts) >= 3 && !strings.Contains(parts[len(parts)-1], "/") {
		return m, fmt.Errorf("%q is not a mode; use ro or rw, or omit it for read-only (want HOST:GUEST[:ro|:rw], e.g. ./data:/data:rw)", parts[len(parts)-1])
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return m, errors.New("want HOST:GUEST or HOST:GUEST:rw, e.g. ./data:/data")
	}
	host, guest := rest[:i], rest[i+1:]
	if host == "" {
		return m, errors.New("the host directory is empty (want HOST:GUEST[:rw])")
	}
	if !strings.HasPrefix(guest, "/") {
		return m, fmt.Errorf("the guest path %q must be absolute, e.g. /data (want HOST:GUEST[:rw])", guest)
	}
	m.Host, m.Guest = absPath(host), guest
	return m, nil
}

// absPath makes a host path absolute, leaving it as it is if that fails.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// runtimeForFile picks the runtime from a file name's extension; known is
// false when the extension is not one we know (python is returned then).
func runtimeForFile(name string) (rt sandbox.Runtime, known bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".py", ".pyw":
		return sandbox.Python, true
	case ".js", ".mjs", ".cjs":
		return sandbox.JavaScript, true
	}
	return sandbox.Python, false
}

// runtimeForShebang picks the runtime from a "#!" first line, else Python.
// The interpreter is the first word of the line, or with env (#!/usr/bin/env
// [OPTION ...] [NAME=VALUE ...] PROG) the first word after env's options
// and assignments; its base name without a version suffix decides: node,
// nodejs, qjs, quickjs, deno and bun are JavaScript, and anything else
// (python, python3, python3.12, ...) is Python.
func runtimeForShebang(code string) sandbox.Runtime {
	line, _, _ := strings.Cut(code, "\n")
	rest, ok := strings.CutPrefix(line, "#!")
	if !ok {
		return sandbox.Python
	}
	words := strings.Fields(rest)
	if len(words) == 0 {
		return sandbox.Python
	}
	prog := path.Base(words[0])
	if prog == "env" {
		prog = ""
		for i := 1; i < len(words) && prog == ""; i++ {
			switch w := words[i]; {
			case w == "-u" || w == "-C" || w == "--unset" || w == "--chdir":
				i++ // and its argument, NAME or DIR
			case strings.HasPrefix(w, "-") || strings.Contains(w, "="):
				// another option of env (-S, -i, ...) or NAME=VALUE
			default:
				prog = path.Base(w)
			}
		}
	}
	switch strings.TrimRight(prog, "0123456789.-_") {
	case "node", "nodejs", "qjs", "quickjs", "deno", "bun":
		return sandbox.JavaScript
	}
	return sandbox.Python
}

// usageErr marks an error as a usage or configuration error (exit 3).
type usageErr struct{ error }

func (e usageErr) Unwrap() error { return e.error }

// printNewError reports an error of sandbox.New with a hint where one helps.
func printNewError(stderr io.Writer, cmd string, rt sandbox.Runtime, err error) {
	printError(stderr, cmd, err)
	switch {
	case errors.Is(err, sandbox.ErrNotImplemented):
		fmt.Fprintf(stderr, "%s: the %s runtime is not available in this build\n", progName, rt)
	case errors.Is(err, sandbox.ErrRuntimeNotInstalled):
		fmt.Fprintf(stderr, "%s: installing runtimes needs the npm client on PATH; see '%s runtimes install --help'\n", progName, progName)
	}
}

// lineTracker remembers the last byte the guest wrote to either stream, so
// that the summary line starts on a line of its own.
type lineTracker struct {
	mu    sync.Mutex
	last  byte
	wrote bool
}

// wrap returns w, recording what is written through it.
func (t *lineTracker) wrap(w io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		n, err := w.Write(p)
		if n > 0 {
			t.mu.Lock()
			t.last, t.wrote = p[n-1], true
			t.mu.Unlock()
		}
		return n, err
	})
}

// needsNewline reports whether the guest's last output ended mid-line.
func (t *lineTracker) needsNewline() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wrote && t.last != '\n'
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// writeSummary writes the one-line summary of res to w, and a note for each
// stream whose output was cut at its cap.
func writeSummary(w io.Writer, res *sandbox.Result, p sandbox.Policy, interrupted bool) {
	stats := fmt.Sprintf("%s, fuel %s/%s, memory %s",
		formatMillis(res.DurationMS), textfmt.Digits(int64(res.FuelConsumed)), textfmt.Digits(res.FuelBudget), formatMiB(res.MemoryPeakBytes))
	switch {
	case interrupted:
		fmt.Fprintf(w, "%s: interrupted after %s\n", progName, stats)
	case res.Outcome == sandbox.OutcomeOK && res.Value != "":
		fmt.Fprintf(w, "%s: ok in %s; value %s\n", progName, stats, oneLineValue(res.Value))
	case res.Outcome == sandbox.OutcomeOK:
		fmt.Fprintf(w, "%s: ok in %s\n", progName, stats)
	default:
		fmt.Fprintf(w, "%s: %s: %s (after %s)\n", progName, res.Outcome, res.Error, stats)
	}
	if res.StdoutTruncated {
		fmt.Fprintf(w, "%s: note: stdout was truncated at %s bytes (stdout_max_bytes); the rest was discarded\n", progName, textfmt.Digits(p.StdoutMaxBytes))
	}
	if res.StderrTruncated {
		fmt.Fprintf(w, "%s: note: stderr was truncated at %s bytes (stderr_max_bytes); the rest was discarded\n", progName, textfmt.Digits(p.StderrMaxBytes))
	}
}

// oneLineValue shortens a result's value for the summary line.
func oneLineValue(v string) string {
	v = strings.ReplaceAll(v, "\n", `\n`)
	if len(v) > 200 {
		v = strings.ToValidUTF8(v[:200], "") + "..."
	}
	return v
}

// formatMillis renders a duration in milliseconds: "152ms", "1.52s", "2m3s".
func formatMillis(ms int64) string {
	switch d := time.Duration(ms) * time.Millisecond; {
	case d < time.Second:
		return strconv.FormatInt(ms, 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	default:
		return d.Round(time.Second).String()
	}
}

// formatMiB renders a byte count in MiB with one decimal: "10.1 MiB".
func formatMiB(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}
