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
	return &wasmSandbox{rt: r, policy: p, opts: o}, nil
}
