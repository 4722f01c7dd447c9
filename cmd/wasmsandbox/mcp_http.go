package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/mcpserver"
)

// tokensEnv holds the HTTP server's bearer tokens, comma-separated.
const tokensEnv = "WASMSANDBOX_TOKENS"

// httpOptions are the flags of `wasmsandbox mcp` for the HTTP transport.
type httpOptions struct {
	addr             string
	tokenFile        string
	tokenConcurrency int
	tokenRate        float64
	tokenBurst       int
	tokenMaxSessions int
	maxBodyBytes     byteSizeFlag
	shutdownGrace    durationFlag
	idleTimeout      durationFlag
}

func (o *httpOptions) register(fs *flagSet) {
	o.tokenRate = mcpserver.DefaultTokenRate
	o.tokenBurst = mcpserver.DefaultTokenBurst
	o.shutdownGrace = durationFlag(mcpserver.DefaultShutdownGrace)
	o.idleTimeout = durationFlag(mcpserver.DefaultIdleTimeout)
	fs.StringVar(&o.addr, "http", "", "serve MCP over streamable HTTP at http://`ADDR`/mcp (host:port) instead of stdio")
	fs.StringVar(&o.tokenFile, "token-file", "", "bearer tokens clients must present, one per line, from `FILE` (also: $"+tokensEnv+", comma-separated)")
	fs.IntVar(&o.tokenConcurrency, "token-concurrency", 0, "most tool calls one token may have in flight, `N`; more get a tool error (default: --max-concurrent)")
	fs.Float64Var(&o.tokenRate, "token-rate", o.tokenRate, "HTTP requests per second one token may make on average, `R`; more get 429 with Retry-After")
	fs.IntVar(&o.tokenBurst, "token-burst", o.tokenBurst, "requests one token may make in a burst above --token-rate, `N`")
	fs.IntVar(&o.tokenMaxSessions, "token-max-sessions", 0, "most sessions one token may own at once, `N` (default: --max-sessions)")
	fs.Var(&o.maxBodyBytes, "max-body-bytes", "largest HTTP request body, in `BYTES`; larger gets 413 (default: room for the largest code or file, JSON-escaped)")
	fs.Var(&o.shutdownGrace, "shutdown-grace", "on SIGTERM, let calls in flight finish for `DUR` before cancelling them")
	fs.Var(&o.idleTimeout, "idle-timeout", "close MCP connections idle for `DUR` (sessions and their files stay)")
}

// config checks the HTTP flags and gathers the tokens; a non-empty
// message is a usage error.
func (o *httpOptions) config(envTokens string) (mcpserver.HTTPConfig, string) {
	hc := mcpserver.HTTPConfig{
		Addr:             o.addr,
		TokenConcurrency: o.tokenConcurrency,
		TokenRate:        o.tokenRate,
		TokenBurst:       o.tokenBurst,
		TokenMaxSessions: o.tokenMaxSessions,
		MaxBodyBytes:     int64(o.maxBodyBytes),
		ShutdownGrace:    time.Duration(o.shutdownGrace),
		IdleTimeout:      time.Duration(o.idleTimeout),
	}
	if o.addr == "" {
		if o.tokenFile != "" {
			return hc, "--token-file needs --http (the stdio server has one client, and no tokens)"
		}
		return hc, ""
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return hc, fmt.Sprintf("--http %q: give host:port, such as 127.0.0.1:8080 or :8080 (%v)", o.addr, err)
	}
	switch {
	case o.tokenConcurrency < 0:
		return hc, fmt.Sprintf("--token-concurrency must not be negative, not %d", o.tokenConcurrency)
	case !(o.tokenRate > 0):
		return hc, fmt.Sprintf("--token-rate must be more than 0, not %v", o.tokenRate)
	case o.tokenBurst < 1:
		return hc, fmt.Sprintf("--token-burst must be at least 1, not %d", o.tokenBurst)
	case o.tokenMaxSessions < 0:
		return hc, fmt.Sprintf("--token-max-sessions must not be negative, not %d", o.tokenMaxSessions)
	case o.shutdownGrace == 0:
		return hc, "--shutdown-grace must be longer than 0"
	case o.idleTimeout == 0:
		return hc, "--idle-timeout must be longer than 0"
	}
	if o.tokenFile != "" {
		f, err := os.Open(o.tokenFile)
		if err != nil {
			return hc, fmt.Sprintf("--token-file: %v", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
			// Readable by others: say so, but serve (a container may
			// mount it so).
			fmt.Fprintf(os.Stderr, "%s mcp: warning: --token-file %s is readable by other users (mode %v); chmod 600 it\n", progName, o.tokenFile, fi.Mode().Perm())
		}
		toks, err := mcpserver.ReadTokens(f)
		if err != nil {
			return hc, fmt.Sprintf("--token-file: %v", err)
		}
		if len(toks) == 0 {
			return hc, fmt.Sprintf("--token-file %s holds no token (one per line; # starts a comment)", o.tokenFile)
		}
		hc.Tokens = append(hc.Tokens, toks...)
	}
	hc.Tokens = append(hc.Tokens, mcpserver.ParseTokens(envTokens)...)
	if err := mcpserver.CheckTokens(hc.Tokens); err != nil {
		return hc, fmt.Sprintf("%v (tokens come from --token-file, then $%s)", err, tokensEnv)
	}
	if len(hc.Tokens) == 0 && !mcpserver.IsLoopback(o.addr) {
		return hc, fmt.Sprintf("--http %s: %v", o.addr, mcpserver.ErrNoTokens)
	}
	return hc, ""
}

// serveHTTP runs the HTTP server until a signal stops it; a graceful stop
// exits 0.
func serveHTTP(ctx context.Context, cfg mcpserver.Config, hc mcpserver.HTTPConfig, stderr io.Writer, logger *slog.Logger) int {
	err := mcpserver.ListenAndServe(ctx, cfg, hc)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, sandbox.ErrInvalidPolicy), errors.Is(err, mcpserver.ErrNoTokens), errors.Is(err, mcpserver.ErrBadToken):
		printError(stderr, "mcp", err)
		return exitUsage
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "listen" {
		printError(stderr, "mcp", usageErr{fmt.Errorf("--http: %w", err)})
		return exitUsage
	}
	logger.Error("mcp http server failed", "error", err)
	printError(stderr, "mcp", err)
	return exitInternal
}
