package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/mcpserver"
)

func init() {
	register(&command{
		name:    "mcp",
		summary: "serve the sandbox to agent frameworks over MCP (stdio, or streamable HTTP)",
		run:     mcpCmd,
	})
}

const mcpAbout = `Serves the sandbox over the Model Context Protocol on standard input and output,
so that agent frameworks (Claude Desktop, Claude Code, Strands Agents, the OpenAI
Agents SDK, LangChain, ...) can run code in it. Register the command with the
client; it starts the server itself.

Tools: execute_code, list_runtimes, create_session, destroy_session, list_files,
read_file, write_file, get_workspace_info, reset_workspace.

The policy file sets the server's limits, and they are maximums: a client may ask
for a smaller fuel_budget, memory_bytes or timeout, never a larger one. Mounts from
the policy and from --mount are seen by every execution (--mount is read-only).
Standard output carries only protocol messages; logs go to standard error, or to
--log-file.

With --http ADDR it serves the same tools over MCP streamable HTTP at /mcp instead,
for many agents at once, with /healthz and /metrics (Prometheus) beside it. Clients
present a bearer token from --token-file (one per line) or $WASMSANDBOX_TOKENS
(comma-separated); without tokens it serves only on a loopback address. A session
belongs to the token that created it. SIGTERM stops new calls, lets those in flight
finish for --shutdown-grace, and exits 0.`

const mcpExamples = `Examples:
  wasmsandbox mcp
  wasmsandbox mcp --policy policy.toml --mount ./datasets:/data --max-concurrent 4
  claude mcp add wasmsandbox -- wasmsandbox mcp --session-ttl 2h
  wasmsandbox mcp --http 127.0.0.1:8080
  WASMSANDBOX_TOKENS=$(cat tokens | paste -sd,) wasmsandbox mcp --http :8080 --token-rate 5
  wasmsandbox mcp --http 0.0.0.0:8080 --token-file /etc/wasmsandbox/tokens --token-concurrency 2
`

// mcpOptions are the parsed flags of `wasmsandbox mcp`.
type mcpOptions struct {
	policyFile    string
	sessionsDir   string
	maxSessions   int
	sessionTTL    durationFlag
	maxConcurrent int
	maxFileBytes  byteSizeFlag
	outputBudget  byteSizeFlag
	mounts        listFlag
	home          string
	logFile       string
	logLevel      string
	noInstall     bool
	http          httpOptions
}

// mcpCmd implements `wasmsandbox mcp`.
func mcpCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o := mcpOptions{
		maxSessions:  mcpserver.DefaultMaxSessions,
		sessionTTL:   durationFlag(mcpserver.DefaultSessionTTL),
		maxFileBytes: byteSizeFlag(mcpserver.DefaultMaxFileBytes),
		outputBudget: byteSizeFlag(mcpserver.DefaultOutputBudget),
		logLevel:     "info",
	}
	fs := newFlagSet("mcp", "[flags]", mcpAbout)
	fs.after = mcpExamples
	fs.StringVar(&o.policyFile, "policy", "", "the server's limits and mounts from policy `FILE` (.toml or .json); clients may ask for less, never more")
	fs.StringVar(&o.sessionsDir, "sessions-dir", "", "session store `DIR` (default: $WASMSANDBOX_SESSIONS_DIR, else ~/.local/share/wasmsandbox/sessions)")
	fs.IntVar(&o.maxSessions, "max-sessions", o.maxSessions, "most sessions that may exist at once, `N`")
	fs.Var(&o.sessionTTL, "session-ttl", "delete sessions unused for `DUR`, e.g. 30m, 2h, 24h (applies to every session in the directory)")
	fs.IntVar(&o.maxConcurrent, "max-concurrent", 0, "most executions running at once, `N`; more calls wait (default: the number of CPUs)")
	fs.Var(&o.maxFileBytes, "max-file-bytes", "largest file read_file returns and write_file accepts, in `BYTES` (e.g. 1MiB)")
	fs.Var(&o.outputBudget, "output-budget", "keep at most `BYTES` of each of stdout and stderr in execute_code results (head and tail,\nwith a line saying what was left out; in a session the whole output is saved to /app/.output/)")
	fs.Var(&o.mounts, "mount", "show host directory HOST to every execution at guest path GUEST, read-only\n(`HOST:GUEST`; repeatable; added to the policy's mounts)")
	fs.StringVar(&o.home, "home", "", "runtime and compiled-module `DIR` (default: $WASMSANDBOX_HOME, else the user cache dir + /wasmsandbox)")
	fs.StringVar(&o.logFile, "log-file", "", "append logs (JSON lines) to `FILE` instead of writing them to standard error")
	fs.StringVar(&o.logLevel, "log-level", o.logLevel, "least severe log `LEVEL`: debug, info, warn or error")
	fs.BoolVar(&o.noInstall, "no-install", false, "do not fetch a missing runtime with npm on first use")
	o.http.register(fs)
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return fs.fail(stderr, "unexpected argument %q (the server takes only flags; it talks MCP on stdin and stdout)", pos[0])
	}
	switch {
	case o.maxSessions <= 0:
		return fs.fail(stderr, "--max-sessions must be at least 1, not %d", o.maxSessions)
	case o.maxConcurrent < 0:
		return fs.fail(stderr, "--max-concurrent must not be negative, not %d", o.maxConcurrent)
	case o.sessionTTL == 0:
		return fs.fail(stderr, "--session-ttl must be longer than 0")
	case o.maxFileBytes == 0:
		return fs.fail(stderr, "--max-file-bytes must be at least 1")
	}
	hc, msg := o.http.config(os.Getenv(tokensEnv))
	if msg != "" {
		return fs.fail(stderr, "%s", msg)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fs.fail(stderr, "--log-level: %q is not a level (use debug, info, warn or error)", o.logLevel)
	}

	var p sandbox.Policy
	if o.policyFile != "" {
		if err := checkPolicyFile(o.policyFile); err != nil {
			printError(stderr, "mcp", err)
			return exitUsage
		}
		var err error
		if p, err = sandbox.LoadPolicy(o.policyFile); err != nil {
			printError(stderr, "mcp", err)
			return exitFor(err)
		}
	}
	for _, spec := range o.mounts {
		m, err := parseMount(spec)
		if err == nil && m.Writable {
			err = errors.New("--mount is read-only in the MCP server (writable mounts would be shared by every session); drop :rw, or put the mount in the policy file")
		}
		if err != nil {
			err = fmt.Errorf("%w: --mount %q: %v", sandbox.ErrInvalidPolicy, spec, err)
			printError(stderr, "mcp", err)
			return exitUsage
		}
		p.Mounts = append(p.Mounts, m)
	}
	if err := p.Validate(); err != nil {
		printError(stderr, "mcp", err)
		return exitUsage
	}

	sessionsDir := o.sessionsDir
	if sessionsDir == "" {
		d, err := sandbox.DefaultSessionsDir()
		if err != nil {
			printError(stderr, "mcp", err)
			return exitInternal
		}
		sessionsDir = d
	} else {
		sessionsDir = absPath(sessionsDir)
	}

	logOut := stderr
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			printError(stderr, "mcp", usageErr{fmt.Errorf("--log-file: %w", err)})
			return exitUsage
		}
		defer f.Close()
		logOut = f
	}
	var h slog.Handler
	if o.logFile != "" {
		h = slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level})
	} else {
		h = slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level})
	}
	logger := slog.New(h).With("component", "wasmsandbox-mcp")

	cfg := mcpserver.Config{
		Policy:        p,
		SessionsDir:   sessionsDir,
		MaxSessions:   o.maxSessions,
		SessionTTL:    time.Duration(o.sessionTTL),
		MaxConcurrent: o.maxConcurrent,
		MaxFileBytes:  int64(o.maxFileBytes),
		OutputBudget:  int(o.outputBudget),
		RuntimeHome:   o.home,
		AutoInstall:   !o.noInstall,
		Logger:        logger,
		Version:       version(),
	}
	if o.http.addr != "" {
		return serveHTTP(ctx, cfg, hc, stderr, logger)
	}
	err := mcpserver.Serve(ctx, cfg, stdin, stdout)
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		logger.Info("mcp server stopped by a signal")
		return exitInterrupted
	case errors.Is(err, sandbox.ErrInvalidPolicy):
		printError(stderr, "mcp", err)
		return exitUsage
	}
	printError(stderr, "mcp", err)
	return exitInternal
}
