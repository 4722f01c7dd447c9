package mcpserver

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Defaults for the zero fields of HTTPConfig.
const (
	DefaultTokenRate     = 20.0
	DefaultTokenBurst    = 40
	DefaultShutdownGrace = 30 * time.Second
	DefaultIdleTimeout   = 30 * time.Minute
)

// readHeaderTimeout bounds how long a client may take to send the headers
// of a request.
const readHeaderTimeout = 10 * time.Second

// ErrNoTokens is the error of ListenAndServe on an address other hosts can
// reach when no bearer token is configured.
var ErrNoTokens = errors.New("no bearer tokens: serving on an address other hosts can reach needs --token-file or $WASMSANDBOX_TOKENS (or listen on 127.0.0.1)")

// HTTPConfig configures the streamable HTTP transport of ListenAndServe.
type HTTPConfig struct {
	// Addr is the TCP address to listen on, host:port. Ignored when
	// Listener is set.
	Addr string
	// Listener, when set, is used instead of listening on Addr.
	Listener net.Listener

	// Tokens are the bearer tokens clients must present (each at least
	// MinTokenLen printable characters). Without tokens, the server serves
	// anyone who can connect, as one anonymous client, and only on a
	// loopback address.
	Tokens []string

	// TokenConcurrency is how many tool calls one token may have in flight
	// (default: Config.MaxConcurrent); more are refused with a tool error.
	TokenConcurrency int
	// TokenRate is how many HTTP requests per second one token may make on
	// average (default DefaultTokenRate), in bursts of up to TokenBurst
	// (default DefaultTokenBurst); more are answered 429 with Retry-After.
	TokenRate  float64
	TokenBurst int
	// TokenMaxSessions is how many sandbox sessions one token may own at
	// once (default: Config.MaxSessions).
	TokenMaxSessions int

	// MaxBodyBytes bounds a request body (default: enough for the largest
	// code or file content the server accepts, JSON-escaped); larger
	// bodies are answered 413.
	MaxBodyBytes int64
	// ShutdownGrace is how long running executions (and other tool calls
	// in flight) may go on once ctx ends (default DefaultShutdownGrace);
	// then they are cancelled. Calls still waiting for an execution slot
	// get a tool error at once.
	ShutdownGrace time.Duration
	// IdleTimeout closes MCP sessions (client connections, not sandbox
	// sessions) that make no request for that long (default
	// DefaultIdleTimeout).
	IdleTimeout time.Duration

	// Ready, when set, is called with the listening address once the
	// server accepts connections.
	Ready func(addr net.Addr)
}

// requestHeader carries, from the HTTP layer to the tool-call gate, the
// key of the HTTP request that carries a call; any value a client sends
// is replaced.
const requestHeader = "X-Wasmsandbox-Request"

// toolNames are the names of the tools, the values of the tool label of
// wasmsandbox_tool_calls_total (any other name counts as "unknown").
var toolNames = []string{"execute_code", "list_runtimes", "create_session", "destroy_session", "list_files",
	"read_file", "write_file", "delete_file", "get_workspace_info", "reset_workspace"}

// httpServer is the state of the HTTP transport.
type httpServer struct {
	s      *server
	hc     HTTPConfig
	tokens *tokenSet // nil: no authentication
	limits *clientLimits
	gate   *callGate
	mcp    *mcp.Server
	// hardStop ends when the grace period is over: calls still running
	// are cancelled.
	hardStop context.Context
	// requests maps requestHeader values to the contexts of their HTTP
	// requests.
	requests sync.Map
	// posts counts the POST requests in flight.
	posts atomic.Int64
}

// IsLoopback reports whether addr (host:port) listens only on a loopback
// interface: localhost, 127.0.0.0/8 or ::1. An empty host (every
// interface) is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ListenAndServe serves the tools over MCP streamable HTTP at /mcp, with
// /healthz and /metrics beside it, until ctx ends. Then it stops taking
// new calls and new connections, answers the calls still waiting for an
// execution slot with a tool error, lets the running ones finish for up
// to hc.ShutdownGrace, cancels those still running, and returns nil.
//
// Every request to /mcp needs one of hc.Tokens as a bearer token (401
// otherwise), unless there are none, which is allowed only on a loopback
// address (ErrNoTokens otherwise). A sandbox session belongs to the token
// that created it; for any other token it does not exist.
func ListenAndServe(ctx context.Context, cfg Config, hc HTTPConfig) error {
	h, err := newHTTPServer(cfg, hc)
	if err != nil {
		return err
	}
	ln := hc.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", hc.Addr); err != nil {
			return err
		}
	}
	return h.serve(ctx, ln)
}

func newHTTPServer(cfg Config, hc HTTPConfig) (*httpServer, error) {
	addr := hc.Addr
	if hc.Listener != nil {
		addr = hc.Listener.Addr().String()
	}
	if len(hc.Tokens) == 0 && !IsLoopback(addr) {
		return nil, fmt.Errorf("listening on %q: %w", addr, ErrNoTokens)
	}
	var tokens *tokenSet
	if len(hc.Tokens) > 0 {
		var err error
		if tokens, err = newTokenSet(hc.Tokens); err != nil {
			return nil, err
		}
		hc.Tokens = nil // kept as hashes only
	}
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	if hc.TokenConcurrency <= 0 {
		hc.TokenConcurrency = s.cfg.MaxConcurrent
	}
	if hc.TokenRate <= 0 {
		hc.TokenRate = DefaultTokenRate
	}
	if hc.TokenBurst <= 0 {
		hc.TokenBurst = DefaultTokenBurst
	}
	if hc.TokenMaxSessions <= 0 {
		hc.TokenMaxSessions = s.cfg.MaxSessions
	}
	if hc.MaxBodyBytes <= 0 {
		hc.MaxBodyBytes = 6*max(s.policy.MaxCodeBytes, s.cfg.MaxFileBytes) + 64<<10
	}
	if hc.ShutdownGrace <= 0 {
		hc.ShutdownGrace = DefaultShutdownGrace
	}
	if hc.IdleTimeout <= 0 {
		hc.IdleTimeout = DefaultIdleTimeout
	}
	s.maxSessionsPerClient = hc.TokenMaxSessions
	s.draining = make(chan struct{})
	h := &httpServer{
		s:      s,
		hc:     hc,
		tokens: tokens,
		limits: newClientLimits(hc.TokenRate, hc.TokenBurst, hc.TokenConcurrency),
		gate:   newCallGate(),
	}
	h.mcp = s.mcpServer()
	h.mcp.AddReceivingMiddleware(h.middleware)
	s.metrics = newMetrics(func() float64 {
		if s.store == nil {
			return 0
		}
		return countSessions(s.store.Dir())
	}, func() float64 {
		n := 0
		for range h.mcp.Sessions() {
			n++
		}
		return float64(n)
	})
	return h, nil
}

// handler routes /mcp, /healthz and /metrics, behind the access log.
func (h *httpServer) handler() http.Handler {
	streamable := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return h.mcp }, &mcp.StreamableHTTPOptions{
		Logger:              h.s.log,
		SessionTimeout:      h.hc.IdleTimeout,
		MaxRequestBodyBytes: h.hc.MaxBodyBytes,
		// The SDK refuses a request to a loopback listener whose Host is
		// not a loopback name, against DNS rebinding: a web page that
		// rebinds its name to 127.0.0.1 could otherwise reach a server
		// without tokens. With tokens it could not authenticate anyway,
		// and a reverse proxy on the same host that forwards the public
		// Host must work.
		DisableLocalhostProtection: h.tokens != nil,
	})
	var authed http.Handler
	if h.tokens != nil {
		authed = auth.RequireBearerToken(h.tokens.verify, &auth.RequireBearerTokenOptions{AllowMissingExpiration: true})(h.limit(streamable))
	} else {
		authed = h.limit(streamable)
	}
	mux := http.NewServeMux()
	// Browsers' cross-site requests (Sec-Fetch-Site, Origin) are refused:
	// MCP clients are programs, not web pages.
	mux.Handle("/mcp", h.admit(http.NewCrossOriginProtection().Handler(authed)))
	mux.HandleFunc("GET /healthz", h.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(h.s.metrics.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(h.s.log.Handler(), slog.LevelWarn)}))
	return h.accessLog(mux)
}

// healthz answers 200 while the server takes calls, 503 once it shuts
// down (so that a load balancer stops sending it new clients).
func (h *httpServer) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if h.gate.isDraining() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"shutting_down"}`)
		return
	}
	fmt.Fprintln(w, `{"status":"ok"}`)
}

// admit refuses, before authentication, what the server will not read:
// new MCP sessions while it shuts down, and bodies declared larger than
// the limit (the go-sdk handler enforces the limit on every body too).
func (h *httpServer) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.gate.isDraining() && r.Header.Get("Mcp-Session-Id") == "" {
			h.s.metrics.reject(rejectShuttingDown)
			w.Header().Set("Retry-After", "5")
			w.Header().Set("Connection", "close")
			http.Error(w, "the server is shutting down; retry in a few seconds", http.StatusServiceUnavailable)
			return
		}
		if r.ContentLength > h.hc.MaxBodyBytes {
			http.Error(w, fmt.Sprintf("request body of %d bytes is more than this server's limit of %d bytes; send smaller code or files", r.ContentLength, h.hc.MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limit applies the client's request-rate limit (429 with Retry-After
// past it), names the client for the access log, and registers the
// request so that a tool call it carries ends when it does.
func (h *httpServer) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := ""
		if ti := auth.TokenInfoFromContext(r.Context()); ti != nil {
			client = ti.UserID
		}
		if info := infoOf(r.Context()); info != nil {
			info.client = clientLabel(client)
		}
		if ok, wait := h.limits.allow(client); !ok {
			h.s.metrics.reject(rejectRateLimited)
			secs := int(wait.Seconds() + 0.999)
			w.Header().Set("Retry-After", fmt.Sprint(max(secs, 1)))
			http.Error(w, fmt.Sprintf("too many requests: this client (token) may make %g requests per second, in bursts of %d; retry after %d s", h.hc.TokenRate, h.hc.TokenBurst, max(secs, 1)), http.StatusTooManyRequests)
			return
		}
		r.Header.Del(requestHeader)
		if r.Method == http.MethodPost {
			h.posts.Add(1)
			defer h.posts.Add(-1)
			key := rand.Text()
			h.requests.Store(key, r.Context())
			defer h.requests.Delete(key)
			r.Header.Set(requestHeader, key)
		}
		next.ServeHTTP(w, r)
	})
}

// requestContext returns the context of the HTTP request registered under
// key, or nil.
func (h *httpServer) requestContext(key string) context.Context {
	if key == "" {
		return nil
	}
	v, ok := h.requests.Load(key)
	if !ok {
		return nil
	}
	return v.(context.Context)
}
