package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// ExecuteCodeInput is the arguments of execute_code.
type ExecuteCodeInput struct {
	// Code is the program to run.
	Code string `json:"code" jsonschema:"The complete program to run. Print what you want to see: only stdout and stderr are returned."`
	// Language is "python" or "javascript".
	Language string `json:"language" jsonschema:"The language of the code: python or javascript. In a session it must be the session's language."`
	// SessionID runs the code in that session.
	SessionID string `json:"session_id,omitempty" jsonschema:"Run in this session (from create_session), keeping its files and, with auto_persist_globals, its globals. Omit to run in a fresh throwaway workspace."`
	// Stdin is the program's standard input.
	Stdin string `json:"stdin,omitempty" jsonschema:"Text the program reads from standard input (Python input() and sys.stdin, JavaScript fs.readFileSync(0) and process.stdin). Omit for none."`
	// Argv are the program's arguments.
	Argv []string `json:"argv,omitempty" jsonschema:"Arguments for the program, as after a script on a command line: Python sys.argv[1:], JavaScript process.argv[2:]."`
	// Env adds environment variables.
	Env map[string]string `json:"env,omitempty" jsonschema:"Environment variables to add for this execution (os.environ, process.env), over the server's."`
	limitArgs
}

// limitArgs are the optional limits a client may lower for one execution
// or a session.
type limitArgs struct {
	// FuelBudget lowers the instruction budget.
	FuelBudget int64 `json:"fuel_budget,omitempty" jsonschema:"Instruction budget for this execution; at most the server's maximum (see list_runtimes). Omit for the maximum."`
	// MemoryBytes lowers the memory cap.
	MemoryBytes int64 `json:"memory_bytes,omitempty" jsonschema:"Memory cap in bytes for this execution, at least 16777216 (16 MiB) and at most the server's maximum. Omit for the maximum."`
	// TimeoutSeconds lowers the wall-clock deadline.
	TimeoutSeconds float64 `json:"timeout_seconds,omitempty" jsonschema:"Wall-clock deadline in seconds for this execution; at most the server's maximum. Omit for the maximum."`
}

// ListRuntimesInput is the (empty) arguments of list_runtimes.
type ListRuntimesInput struct{}

// ListRuntimesOutput is the result of list_runtimes.
type ListRuntimesOutput struct {
	// Runtimes lists every language the sandbox knows.
	Runtimes []RuntimeInfo `json:"runtimes" jsonschema:"Every language the sandbox knows, available or not."`
	// Workspace is the guest's working directory.
	Workspace string `json:"workspace" jsonschema:"The guest's working directory, where code reads and writes its files."`
	// Mounts lists extra directories the guest sees.
	Mounts []MountInfo `json:"mounts" jsonschema:"Extra directories every execution sees (read-only unless writable)."`
	// Network is always false: the guest has no network.
	Network bool `json:"network" jsonschema:"Always false: code has no network access."`
	// Limits are the server's limits.
	Limits Limits `json:"limits" jsonschema:"The limits in force; the execution limits are maximums a call may lower."`
}

// RuntimeInfo describes one language runtime.
type RuntimeInfo struct {
	// Language is the name to pass as language.
	Language string `json:"language" jsonschema:"The name to pass as the language argument."`
	// Version is the interpreter and its version.
	Version string `json:"version" jsonschema:"The interpreter and its version."`
	// Package is the pinned package the runtime is built from.
	Package string `json:"package" jsonschema:"The pinned package the runtime is built from."`
	// Available tells whether code in this language can run now.
	Available bool `json:"available" jsonschema:"Whether code in this language can run on this server now."`
	// UnavailableReason says why not, when Available is false.
	UnavailableReason string `json:"unavailable_reason,omitempty" jsonschema:"Why the language cannot run now, when available is false."`
	// Libraries says what code may import.
	Libraries string `json:"libraries" jsonschema:"What code may import or require."`
	// Packages are the installed packages code may import.
	Packages []PackageInfo `json:"packages" jsonschema:"Installed third-party packages that code in this language may import (read-only); empty when there are none."`
	// Notes are further facts about the environment.
	Notes []string `json:"notes" jsonschema:"Further facts about the environment code runs in."`
}

// MountInfo is a directory shown to every execution.
type MountInfo struct {
	// Path is where the guest sees it.
	Path string `json:"path" jsonschema:"The guest path of the directory."`
	// Writable is true for a read-write mount.
	Writable bool `json:"writable" jsonschema:"Whether code may change files there."`
}

// Limits are the limits in force on the server.
type Limits struct {
	FuelBudget        int64   `json:"fuel_budget" jsonschema:"Maximum instruction budget of one execution."`
	MemoryBytes       int64   `json:"memory_bytes" jsonschema:"Maximum guest memory of one execution, in bytes."`
	TimeoutSeconds    float64 `json:"timeout_seconds" jsonschema:"Maximum wall-clock time of one execution, in seconds."`
	StdoutMaxBytes    int64   `json:"stdout_max_bytes" jsonschema:"Bytes of stdout kept per execution; the rest is discarded."`
	StderrMaxBytes    int64   `json:"stderr_max_bytes" jsonschema:"Bytes of stderr kept per execution; the rest is discarded."`
	MaxCodeBytes      int64   `json:"max_code_bytes" jsonschema:"Largest code accepted, in bytes."`
	MaxFileBytes      int64   `json:"max_file_bytes" jsonschema:"Largest file content read_file returns or write_file accepts, in bytes."`
	WorkspaceMaxBytes int64   `json:"workspace_max_bytes" jsonschema:"Largest total size of the workspace, in bytes: code that writes past it is stopped, and a session whose workspace is over it refuses executions until files are removed."`
	MaxConcurrent     int     `json:"max_concurrent" jsonschema:"Executions that run at once; further calls wait their turn."`
	MaxSessions       int     `json:"max_sessions" jsonschema:"Sessions that may exist at once."`
	SessionTTLSeconds float64 `json:"session_ttl_seconds" jsonschema:"A session unused for this many seconds is deleted with its files."`
}

func (s *server) addExecTools(srv *mcp.Server) {
	in := mustSchema[ExecuteCodeInput]()
	s.tuneLimitSchema(in)
	in.Properties["language"].Enum = runtimeEnum()
	addTool(srv, s.log, &mcp.Tool{
		Name:         "execute_code",
		Title:        "Run code in the sandbox",
		Description:  s.executeCodeDescription(),
		InputSchema:  in,
		OutputSchema: resultSchema(),
		Annotations: &mcp.ToolAnnotations{
			Title:           "Run code in the sandbox",
			DestructiveHint: boolPtr(false),
			OpenWorldHint:   boolPtr(false),
		},
	}, s.executeCode)

	addTool(srv, s.log, &mcp.Tool{
		Name:        "list_runtimes",
		Title:       "List languages and limits",
		Description: s.listRuntimesDescription(),
		Annotations: &mcp.ToolAnnotations{
			Title:          "List languages and limits",
			ReadOnlyHint:   true,
			IdempotentHint: true,
			OpenWorldHint:  boolPtr(false),
		},
	}, s.listRuntimes)
}

// tuneLimitSchema adds the server's maximums to the limit arguments of an
// input schema, so that a client that validates sees them too.
func (s *server) tuneLimitSchema(in *jsonschema.Schema) {
	one, minMem := 1.0, float64(sandbox.MinMemoryBytes)
	fuel, mem, secs := float64(s.policy.FuelBudget), float64(s.policy.MemoryBytes), s.policy.Timeout.Seconds()
	in.Properties["fuel_budget"].Minimum = &one
	in.Properties["fuel_budget"].Maximum = &fuel
	in.Properties["memory_bytes"].Minimum = &minMem
	in.Properties["memory_bytes"].Maximum = &mem
	in.Properties["timeout_seconds"].ExclusiveMinimum = new(float64)
	in.Properties["timeout_seconds"].Maximum = &secs
}

// runtimeEnum lists the runtime names for a schema's enum.
func runtimeEnum() []any {
	var e []any
	for _, r := range sandbox.Runtimes() {
		e = append(e, string(r))
	}
	return e
}

// resultSchema is the output schema of execute_code: the sandbox's own
// Result schema, with its outcome and runtime enums.
func resultSchema() *jsonschema.Schema {
	b, err := sandbox.ResultSchema()
	if err != nil {
		panic("mcpserver: " + err.Error())
	}
	var sch jsonschema.Schema
	if err := json.Unmarshal(b, &sch); err != nil {
		panic("mcpserver: result schema: " + err.Error())
	}
	return &sch
}

// errCancelled is the error of an execution whose call was cancelled; the
// client that cancelled it does not read it (see addTool).
var errCancelled = errors.New("the execution was cancelled")

// parseLanguage checks the language argument.
func parseLanguage(name string) (sandbox.Runtime, error) {
	rt, err := sandbox.ParseRuntime(strings.ToLower(strings.TrimSpace(name)))
	if err != nil {
		return "", argError("language", "%q is not a language this sandbox runs; use \"python\" or \"javascript\"", name)
	}
	return rt, nil
}

// applyLimits lowers p's limits to those a client asked for in l, refusing
// (with an error naming the argument) anything above the server's ceiling
// or otherwise unusable.
func (s *server) applyLimits(p sandbox.Policy, l limitArgs) (sandbox.Policy, error) {
	ceil := s.policy
	switch {
	case l.FuelBudget < 0:
		return p, argError("fuel_budget", "%d is negative; give a positive budget, at most %d, or omit it for the maximum", l.FuelBudget, ceil.FuelBudget)
	case l.FuelBudget > ceil.FuelBudget:
		return p, argError("fuel_budget", "%d is more than this server allows; ask for at most %d, or make the work smaller", l.FuelBudget, ceil.FuelBudget)
	case l.FuelBudget > 0:
		p.FuelBudget = l.FuelBudget
	}
	switch {
	case l.MemoryBytes < 0:
		return p, argError("memory_bytes", "%d is negative; give a size in bytes, at most %d, or omit it for the maximum", l.MemoryBytes, ceil.MemoryBytes)
	case l.MemoryBytes > ceil.MemoryBytes:
		return p, argError("memory_bytes", "%d is more than this server allows; ask for at most %d (%s)", l.MemoryBytes, ceil.MemoryBytes, formatBytes(ceil.MemoryBytes))
	case l.MemoryBytes > 0 && l.MemoryBytes < sandbox.MinMemoryBytes:
		return p, argError("memory_bytes", "%d is below %d (16 MiB), the least the runtimes need to start", l.MemoryBytes, sandbox.MinMemoryBytes)
	case l.MemoryBytes > 0:
		p.MemoryBytes = l.MemoryBytes
	}
	max := ceil.Timeout.Seconds()
	switch t := l.TimeoutSeconds; {
	case math.IsNaN(t) || t < 0:
		return p, argError("timeout_seconds", "%v is negative; give a number of seconds, at most %v, or omit it for the maximum", t, max)
	case t > max:
		return p, argError("timeout_seconds", "%v is more than this server allows; ask for at most %v", t, max)
	case t > 0:
		d := time.Duration(t * float64(time.Second))
		if d < time.Millisecond {
			return p, argError("timeout_seconds", "%v is too short to run anything; give at least 0.001", t)
		}
		p.Timeout = d
	}
	return p, nil
}

// checkCode refuses code over the server's size cap before anything runs.
func (s *server) checkCode(code string, p sandbox.Policy) error {
	if int64(len(code)) > p.MaxCodeBytes {
		return argError("code", "%d bytes is more than the %d bytes (max_code_bytes) this server accepts; send smaller code, or write data to a file with write_file in a session and read it from the code",
			len(code), p.MaxCodeBytes)
	}
	return nil
}

// executeCode implements execute_code.
func (s *server) executeCode(ctx context.Context, in *ExecuteCodeInput) (*sandbox.Result, error) {
	rt, err := parseLanguage(in.Language)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Code) == "" {
		return nil, argError("code", "is empty; give the program to run")
	}
	if err := s.checkCode(in.Code, s.policy); err != nil {
		return nil, err
	}
	if int64(len(in.Stdin)) > s.cfg.MaxFileBytes {
		return nil, argError("stdin", "%d bytes is more than the %d bytes execute_code accepts; write the input to a file in a session (write_file) and read it from there", len(in.Stdin), s.cfg.MaxFileBytes)
	}
	if err := checkArgvEnv(in.Argv, in.Env); err != nil {
		return nil, err
	}
	if in.SessionID != "" {
		return s.executeInSession(ctx, in, rt)
	}
	p, err := s.applyLimits(s.policy, in.limitArgs)
	if err != nil {
		return nil, err
	}
	sb, err := sandbox.New(rt, append(s.options(p), in.callOptions()...)...)
	if err != nil {
		return nil, s.runtimeError(rt, err)
	}
	res, err := s.run(ctx, sb, in.Code)
	if !settled(err) {
		return nil, s.internalError("the server could not run the code", err)
	}
	s.trimOutput(ctx, res, nil)
	return res, err
}

// baseOptions are the options of every sandbox the server makes, but for
// the policy (or session).
func (s *server) baseOptions() []sandbox.Option {
	opts := []sandbox.Option{
		sandbox.WithRuntimeDir(s.cfg.RuntimeHome),
		sandbox.WithLogger(s.log),
	}
	if s.cfg.AutoInstall {
		opts = append(opts, sandbox.WithAutoInstall(nil))
	}
	return opts
}

// options are the options of a sandbox that runs under p.
func (s *server) options(p sandbox.Policy) []sandbox.Option {
	return append(s.baseOptions(), sandbox.WithPolicy(p))
}

// run executes code in sb once a slot is free, and turns the result into
// the tool's answer: the Result, with a *failure carrying a hint when the
// guest did not succeed. Any other error is the sandbox's, as it came,
// but for code over the size cap (a bad argument) and a cancelled call;
// the caller decides how to report it (settled tells which is which).
func (s *server) run(ctx context.Context, sb sandbox.Sandbox, code string) (*sandbox.Result, error) {
	release, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	done := s.metrics.executionStarted(sb.Runtime())
	res, err := sb.Execute(ctx, code)
	if err != nil {
		switch {
		case errors.Is(err, sandbox.ErrCodeTooLarge):
			done(nil, err)
			return nil, argError("code", "%v", err)
		case errors.Is(err, sandbox.ErrCancelled) || ctx.Err() != nil:
			done(nil, errCancelled)
			return nil, errCancelled
		}
		done(nil, err)
		return nil, err
	}
	done(res, nil)
	if !res.Success {
		return res, &failure{hint: s.hint(res, sb.Policy())}
	}
	return res, nil
}

// settled reports whether err, as run returned it, is the tool's answer
// already (nil, a *failure, a bad argument, a cancelled call), rather than
// a sandbox error for the caller to explain.
func settled(err error) bool {
	var fail *failure
	var wire *jsonrpc.Error
	return err == nil || errors.As(err, &fail) || errors.As(err, &wire) || errors.Is(err, errCancelled) || errors.Is(err, errDraining)
}

// listRuntimes implements list_runtimes.
func (s *server) listRuntimes(ctx context.Context, _ *ListRuntimesInput) (*ListRuntimesOutput, error) {
	out := &ListRuntimesOutput{
		Workspace: s.policy.GuestWorkspace,
		Mounts:    mountInfos(s.policy.Mounts),
		Limits:    s.limits(),
	}
	for _, rt := range sandbox.Runtimes() {
		out.Runtimes = append(out.Runtimes, s.runtimeInfo(rt))
	}
	return out, nil
}

// mountInfos describes mounts for a tool's output (never nil, so that the
// JSON has a list).
func mountInfos(mounts []sandbox.Mount) []MountInfo {
	out := []MountInfo{}
	for _, m := range mounts {
		out = append(out, MountInfo{Path: m.Guest, Writable: m.Writable})
	}
	return out
}

// limits reports the server's limits.
func (s *server) limits() Limits {
	p := s.policy
	return Limits{
		FuelBudget:        p.FuelBudget,
		MemoryBytes:       p.MemoryBytes,
		TimeoutSeconds:    p.Timeout.Seconds(),
		StdoutMaxBytes:    p.StdoutMaxBytes,
		StderrMaxBytes:    p.StderrMaxBytes,
		MaxCodeBytes:      p.MaxCodeBytes,
		MaxFileBytes:      s.cfg.MaxFileBytes,
		WorkspaceMaxBytes: p.WorkspaceMaxBytes,
		MaxConcurrent:     s.cfg.MaxConcurrent,
		MaxSessions:       s.cfg.MaxSessions,
		SessionTTLSeconds: s.cfg.SessionTTL.Seconds(),
	}
}

// runtimeInfo describes rt and checks whether it can run now: installed
// (or installable on first use) and implemented in this build.
func (s *server) runtimeInfo(rt sandbox.Runtime) RuntimeInfo {
	a, _ := runtimes.ByName(string(rt))
	info := RuntimeInfo{Language: string(rt), Package: a.Spec(), Notes: []string{}}
	switch rt {
	case sandbox.Python:
		info.Version = "CPython 3.12 (WASI)"
		info.Libraries = s.pythonLibraries()
		info.Packages = s.installed(rt)
		info.Notes = []string{
			"Runs as `python -I -X utf8 -u`: isolated mode, UTF-8, unbuffered output.",
			"The code runs as __main__ with " + s.policy.GuestWorkspace + " as the working directory; tracebacks name it main.py.",
			"No network, no subprocess, no threads, no multiprocessing.",
		}
	case sandbox.JavaScript:
		info.Version = "QuickJS-NG (WASI)"
		info.Libraries = "Built-in ECMAScript plus a Node-style console, timers, process, Buffer, TextEncoder/TextDecoder and require('fs'), require('path'), require('util'); files in the workspace can be required or imported. " + s.javascriptPackages()
		info.Packages = s.installed(rt)
		info.Notes = []string{
			"QuickJS is not Node.js: there is no http, net, child_process or worker_threads, and no fetch.",
			"The code runs as a script, or as an ES module when it uses import or export; top-level await works in both.",
		}
	}
	info.Notes = append(info.Notes, "The working directory is "+s.policy.GuestWorkspace+"; nothing else of the host is visible except the mounts listed.")

	_, err := sandbox.New(rt, sandbox.WithPolicy(s.policy), sandbox.WithRuntimeDir(s.cfg.RuntimeHome))
	switch {
	case err == nil:
		info.Available = true
	case errors.Is(err, sandbox.ErrRuntimeNotInstalled) && s.cfg.AutoInstall:
		// Installed (and compiled) on first use, which takes a while.
		info.Available = true
		info.Notes = append(info.Notes, "Not installed yet: the first execution installs it, which can take a minute.")
	case errors.Is(err, sandbox.ErrNotImplemented):
		info.UnavailableReason = "Not available in this server yet; use python."
	case errors.Is(err, sandbox.ErrRuntimeNotInstalled):
		info.UnavailableReason = fmt.Sprintf("Not installed on the server; its operator must run `wasmsandbox runtimes install %s`.", rt)
	default:
		// The error can name host paths: log it, and say only that.
		s.log.Error("runtime unavailable", "runtime", rt, "error", err)
		info.UnavailableReason = "The server cannot load it " + internalDetail + "."
	}
	return info
}

// Bounds on the arguments and environment one execute_code call may add.
const (
	maxArgs     = 256
	maxEnvVars  = 256
	maxArgBytes = 64 << 10
)

// checkArgvEnv refuses arguments and environment variables no command line
// could carry, or too many of them.
func checkArgvEnv(argv []string, env map[string]string) error {
	total := 0
	if len(argv) > maxArgs {
		return argError("argv", "%d arguments is more than %d; pass the data in stdin or a file instead", len(argv), maxArgs)
	}
	for i, a := range argv {
		if strings.ContainsRune(a, 0) {
			return argError("argv", "argument %d holds a NUL byte; remove it", i)
		}
		total += len(a)
	}
	if len(env) > maxEnvVars {
		return argError("env", "%d variables is more than %d", len(env), maxEnvVars)
	}
	for k, v := range env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			return argError("env", "%q: a name must be non-empty without '=' or NUL bytes, a value without NUL bytes", k)
		}
		total += len(k) + len(v)
	}
	if total > maxArgBytes {
		return argError("argv", "arguments and environment add up to %d bytes, more than %d; pass the data in stdin or a file instead", total, maxArgBytes)
	}
	return nil
}

// callOptions are the sandbox options of this call's stdin, arguments and
// environment.
func (in *ExecuteCodeInput) callOptions() []sandbox.Option {
	return []sandbox.Option{sandbox.WithStdin([]byte(in.Stdin)), sandbox.WithArgs(in.Argv...), sandbox.WithEnv(in.Env)}
}
