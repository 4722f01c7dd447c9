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
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"strings"
	"sync"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/javascript"
	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/python"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/tzdata"
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

// WithScriptName names the JavaScript program's file: the code runs as
// <guest workspace>/name, which is then its __filename,
// the directory its __dirname, and process.argv[1], as when Node runs that
// file; stack traces name it name. The default is "main.js". name must be a
// plain file name (no '/', at most 255 bytes). The CLI passes the base name
// of the FILE it runs. Python code is always main.py and ignores it.
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
	// zoneinfo, when not empty, is the host directory of TZif files the
	// guest sees read-only at ZoneinfoGuestPath.
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
	if g.zoneinfo != "" && !guestPathTaken(p, ZoneinfoGuestPath) {
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
	if g.prepare != nil {
		g.prepare(&sp)
	}
	if g.argv != nil && !sp.Snapshot {
		sp.Argv = g.argv(sp.Argv, &sp)
	}
	return sp
}

var (
	loadedMu sync.Mutex
	loaded   = map[string]*loadEntry{}
)

type loadEntry struct {
	once sync.Once
	rt   *guestRuntime
	err  error
}

func artifactFor(rt Runtime) runtimes.Artifact {
	if rt == JavaScript {
		return runtimes.JavaScript
	}
	return runtimes.Python
}

// loadRuntime finds (or, when allowed, installs) the runtime's wasm and
// loads its compiled module once per process and cache directory.
func loadRuntime(rt Runtime, o *options) (*guestRuntime, error) {
	home, err := runtimes.Home(o.home)
	if err != nil {
		return nil, fmt.Errorf("%w: locating the runtime directory: %v", ErrInternal, err)
	}
	cacheDir := o.cacheDir
	if cacheDir == "" {
		cacheDir = modcache.Dir(home)
	}
	a := artifactFor(rt)
	key := string(rt) + "\x00" + home + "\x00" + cacheDir
	loadedMu.Lock()
	e, ok := loaded[key]
	if !ok {
		e = &loadEntry{}
		loaded[key] = e
	}
	loadedMu.Unlock()
	e.once.Do(func() { e.rt, e.err = load(rt, a, home, cacheDir, o) })
	if e.err != nil {
		// Let a later call retry (the runtime may be installed by then).
		loadedMu.Lock()
		if loaded[key] == e {
			delete(loaded, key)
		}
		loadedMu.Unlock()
	}
	return e.rt, e.err
}

func load(rt Runtime, a runtimes.Artifact, home, cacheDir string, o *options) (*guestRuntime, error) {
	eng, err := engine.Shared()
	if err != nil {
		return nil, fmt.Errorf("%w: creating the wasm engine: %v", ErrInternal, err)
	}
	path := a.Path(home)
	if _, err := os.Stat(path); err != nil {
		if !o.autoInstall {
			return nil, fmt.Errorf("%w: %s runtime (%s@%s) not found at %s; run `wasmsandbox runtimes install` (needs npm) or pass WithAutoInstall",
				ErrRuntimeNotInstalled, rt, a.Package, a.Version, path)
		}
		if path, err = runtimes.Install(context.Background(), home, a, o.progress); err != nil {
			return nil, fmt.Errorf("%w: installing the %s runtime: %v", ErrRuntimeNotInstalled, rt, err)
		}
	}
	load := func() (*wasmtime.Module, error) {
		mod, err := eng.LoadModule(a, path, cacheDir, o.progress)
		if errors.Is(err, runtimes.ErrIntegrity) || errors.Is(err, runtimes.ErrNotInstalled) {
			return nil, fmt.Errorf("%w: the %s runtime at %s is damaged or incomplete (%v); reinstall it with `wasmsandbox runtimes install`",
				ErrRuntimeNotInstalled, rt, path, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: loading the %s runtime: %v", ErrInternal, rt, err)
		}
		return mod, nil
	}
	if rt == JavaScript {
		load = func() (*wasmtime.Module, error) { return loadJavaScriptModule(eng, a, path, cacheDir, o.progress) }
	}
	g := &guestRuntime{name: rt, eng: eng, module: sync.OnceValues(load), version: a.Package + "@" + a.Version}
	switch rt {
	case Python:
		if g.snapshot, err = loadPythonSnapshot(eng, a, path, cacheDir, o.progress); err != nil {
			return nil, err
		}
		if g.zoneinfo, err = tzdata.Ensure(context.Background(), home, o.autoInstall, o.progress); err != nil {
			if errors.Is(err, runtimes.ErrNotInstalled) {
				return nil, fmt.Errorf("%w: %v", ErrRuntimeNotInstalled, err)
			}
			return nil, fmt.Errorf("%w: preparing the time-zone data: %v", ErrInternal, err)
		}
		g.run = func(x *engine.Execution, mod *wasmtime.Module) error {
			if x.Spec.Snapshot {
				return python.RunSnapshot(x, mod)
			}
			return python.Run(x, mod)
		}
		g.defaultArgv, g.argv, g.prepare = python.Argv, python.FullArgv, python.Prepare
		g.stage = func(gl *engine.Globals) (engine.Mount, func(), error) {
			m, err := python.Persist(gl)
			return m, func() { python.CollectStage(gl) }, err
		}
	case JavaScript:
		if _, err := g.module(); err != nil {
			return nil, err
		}
		g.run, g.defaultArgv = javascript.Run, javascript.Argv
		// The first run in a process compiles the guest API's JavaScript
		// and keeps the bytecode; later runs load it. Doing that first run
		// here, before any caller's code, keeps fuel figures the same for
		// every run.
		warm := &wasmSandbox{rt: g, policy: Policy{}.WithDefaults()}
		if _, err := warm.execute(context.Background(), "", warm.policy, "", nil); err != nil {
			return nil, fmt.Errorf("%w: starting the JavaScript runtime: %v", ErrInternal, err)
		}
	}
	return g, nil
}

// CompiledModulePath is where the compiled module that New loads for rt is
// cached under the runtime directory home (see WithRuntimeDir), for tools
// that report on the cache: for Python its pre-initialised snapshot, for
// JavaScript the runtime's module with its stack relocated.
func CompiledModulePath(rt Runtime, home string) string {
	a := artifactFor(rt)
	switch rt {
	case Python:
		return modcache.DerivedPath(modcache.Dir(home), pythonSnapshot(a), engine.Key)
	case JavaScript:
		return modcache.DerivedPath(modcache.Dir(home), javascriptModule(a), engine.Key)
	}
	return engine.ModulePath(modcache.Dir(home), a)
}

// javascriptModule names the QuickJS module with its stack relocated
// (see javascript.BuildModule), derived from artifact a.
func javascriptModule(a runtimes.Artifact) modcache.Derived {
	return modcache.Derived{Name: "JavaScript module", From: a.FileSHA256, Transform: javascript.Transform}
}

// loadJavaScriptModule returns the compiled QuickJS module derived from
// the artifact a installed at path, building it once per machine.
func loadJavaScriptModule(eng *engine.Engine, a runtimes.Artifact, path, cacheDir string, progress io.Writer) (*wasmtime.Module, error) {
	mod, err := eng.LoadDerived(javascriptModule(a), cacheDir, func() ([]byte, error) {
		wasm, err := runtimes.ReadVerified(a, path)
		if err != nil {
			return nil, err
		}
		return javascript.BuildModule(wasm)
	}, progress)
	if errors.Is(err, runtimes.ErrIntegrity) || errors.Is(err, runtimes.ErrNotInstalled) {
		return nil, fmt.Errorf("%w: the JavaScript runtime at %s is damaged or incomplete (%v); reinstall it with `wasmsandbox runtimes install`",
			ErrRuntimeNotInstalled, path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: loading the JavaScript runtime: %v", ErrInternal, err)
	}
	return mod, nil
}

// pythonSnapshot names the Python snapshot derived from artifact a.
func pythonSnapshot(a runtimes.Artifact) modcache.Derived {
	return modcache.Derived{Name: "Python snapshot", From: a.FileSHA256, Transform: python.Transform}
}

// loadPythonSnapshot returns the compiled Python snapshot derived from the
// artifact a installed at path, building it once per machine.
func loadPythonSnapshot(eng *engine.Engine, a runtimes.Artifact, path, cacheDir string, progress io.Writer) (*wasmtime.Module, error) {
	mod, err := eng.LoadDerived(pythonSnapshot(a), cacheDir, func() ([]byte, error) {
		wasm, err := runtimes.ReadVerified(a, path)
		if err != nil {
			return nil, err
		}
		return python.BuildSnapshot(eng, wasm)
	}, progress)
	if err != nil {
		return nil, fmt.Errorf("%w: building the Python snapshot: %v", ErrInternal, err)
	}
	return mod, nil
}

// cleanTempsOnce removes, once per process and in the background, the
// temporary workspaces that killed processes left behind.
var cleanTempsOnce = sync.OnceFunc(func() { go workspace.CleanTemps("") })
