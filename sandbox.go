// Package sandbox runs untrusted Python and JavaScript inside WebAssembly
// with hard, deterministic limits: an instruction budget (fuel), a memory
// cap, a wall-clock deadline, output caps, and a filesystem that shows the
// guest only the directories its Policy mounts.
//
// A Sandbox is created with New and runs code with Execute:
//
//	sb, err := sandbox.New(sandbox.Python, sandbox.WithPolicy(sandbox.Policy{Timeout: 5 * time.Second}))
//	if err != nil { ... }            // invalid policy, runtime not installed, ...
//	res, err := sb.Execute(ctx, "print(2 + 2)")
//	if err != nil { ... }            // the host failed; nothing to learn about the guest
//	fmt.Println(res.Outcome, res.Stdout)
//
// Limits that stop the guest are reported in the Result (its Outcome), not
// as Go errors: a Go error always means the host could not do its job, and
// wraps one of the sentinel errors of this package.
package sandbox

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// Runtime names a guest language runtime.
type Runtime string

// The runtimes a Sandbox can run.
const (
	// Python is CPython 3.12 compiled to WASI, standard library included.
	Python Runtime = "python"
	// JavaScript is QuickJS-NG compiled to WASI, with a Node-style guest API.
	JavaScript Runtime = "javascript"
)

// Runtimes lists every runtime this package knows, in a stable order.
func Runtimes() []Runtime { return []Runtime{Python, JavaScript} }

// ParseRuntime maps a name ("python", "py", "javascript", "js") to a Runtime.
func ParseRuntime(name string) (Runtime, error) {
	switch name {
	case "python", "py", "python3":
		return Python, nil
	case "javascript", "js", "node":
		return JavaScript, nil
	}
	return "", fmt.Errorf("%w: %q (use %q or %q)", ErrUnknownRuntime, name, Python, JavaScript)
}

// Sandbox runs guest code of one runtime under one policy. Every Execute
// gets a fresh WebAssembly instance, so executions never share memory.
// Execute is safe to call from many goroutines at once.
type Sandbox interface {
	// Execute runs code to completion or until a limit stops it. The Result
	// says what the guest did; a non-nil error means the host failed (the
	// code was too large, the context was cancelled, an I/O error) and wraps
	// a sentinel error of this package. On cancellation both are returned:
	// the partial Result and an error wrapping ErrCancelled.
	Execute(ctx context.Context, code string) (*Result, error)
	// Runtime reports the language this sandbox runs.
	Runtime() Runtime
	// Policy reports the validated policy, with defaults filled in.
	Policy() Policy
}

// Option configures New.
type Option func(*options)

type options struct {
	policy      Policy
	logger      *slog.Logger
	home        string
	cacheDir    string
	autoInstall bool
	progress    io.Writer
	stdout      io.Writer
	stderr      io.Writer
	sessionID   string
	stdin       []byte
	args        []string
	env         map[string]string
	scriptName  string
	// session, when set by WithSession, runs every Execute in it.
	session *Session
	// policySet records that WithPolicy was given.
	policySet bool
}

// WithPolicy sets the limits and mounts. Zero fields take their defaults;
// the policy is validated by New.
func WithPolicy(p Policy) Option { return func(o *options) { o.policy = p; o.policySet = true } }

// WithLogger sends structured events (execution.start, execution.complete,
// security.violation) to l. Without it the package logs nothing.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithRuntimeDir sets the directory holding installed runtimes and the
// compiled-module cache. Without it, $WASMSANDBOX_HOME is used, else the
// user cache directory + "/wasmsandbox".
func WithRuntimeDir(dir string) Option { return func(o *options) { o.home = dir } }

// WithCacheDir sets where compiled modules are cached (default: the
// runtime directory + "/modules").
func WithCacheDir(dir string) Option { return func(o *options) { o.cacheDir = dir } }

// WithAutoInstall lets New fetch a missing runtime with the npm client (the
// only network use of this package). Progress lines go to progress when it
// is non-nil. Without this option a missing runtime is ErrRuntimeNotInstalled.
func WithAutoInstall(progress io.Writer) Option {
	return func(o *options) { o.autoInstall = true; o.progress = progress }
}

// WithProgress reports the one-time compile of a runtime to w.
func WithProgress(w io.Writer) Option { return func(o *options) { o.progress = w } }

// WithOutput mirrors the guest's stdout and stderr, as they are produced and
// within the policy's caps, to the given writers (either may be nil). The
// Result still holds the captured text. A writer that is slow or blocks
// never holds up the guest or its deadline: what it cannot take while the
// guest runs is written once the guest has ended, so Execute returns after
// the writers have taken everything kept (or failed).
func WithOutput(stdout, stderr io.Writer) Option {
	return func(o *options) { o.stdout = stdout; o.stderr = stderr }
}

// MaxStdinBytes caps what WithStdin may give the guest (16 MiB).
const MaxStdinBytes = 16 << 20

// WithStdin makes data the guest's standard input in every Execute
// (Python's input() and sys.stdin, JavaScript's fs.readFileSync(0));
// without it the guest reads nothing. More than MaxStdinBytes is refused
// by New with ErrCodeTooLarge.
func WithStdin(data []byte) Option { return func(o *options) { o.stdin = data } }

// WithArgs gives the program arguments, as a command line after the
// script would: Python's sys.argv[1:] and JavaScript's process.argv[2:].
func WithArgs(args ...string) Option {
	return func(o *options) { o.args = append([]string(nil), args...) }
}

// WithScriptName names the program's file, as when Python or Node runs
// that file in the workspace. For Python, __file__ is
// <guest workspace>/name (tracebacks name that path) and sys.argv[0] is
// name; the default is tracebacks naming "main.py" and no __file__. For
// JavaScript, the code runs as <guest workspace>/name, which is then its
// __filename, the directory its __dirname, and process.argv[1]; stack
// traces name it name; the default is "main.js". name must be a plain file
// name (no '/', at most 255 bytes). The CLI passes the base name of the
// FILE it runs.
func WithScriptName(name string) Option { return func(o *options) { o.scriptName = name } }

// WithEnv adds env to the guest's environment in every Execute, over the
// policy's (or, when the policy sets none, the runtime's defaults).
func WithEnv(env map[string]string) Option {
	return func(o *options) { o.env = maps.Clone(env) }
}

// New returns a Sandbox for runtime rt. It validates the policy (errors
// wrap ErrInvalidPolicy and name every bad field) and loads the runtime's
// compiled module, compiling it once per machine and caching it on disk.
func New(rt Runtime, opts ...Option) (Sandbox, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	switch rt {
	case Python, JavaScript:
	default:
		return nil, fmt.Errorf("%w: %q (use %q or %q)", ErrUnknownRuntime, rt, Python, JavaScript)
	}
	for i, a := range o.args {
		if strings.ContainsRune(a, 0) {
			return nil, fmt.Errorf("%w: argument %d holds a NUL byte, which no command line can carry", ErrInvalidPolicy, i+1)
		}
	}
	if n := o.scriptName; n != "" && (len(n) > 255 || n == "." || n == ".." || strings.ContainsAny(n, "/\x00")) {
		return nil, fmt.Errorf("%w: script name %q: give a plain file name such as main.js (no '/', at most 255 bytes)", ErrInvalidPolicy, n)
	}
	for k, v := range o.env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			return nil, fmt.Errorf("%w: environment variable %q: names must be non-empty without '=' or NUL, values without NUL", ErrInvalidPolicy, k)
		}
	}
	if len(o.stdin) > MaxStdinBytes {
		return nil, fmt.Errorf("%w: %d bytes of stdin exceed %d; give less input, or write it to a workspace file", ErrCodeTooLarge, len(o.stdin), MaxStdinBytes)
	}
	p := o.policy.WithDefaults()
	if o.session != nil {
		var err error
		if p, err = o.session.sandboxPolicy(rt, &o); err != nil {
			return nil, err
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	home, err := runtimes.Home(o.home)
	if err != nil {
		return nil, fmt.Errorf("%w: locating the runtime directory: %v", ErrInternal, err)
	}
	o.home = home
	if _, _, err := packageMounts(rt, p, home); err != nil {
		return nil, err
	}
	r, err := loadRuntime(rt, &o)
	if err != nil {
		return nil, err
	}
	cleanTempsOnce()
	return &wasmSandbox{rt: r, policy: p, opts: o}, nil
}

// guestRuntime is one loaded runtime: its compiled module and how to run
// code in an instance of it.
type guestRuntime struct {
	name Runtime
	eng  *engine.Engine
	// module is the compiled module of the runtime's artifact, loaded on
	// first use (a Python execution from the snapshot never needs it).
	module func() (*wasmtime.Module, error)
	// snapshot, when not nil, is the runtime's pre-initialised snapshot,
	// for executions whose spec says Snapshot.
	snapshot *wasmtime.Module
	// version is the runtime's package and version, for results and listings.
	version string
	// run runs the execution's code in a fresh instance of module (see
	// moduleFor).
	run func(x *engine.Execution, module *wasmtime.Module) error
	// defaultArgv fills Policy.Argv when it is nil.
	defaultArgv []string
	// prepare, when not nil, adapts the spec of an execution to the
	// runtime (a snapshot's directory slots, say) before argv.
	prepare func(spec *engine.Spec)
	// argv, when not nil, turns the policy's argv into the guest's full
	// command line, unless the execution runs from a snapshot.
	argv func(base []string, spec *engine.Spec) []string
	// zoneinfo is the host directory of TZif files: the Python guest
	// sees it read-only at ZoneinfoGuestPath, JavaScript's Intl reads it
	// on the host.
	zoneinfo string
	// stage, when not nil, prepares a session's globals for an execution:
	// it returns mounts to add and a function to call once the guest has
	// ended. Runtimes that hand the globals over directly leave it nil.
	stage func(g *engine.Globals) (engine.Mount, func(), error)
}

// moduleFor returns the module an execution of spec runs in.
func (g *guestRuntime) moduleFor(spec *engine.Spec) (*wasmtime.Module, error) {
	if spec.Snapshot && g.snapshot != nil {
		return g.snapshot, nil
	}
	return g.module()
}

// ZoneinfoGuestPath is where a Python guest finds the IANA time-zone
// database as TZif files (zoneinfo's default search path), read-only,
// unless the policy mounts something of its own there.
const ZoneinfoGuestPath = "/usr/share/zoneinfo"

// guestPathTaken reports whether guest path g is, contains or is inside the
// policy's workspace or one of its mounts.
func guestPathTaken(p Policy, g string) bool {
	if overlap(p.GuestWorkspace, g) != "" {
		return true
	}
	for _, m := range p.Mounts {
		if overlap(m.Guest, g) != "" {
			return true
		}
	}
	return false
}

// defaultGuestEnv is the guest's environment when the policy gives none.
func defaultGuestEnv(p Policy) map[string]string {
	return map[string]string{
		"HOME": p.GuestWorkspace,
		"LANG": "C.UTF-8",
		"PWD":  p.GuestWorkspace,
	}
}

// spec turns a validated policy into what the engine enforces for one
// execution of code with workspace ws.
func (g *guestRuntime) spec(p Policy, code, ws string, globals *engine.Globals, o *options) engine.Spec {
	sp := engine.Spec{
		Code:           code,
		Fuel:           uint64(p.FuelBudget),
		MemoryBytes:    p.MemoryBytes,
		Timeout:        p.Timeout,
		StdoutMax:      p.StdoutMaxBytes,
		StderrMax:      p.StderrMaxBytes,
		StdoutMirror:   o.stdout,
		StderrMirror:   o.stderr,
		Workspace:      ws,
		GuestWorkspace: p.GuestWorkspace,
		Env:            p.Env,
		Argv:           p.Argv,
		Stdin:          o.stdin,
		Args:           o.args,
		ScriptName:     o.scriptName,
		Globals:        globals,
	}
	for _, m := range p.Mounts {
		sp.Mounts = append(sp.Mounts, engine.Mount{Host: m.Host, Guest: m.Guest, Writable: m.Writable})
	}
	switch {
	case g.name == JavaScript:
		sp.ZoneDir = g.zoneinfo
	case g.zoneinfo != "" && !guestPathTaken(p, ZoneinfoGuestPath):
		sp.Mounts = append(sp.Mounts, engine.Mount{Host: g.zoneinfo, Guest: ZoneinfoGuestPath})
	}
	if sp.Env == nil {
		sp.Env = defaultGuestEnv(p)
	}
	if len(o.env) > 0 {
		sp.Env = maps.Clone(sp.Env)
		maps.Copy(sp.Env, o.env)
	}
	if sp.Argv == nil {
		sp.Argv = g.defaultArgv
	}
	return sp
}

// finish adapts a spec whose mounts and packages are complete to the
// runtime: its preparation (a snapshot's directory slots) and then argv.
func (g *guestRuntime) finish(sp *engine.Spec) {
	if g.prepare != nil {
		g.prepare(sp)
	}
	if g.argv != nil && !sp.Snapshot {
		sp.Argv = g.argv(sp.Argv, sp)
	}
}

var cleanTempsOnce = sync.OnceFunc(func() { go workspace.CleanTemps("") })
