// Package mcpserver serves the wasmsandbox tools over the Model Context
// Protocol, so that any agent framework (Claude Desktop and Claude Code,
// Strands Agents, the OpenAI Agents SDK, LangChain, ...) can run code in the
// sandbox: execute_code, list_runtimes, and the session tools
// create_session, destroy_session, list_files, read_file, write_file,
// get_workspace_info and reset_workspace.
//
// New builds an *mcp.Server from a Config; `wasmsandbox mcp` runs it over
// stdio, and tests connect to it in-process with mcp.NewInMemoryTransports.
//
// # Errors
//
// A call with bad arguments (an unknown or missing argument, a value of the
// wrong type, a language the server does not know, a limit above the
// server's, code or file content over its size cap) is refused with a
// JSON-RPC invalid-params error whose message names the argument. A call
// that is well formed but fails is a normal tool result with isError set:
// for execute_code, the Result is its structured content (outcome
// out_of_fuel, guest_error, ...) and a second text block says what to do;
// for the other tools, the text says what went wrong. A failure that is
// the server's own problem (an I/O error, a missing runtime, an internal
// error) is logged in full, and the client is told only what failed and
// what to do ("... (internal error; see the server log)"): the client is a
// model that untrusted input may steer, and error details can name host
// paths, which it must not learn.
//
// # Limits
//
// Config.Policy is the ceiling: every execution runs under it, or under
// less when the client asks for less (fuel_budget, memory_bytes,
// timeout_seconds). Asking for more than the server allows is refused with
// an error naming the argument and the maximum; values are never silently
// clamped, so the model learns the real limit. At most
// Config.MaxConcurrent executions run at once; further calls wait their
// turn, and a call whose client cancels it or goes away, whether waiting or
// running, stops its guest at once.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
)

// Defaults for the zero fields of Config.
const (
	// DefaultMaxSessions bounds how many sessions the store may hold.
	DefaultMaxSessions = 100
	// DefaultSessionTTL is how long a session may sit unused before it is
	// pruned.
	DefaultSessionTTL = 24 * time.Hour
	// DefaultMaxFileBytes caps what read_file returns and write_file accepts.
	DefaultMaxFileBytes int64 = 1 << 20
)

// Config configures New. The zero value serves with the default policy, no
// sessions directory (so the session tools fail) and no logging.
type Config struct {
	// Policy holds the server's limits and the mounts every execution
	// sees. Zero fields take the sandbox defaults. It is the ceiling:
	// clients may ask for a smaller fuel_budget, memory_bytes or timeout,
	// never for a larger one. Its workspace must be empty: each execution
	// gets a fresh workspace, or its session's.
	Policy sandbox.Policy

	// SessionsDir is the directory of the session store. Empty means that
	// sessions are not available: the session tools return an error.
	SessionsDir string

	// MaxSessions bounds how many sessions may exist at once (default
	// DefaultMaxSessions); create_session fails past it, after pruning.
	MaxSessions int

	// SessionTTL is how long a session may go unused (no execution, no
	// file written) before it is deleted with its files (default
	// DefaultSessionTTL). It applies to every session in SessionsDir.
	// Expired sessions are pruned before session tool calls and, while
	// Serve runs, every SessionTTL/10 (between a second and ten minutes).
	SessionTTL time.Duration

	// MaxConcurrent bounds how many executions run at once (default: the
	// number of CPUs). Further execute_code calls wait for a free slot.
	MaxConcurrent int

	// MaxFileBytes caps the content read_file returns and write_file
	// accepts (default DefaultMaxFileBytes).
	MaxFileBytes int64

	// OutputBudget is how many bytes of each of stdout and stderr an
	// execute_code result keeps: the head and the tail, with a line that
	// says what was left out (default DefaultOutputBudget; negative: all).
	OutputBudget int

	// RuntimeHome is the directory of installed runtimes and compiled
	// modules (default: $WASMSANDBOX_HOME, else the user cache directory +
	// /wasmsandbox).
	RuntimeHome string

	// AutoInstall lets the server fetch a missing runtime with the npm
	// client on first use. Without it a missing runtime is a tool error
	// that says to run `wasmsandbox runtimes install`.
	AutoInstall bool

	// Logger receives the server's own records and the sandbox's
	// structured events (execution.start, execution.complete,
	// security.violation, session.*). Nil means no logging. With the stdio
	// transport it must not write to stdout.
	Logger *slog.Logger

	// Version is reported to clients as the server's version.
	Version string
}

// server holds what the tool handlers share.
type server struct {
	cfg    Config
	policy sandbox.Policy // cfg.Policy with defaults, validated: the ceiling
	log    *slog.Logger
	// slots is a counting semaphore of cfg.MaxConcurrent executions.
	slots chan struct{}
	// store is the session store, nil without cfg.SessionsDir.
	store *sandbox.SessionStore
	// createMu makes counting and creating sessions one step.
	createMu sync.Mutex

	pruneMu   sync.Mutex
	lastPrune time.Time

	// metrics are the Prometheus metrics (nil: none, as over stdio).
	metrics *metrics
	// draining is closed when the HTTP server begins to shut down: calls
	// still waiting for a slot give up (nil: never, as over stdio).
	draining chan struct{}
	// maxSessionsPerClient caps the sessions one client (token) may own
	// (0: only MaxSessions applies).
	maxSessionsPerClient int
}

// New returns an MCP server that offers the sandbox tools under cfg. It
// fails when cfg.Policy is invalid (the error wraps
// sandbox.ErrInvalidPolicy) or the session store cannot be opened.
func New(cfg Config) (*mcp.Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	return s.mcpServer(), nil
}

func newServer(cfg Config) (*server, error) {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = runtime.NumCPU()
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = DefaultMaxFileBytes
	}
	if cfg.Version == "" {
		cfg.Version = "(devel)"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Policy.Workspace != "" {
		return nil, fmt.Errorf("%w: workspace = %q: the MCP server gives every execution a fresh workspace, or its session's; use mounts (--mount) for data every execution should see",
			sandbox.ErrInvalidPolicy, cfg.Policy.Workspace)
	}
	p := cfg.Policy.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s := &server{
		cfg:    cfg,
		policy: p,
		log:    cfg.Logger,
		slots:  make(chan struct{}, cfg.MaxConcurrent),
	}
	if cfg.SessionsDir != "" {
		st, err := sandbox.OpenSessionStore(cfg.SessionsDir, s.baseOptions()...)
		if err != nil {
			return nil, fmt.Errorf("opening the session store: %w", err)
		}
		s.store = st
	}
	return s, nil
}

// mcpServer builds the MCP server with every tool.
func (s *server) mcpServer() *mcp.Server {
	srv := mcp.NewServer(&mcp.Implementation{
		Name:    "wasmsandbox",
		Title:   "wasmsandbox: run Python and JavaScript in a WebAssembly sandbox",
		Version: s.cfg.Version,
	}, &mcp.ServerOptions{
		Instructions: s.instructions(),
		Logger:       s.log,
		Capabilities: &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{}},
	})
	s.addExecTools(srv)
	s.addSessionTools(srv)
	return srv
}

// Serve runs the server over the stdio transport (newline-delimited
// JSON-RPC) on in and out until the client disconnects (in reaches EOF),
// which returns nil, or ctx ends, which returns ctx's error. Nothing but
// protocol messages is written to out.
//
// Before serving it prunes the sessions unused for longer than the TTL;
// while serving it prunes them again every tenth of the TTL (at most every
// ten minutes), and it loads the Python runtime in the background
// (installing it first when cfg.AutoInstall is set), so that the first
// execution does not pay for that. A message larger than a few times the
// code and file size caps (see maxMessageBytes) ends the connection.
func Serve(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	s, err := newServer(cfg)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go s.warmUp(ctx)
	go s.pruneLoop(ctx)
	// The filter answers malformed lines and bounds each line, so the
	// transport, which would end the connection on either, sees neither.
	w := &lockedWriter{w: out}
	t := &mcp.IOTransport{
		Reader:        io.NopCloser(newStdioFilter(in, w, s.maxMessageBytes())),
		Writer:        w,
		MaxLineLength: -1,
	}
	s.log.Info("mcp server ready", "max_concurrent", s.cfg.MaxConcurrent, "sessions_dir", s.cfg.SessionsDir,
		"fuel_budget", s.policy.FuelBudget, "memory_bytes", s.policy.MemoryBytes, "timeout", s.policy.Timeout)
	err = s.mcpServer().Run(ctx, t)
	if err != nil && ctx.Err() == nil && (errors.Is(err, io.EOF) || errors.Is(err, mcp.ErrConnectionClosed)) {
		err = nil
	}
	return err
}

// maxMessageBytes bounds one inbound JSON-RPC message: the SDK's default
// (16 MiB), or more when needed to hold the largest code or file content
// the server accepts even if every byte of it is escaped in JSON as
// \u00XX (six bytes), plus the rest of the message. Arguments between the
// caps and this bound are refused with an error that names them; a
// message past it is answered with an invalid-request error
// (stdioFilter).
func (s *server) maxMessageBytes() int {
	return int(max(mcp.DefaultMaxLineLength, 6*max(s.policy.MaxCodeBytes, s.cfg.MaxFileBytes)+64<<10))
}

// warmUp loads (and, when allowed, installs and compiles) the Python
// runtime, so that the first execution is fast.
func (s *server) warmUp(ctx context.Context) {
	start := time.Now()
	if _, err := sandbox.New(sandbox.Python, s.options(s.policy)...); err != nil {
		s.log.Warn("python runtime not ready", "error", err)
		return
	}
	s.log.Debug("python runtime ready", "took", time.Since(start))
}

// errDraining is the tool error of a call that was still waiting for an
// execution slot when the server began to shut down.
var errDraining = errors.New("the server is shutting down and did not start this execution; retry in a few seconds (another instance, or this one once restarted, will run it)")

// acquire waits for an execution slot, or for ctx to end (errCancelled),
// or for the server to begin shutting down (errDraining).
func (s *server) acquire(ctx context.Context) (release func(), err error) {
	select {
	case <-s.draining:
		s.metrics.reject(rejectShuttingDown)
		return nil, errDraining
	default:
	}
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
	}
	s.log.Debug("execution queued", "max_concurrent", cap(s.slots))
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, errCancelled
	case <-s.draining:
		s.metrics.reject(rejectShuttingDown)
		return nil, errDraining
	}
}

// internalDetail ends the message of every error that is the server's own
// problem; the details are in the server's log.
const internalDetail = "(internal error; see the server log)"

// internalError logs err, a failure that is the server's own problem
// (sandbox.ErrInternal, an I/O error, a policy that no longer holds), in
// full, and returns the error the client sees: what failed, and that the
// details are in the server's log. The client never sees err's text, which
// can name host paths: an MCP client is a model that untrusted input may
// steer, and it has no business learning the host's file system layout.
func (s *server) internalError(what string, err error) error {
	s.log.Error(what, "error", err)
	return errors.New(what + " " + internalDetail)
}

// runtimeError explains why a runtime cannot run, and what to do instead,
// without the details (which name host paths); those go to the log.
func (s *server) runtimeError(rt sandbox.Runtime, err error) error {
	switch {
	case errors.Is(err, sandbox.ErrNotImplemented):
		return fmt.Errorf("the %s runtime is not available in this server yet; use language \"python\" instead (list_runtimes shows what is available)", rt)
	case errors.Is(err, sandbox.ErrRuntimeNotInstalled):
		s.log.Error("runtime not installed", "runtime", rt, "error", err)
		if s.cfg.AutoInstall {
			return fmt.Errorf("the %s runtime is not installed on the server, and installing it failed; ask its operator to run `wasmsandbox runtimes install` (the server log says why it failed)", rt)
		}
		return fmt.Errorf("the %s runtime is not installed on the server; ask its operator to run `wasmsandbox runtimes install`", rt)
	}
	return s.internalError(fmt.Sprintf("the server could not start the %s sandbox", rt), err)
}

// leaky reports whether err may carry host details (paths, OS error text)
// that the client must not see: the server's own failures.
func leaky(err error) bool {
	var (
		pe *fs.PathError
		le *os.LinkError
		se *os.SyscallError
	)
	return errors.Is(err, sandbox.ErrInternal) || errors.Is(err, sandbox.ErrRuntimeNotInstalled) ||
		errors.Is(err, sandbox.ErrInvalidPolicy) ||
		errors.As(err, &pe) || errors.As(err, &le) || errors.As(err, &se)
}
