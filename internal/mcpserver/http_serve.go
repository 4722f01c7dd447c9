package mcpserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Running the HTTP server: the access log, and a graceful shutdown.

// serve serves on ln until ctx ends, then shuts down gracefully.
func (h *httpServer) serve(ctx context.Context, ln net.Listener) error {
	hard, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer hardStop()
	h.hardStop = hard
	bg, stopBg := context.WithCancel(ctx)
	defer stopBg()
	go h.s.warmUp(bg)
	go h.s.pruneLoop(bg)
	go h.forgetLoop(bg)

	srv := &http.Server{
		Handler:           h.handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(h.s.log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	h.s.log.Info("mcp http server ready", "addr", ln.Addr().String(), "path", "/mcp",
		"auth", h.tokens != nil, "max_concurrent", h.s.cfg.MaxConcurrent, "token_concurrency", h.hc.TokenConcurrency,
		"token_rate", h.hc.TokenRate, "token_burst", h.hc.TokenBurst, "max_body_bytes", h.hc.MaxBodyBytes,
		"sessions_dir", h.s.cfg.SessionsDir)
	if h.hc.Ready != nil {
		h.hc.Ready(ln.Addr())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}

	// Stop taking new calls; let the executions running finish, up to the
	// grace.
	start := time.Now()
	idle := h.gate.drain()
	close(h.s.draining) // calls still waiting for a slot give up
	h.s.log.Info("mcp http server shutting down", "calls_in_flight", h.gate.inflight(), "grace", h.hc.ShutdownGrace)
	grace := time.NewTimer(h.hc.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-idle:
	case <-grace.C:
		h.s.log.Warn("grace period over: cancelling the calls still in flight", "calls_in_flight", h.gate.inflight())
	}
	hardStop()
	// Let the answers go out (cancelled calls end at once) before the
	// connections close.
	h.waitPosts(5 * time.Second)
	// Closing an MCP session ends its client's event stream, which some
	// clients treat as the end of the connection: give them a moment to
	// read the answers just written first.
	time.Sleep(250 * time.Millisecond)
	for ss := range h.mcp.Sessions() {
		ss.Close()
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	h.s.log.Info("mcp http server stopped", "took", time.Since(start))
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// waitPosts waits until no POST request is in flight, or for at most d.
func (h *httpServer) waitPosts(d time.Duration) {
	deadline := time.Now().Add(d)
	for h.posts.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// forgetLoop drops the limiter state of clients idle for ten minutes.
func (h *httpServer) forgetLoop(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.limits.forget(10 * time.Minute)
		}
	}
}

// reqInfo is what the access log learns about a request from the
// handlers it passes through.
type reqInfo struct {
	client string
}

type reqInfoKey struct{}

func infoOf(ctx context.Context) *reqInfo {
	i, _ := ctx.Value(reqInfoKey{}).(*reqInfo)
	return i
}

// statusWriter records the status and size of a response. It adds the
// WWW-Authenticate challenge RFC 6750 asks of a 401.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		if code == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wasmsandbox"`)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Flush and Unwrap keep streaming (Server-Sent Events) working through
// the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs every request (health checks and scrapes at debug
// level), and counts the refusals the handlers behind it made.
func (h *httpServer) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{client: "-"}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info)))
		switch sw.status {
		case http.StatusUnauthorized:
			h.s.metrics.reject(rejectUnauthorized)
		case http.StatusRequestEntityTooLarge:
			h.s.metrics.reject(rejectBodyTooLarge)
		}
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		h.s.log.Log(r.Context(), level, "http request",
			"method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"duration_ms", time.Since(start).Milliseconds(), "client", info.client,
			"remote", r.RemoteAddr, "mcp_session", r.Header.Get("Mcp-Session-Id"))
	})
}
