package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
)

const (
	tokenA = "token-a-0123456789abcdef"
	tokenB = "token-b-0123456789abcdef"
)

// testHTTP is an HTTP server under test, on a loopback port.
type testHTTP struct {
	url  string
	h    *httpServer
	stop context.CancelFunc
	done chan error
}

// startHTTP starts the HTTP server with cfg and hc (RuntimeHome and
// SessionsDir defaulting to the test's) and stops it at the end of the
// test.
func startHTTP(t *testing.T, cfg Config, hc HTTPConfig) *testHTTP {
	t.Helper()
	if cfg.RuntimeHome == "" {
		cfg.RuntimeHome = testHome
	}
	if cfg.SessionsDir == "" {
		cfg.SessionsDir = t.TempDir()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hc.Listener = ln
	h, err := newHTTPServer(cfg, hc)
	if err != nil {
		ln.Close()
		t.Fatalf("newHTTPServer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testHTTP{url: "http://" + ln.Addr().String(), h: h, stop: cancel, done: make(chan error, 1)}
	go func() { ts.done <- h.serve(ctx, ln) }()
	t.Cleanup(func() { ts.shutdown(t) })
	return ts
}

// shutdown stops the server (once) and waits for it.
func (ts *testHTTP) shutdown(t *testing.T) error {
	t.Helper()
	ts.stop()
	select {
	case err, ok := <-ts.done:
		if ok {
			close(ts.done)
		}
		return err
	case <-time.After(time.Minute):
		t.Fatal("the server did not stop within a minute")
		return nil
	}
}

// bearer adds a bearer token to every request.
type bearer struct {
	token string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// client connects an MCP client with token (none when empty).
func (ts *testHTTP) client(t *testing.T, token string) (*mcp.ClientSession, error) {
	t.Helper()
	tr := &mcp.StreamableClientTransport{
		Endpoint:   ts.url + "/mcp",
		HTTPClient: &http.Client{Transport: bearer{token}},
		MaxRetries: -1,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "1"}, nil).Connect(ctx, tr, nil)
	if err == nil {
		t.Cleanup(func() { cs.Close() })
	}
	return cs, err
}

func (ts *testHTTP) mustClient(t *testing.T, token string) *mcp.ClientSession {
	t.Helper()
	cs, err := ts.client(t, token)
	if err != nil {
		t.Fatalf("connecting with token %q: %v", token, err)
	}
	return cs
}

// post sends a raw JSON-RPC message to /mcp.
func (ts *testHTTP) post(t *testing.T, token, session string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.url+"/mcp", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const initializeMsg = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// metricsText scrapes /metrics.
func (ts *testHTTP) metricsText(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(ts.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// metric returns the value of the sample line that starts with series
// (name and labels as Prometheus writes them), or -1.
func metric(text, series string) float64 {
	for line := range strings.SplitSeq(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

func TestHTTPRefusesToStartUnsafely(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:80", "example.com:80"} {
		if _, err := newHTTPServer(Config{}, HTTPConfig{Addr: addr}); !errors.Is(err, ErrNoTokens) {
			t.Errorf("%s without tokens: err = %v, want ErrNoTokens", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if _, err := newHTTPServer(Config{}, HTTPConfig{Addr: addr}); err != nil {
			t.Errorf("%s without tokens: %v, want a server", addr, err)
		}
	}
	for _, tok := range []string{"short", "has space inside 0123456789", "non-ascii-é-0123456789"} {
		_, err := newHTTPServer(Config{}, HTTPConfig{Addr: "0.0.0.0:0", Tokens: []string{tok}})
		if !errors.Is(err, ErrBadToken) {
			t.Errorf("token %q: err = %v, want ErrBadToken", tok, err)
		} else if strings.Contains(err.Error(), tok) {
			t.Errorf("the error names the token: %v", err)
		}
	}
}

func TestHTTPNeedsAToken(t *testing.T) {
	t.Parallel()
	ts := startHTTP(t, Config{}, HTTPConfig{Tokens: []string{tokenA}})
	for _, tc := range []struct{ name, header string }{
		{"missing", ""},
		{"wrong", "Bearer " + tokenB},
		{"prefix of a token", "Bearer " + tokenA[:len(tokenA)-1]},
		{"not bearer", "Basic " + tokenA},
	} {
		req, _ := http.NewRequest(http.MethodPost, ts.url+"/mcp", strings.NewReader(initializeMsg))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s token: status %d, want 401", tc.name, resp.StatusCode)
		}
		if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s token: WWW-Authenticate = %q, want a Bearer challenge", tc.name, resp.Header.Get("WWW-Authenticate"))
		}
	}
	if _, err := ts.client(t, tokenB); err == nil {
		t.Error("an MCP client with a wrong token connected")
	}
	cs := ts.mustClient(t, tokenA)
	callOK(t, cs, "list_runtimes", map[string]any{}, nil)

	// The health check and the metrics need no token.
	resp, err := http.Get(ts.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: status %d", resp.StatusCode)
	}
	if got := metric(ts.metricsText(t), `wasmsandbox_rejected_total{reason="unauthorized"}`); got < 5 {
		t.Errorf("rejected unauthorized = %v, want at least 5", got)
	}
}

func TestHTTPSessionsBelongToTheirToken(t *testing.T) {
	t.Parallel()
	ts := startHTTP(t, Config{}, HTTPConfig{Tokens: []string{tokenA, tokenB}})
	a, b := ts.mustClient(t, tokenA), ts.mustClient(t, tokenB)
	var info SessionInfo
	callOK(t, a, "create_session", map[string]any{"language": "python"}, &info)
	id := info.SessionID
	callOK(t, a, "write_file", map[string]any{"session_id": id, "path": "secret.txt", "content": "A's data"}, nil)

	const never = "0badc0de-0000-4000-8000-000000000000"
	for _, tc := range []struct {
		tool string
		args func(id string) map[string]any
	}{
		{"execute_code", func(id string) map[string]any {
			return map[string]any{"session_id": id, "language": "python", "code": "print(open('secret.txt').read())"}
		}},
		{"read_file", func(id string) map[string]any { return map[string]any{"session_id": id, "path": "secret.txt"} }},
		{"write_file", func(id string) map[string]any {
			return map[string]any{"session_id": id, "path": "x.txt", "content": "B was here"}
		}},
		{"list_files", func(id string) map[string]any { return map[string]any{"session_id": id} }},
		{"delete_file", func(id string) map[string]any { return map[string]any{"session_id": id, "path": "secret.txt"} }},
		{"get_workspace_info", func(id string) map[string]any { return map[string]any{"session_id": id} }},
		{"reset_workspace", func(id string) map[string]any { return map[string]any{"session_id": id} }},
		{"destroy_session", func(id string) map[string]any { return map[string]any{"session_id": id} }},
	} {
		other := callFailed(t, b, tc.tool, tc.args(id), nil)
		missing := callFailed(t, b, tc.tool, tc.args(never), nil)
		got := strings.ReplaceAll(text(other), id, "ID")
		want := strings.ReplaceAll(text(missing), never, "ID")
		if got != want {
			t.Errorf("%s on another token's session says\n  %q\nbut on a session that never existed\n  %q", tc.tool, got, want)
		}
	}
	// The owner still has it all.
	var rf ReadFileOutput
	callOK(t, a, "read_file", map[string]any{"session_id": id, "path": "secret.txt"}, &rf)
	if rf.Content != "A's data" {
		t.Errorf("the owner reads %q", rf.Content)
	}
	callOK(t, a, "destroy_session", map[string]any{"session_id": id}, nil)

	// The MCP session (connection) of one token cannot be used by another.
	resp := ts.post(t, tokenA, "", []byte(initializeMsg))
	sid := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || sid == "" {
		t.Fatalf("initialize: status %d, session %q", resp.StatusCode, sid)
	}
	resp = ts.post(t, tokenB, sid, []byte(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`))
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("token B on token A's MCP session: status %d, want 403 or 404", resp.StatusCode)
	}
}

func TestHTTPTokenLimits(t *testing.T) {
	t.Parallel()
	t.Run("rate", func(t *testing.T) {
		t.Parallel()
		ts := startHTTP(t, Config{}, HTTPConfig{Tokens: []string{tokenA, tokenB}, TokenRate: 0.2, TokenBurst: 3})
		var codes []int
		for range 5 {
			resp := ts.post(t, tokenA, "", []byte(initializeMsg))
			codes = append(codes, resp.StatusCode)
			if resp.StatusCode == http.StatusTooManyRequests {
				ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
				if err != nil || ra < 1 || ra > 5 {
					t.Errorf("Retry-After = %q, want 1 to 5 seconds", resp.Header.Get("Retry-After"))
				}
				b, _ := io.ReadAll(resp.Body)
				if !strings.Contains(string(b), "retry after") {
					t.Errorf("429 body %q does not say when to retry", b)
				}
			}
		}
		if want := []int{200, 200, 200, 429, 429}; fmt.Sprint(codes) != fmt.Sprint(want) {
			t.Errorf("token A's statuses = %v, want %v", codes, want)
		}
		// Another token has its own budget.
		if resp := ts.post(t, tokenB, "", []byte(initializeMsg)); resp.StatusCode != http.StatusOK {
			t.Errorf("token B: status %d, want 200", resp.StatusCode)
		}
		if got := metric(ts.metricsText(t), `wasmsandbox_rejected_total{reason="rate_limited"}`); got != 2 {
			t.Errorf("rejected rate_limited = %v, want 2", got)
		}
	})

	t.Run("concurrency and sessions", func(t *testing.T) {
		t.Parallel()
		ts := startHTTP(t, Config{MaxConcurrent: 2, Policy: longTimeout}, HTTPConfig{Tokens: []string{tokenA, tokenB}, TokenConcurrency: 1, TokenMaxSessions: 1})
		a, b := ts.mustClient(t, tokenA), ts.mustClient(t, tokenB)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		first := make(chan error, 1)
		go func() {
			_, err := a.CallTool(ctx, &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{
				"language": "python", "code": "while True: pass"}})
			first <- err
		}()
		deadline := time.Now().Add(time.Minute)
		for ts.h.gate.inflight() < 1 {
			if time.Now().After(deadline) {
				t.Fatal("the first call never started")
			}
			time.Sleep(10 * time.Millisecond)
		}
		res := callFailed(t, a, "list_runtimes", map[string]any{}, nil)
		if !strings.Contains(text(res), "too many calls at once") || !strings.Contains(text(res), "already has 1 tool calls in flight") {
			t.Errorf("second call of token A: %q, want a concurrency limit error", text(res))
		}
		callOK(t, b, "execute_code", map[string]any{"language": "python", "code": "print(1)"}, nil)

		// Cancelling the call stops its execution.
		cancel()
		<-first
		for ts.h.gate.inflight() > 0 {
			if time.Now().After(deadline) {
				t.Fatal("the cancelled call is still running")
			}
			time.Sleep(10 * time.Millisecond)
		}
		callOK(t, a, "list_runtimes", map[string]any{}, nil)

		callOK(t, a, "create_session", map[string]any{"language": "python"}, nil)
		res = callFailed(t, a, "create_session", map[string]any{"language": "python"}, nil)
		if !strings.Contains(text(res), "maximum of 1 sessions") {
			t.Errorf("second session of token A: %q, want the per-token session limit", text(res))
		}
		callOK(t, b, "create_session", map[string]any{"language": "python"}, nil)

		m := ts.metricsText(t)
		for series, want := range map[string]float64{
			`wasmsandbox_rejected_total{reason="concurrency_limit"}`:             1,
			`wasmsandbox_rejected_total{reason="session_limit"}`:                 1,
			`wasmsandbox_executions_total{outcome="cancelled",runtime="python"}`: 1,
		} {
			if got := metric(m, series); got != want {
				t.Errorf("%s = %v, want %v", series, got, want)
			}
		}
	})
}

func TestHTTPBodyLimit(t *testing.T) {
	t.Parallel()
	ts := startHTTP(t, Config{}, HTTPConfig{Tokens: []string{tokenA}, MaxBodyBytes: 64 << 10})
	cs := ts.mustClient(t, tokenA)
	// Code that fits in the body limit runs.
	callOK(t, cs, "execute_code", map[string]any{"language": "python", "code": "x = '" + strings.Repeat("a", 30<<10) + "'\nprint(len(x))"}, nil)

	big := fmt.Sprintf(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"execute_code","arguments":{"language":"python","code":"print(%d)  # %s"}}}`, 1, strings.Repeat("a", 100<<10))
	// Declared length over the limit.
	if resp := ts.post(t, tokenA, "", []byte(big)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a %d-byte body: status %d, want 413", len(big), resp.StatusCode)
	}
	// Chunked, with no declared length.
	req, _ := http.NewRequest(http.MethodPost, ts.url+"/mcp", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+tokenA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a chunked %d-byte body: status %d, want 413", len(big), resp.StatusCode)
	}
	if got := metric(ts.metricsText(t), `wasmsandbox_rejected_total{reason="body_too_large"}`); got != 2 {
		t.Errorf("rejected body_too_large = %v, want 2", got)
	}
}

func TestHTTPMetricsAfterRuns(t *testing.T) {
	t.Parallel()
	ts := startHTTP(t, Config{}, HTTPConfig{Tokens: []string{tokenA}})
	cs := ts.mustClient(t, tokenA)
	callOK(t, cs, "execute_code", map[string]any{"language": "python", "code": "print(6*7)"}, nil)
	callOK(t, cs, "execute_code", map[string]any{"language": "python", "code": "print(1)"}, nil)
	callFailed(t, cs, "execute_code", map[string]any{"language": "python", "code": "while True: pass", "fuel_budget": fuelBomb}, nil)
	callFailed(t, cs, "execute_code", map[string]any{"language": "python", "code": "raise ValueError('no')"}, nil)
	var info SessionInfo
	callOK(t, cs, "create_session", map[string]any{"language": "python"}, &info)

	m := ts.metricsText(t)
	for series, want := range map[string]float64{
		`wasmsandbox_executions_total{outcome="ok",runtime="python"}`:           2,
		`wasmsandbox_executions_total{outcome="out_of_fuel",runtime="python"}`:  1,
		`wasmsandbox_executions_total{outcome="guest_error",runtime="python"}`:  1,
		`wasmsandbox_executions_total{outcome="timeout",runtime="python"}`:      0,
		`wasmsandbox_execution_duration_seconds_count{runtime="python"}`:        4,
		`wasmsandbox_execution_fuel_count{runtime="python"}`:                    4,
		`wasmsandbox_active_executions`:                                         0,
		`wasmsandbox_sessions`:                                                  1,
		`wasmsandbox_mcp_sessions`:                                              1,
		`wasmsandbox_tool_calls_total{result="ok",tool="execute_code"}`:         2,
		`wasmsandbox_tool_calls_total{result="tool_error",tool="execute_code"}`: 2,
		`wasmsandbox_rejected_total{reason="rate_limited"}`:                     0,
	} {
		if got := metric(m, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if got := metric(m, `wasmsandbox_execution_fuel_sum{runtime="python"}`); got < fuelBomb {
		t.Errorf("fuel sum = %v, want at least the %d the fuel bomb burnt", got, fuelBomb)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(m, "\n"+name+" ") {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func TestHTTPGracefulShutdown(t *testing.T) {
	t.Parallel()
	t.Run("calls in flight finish", func(t *testing.T) {
		t.Parallel()
		ts := startHTTP(t, Config{MaxConcurrent: 1}, HTTPConfig{Tokens: []string{tokenA}, TokenConcurrency: 2, ShutdownGrace: time.Minute})
		cs := ts.mustClient(t, tokenA)
		got, queued := make(chan *mcp.CallToolResult, 1), make(chan *mcp.CallToolResult, 1)
		call := func(code string, out chan *mcp.CallToolResult) {
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{
				"language": "python", "code": code}})
			if err != nil {
				t.Errorf("a call in flight failed: %v", err)
			}
			out <- res
		}
		go call("import time\nt = time.time()\nwhile time.time() - t < 2: pass\nprint('done')", got)
		waitActive(t, ts.h, 1)
		// The second call waits for the only slot.
		go call("print('never')", queued)
		waitInflight(t, ts.h, 2)
		ts.stop()
		// The waiting call is told at once; the running one finishes.
		if res := <-queued; res == nil || !res.IsError || !strings.Contains(text(res), "shutting down") {
			t.Errorf("the call waiting for a slot: %v, want a tool error saying the server is shutting down", res)
		}
		// New clients are turned away, and the health check says why.
		waitDraining(t, ts.h)
		resp := ts.post(t, tokenA, "", []byte(initializeMsg))
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a new client while draining: status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if hr, err := http.Get(ts.url + "/healthz"); err != nil {
			t.Errorf("/healthz while draining: %v", err)
		} else {
			hr.Body.Close()
			if hr.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/healthz while draining: %d, want 503", hr.StatusCode)
			}
		}
		res := <-got
		if res == nil || res.IsError || !strings.Contains(text(res), "done") {
			t.Errorf("the call in flight did not finish: %v", res)
		}
		if err := ts.shutdown(t); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	t.Run("grace over", func(t *testing.T) {
		t.Parallel()
		ts := startHTTP(t, Config{Policy: longTimeout}, HTTPConfig{Tokens: []string{tokenA}, ShutdownGrace: 200 * time.Millisecond})
		cs := ts.mustClient(t, tokenA)
		got := make(chan error, 1)
		go func() {
			_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{
				"language": "python", "code": "while True: pass"}})
			got <- err
		}()
		waitInflight(t, ts.h, 1)
		if err := ts.shutdown(t); err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := <-got; err == nil {
			t.Error("the endless call succeeded; want it cancelled when the grace period ended")
		}
	})
}

func waitInflight(t *testing.T, h *httpServer, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for h.gate.inflight() < n {
		if time.Now().After(deadline) {
			t.Fatalf("not %d calls in flight after a minute", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitActive waits until n executions run.
func waitActive(t *testing.T, h *httpServer, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for len(h.s.slots) < n {
		if time.Now().After(deadline) {
			t.Fatalf("not %d executions running after a minute", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitDraining(t *testing.T, h *httpServer) {
	t.Helper()
	for !h.gate.isDraining() {
		time.Sleep(5 * time.Millisecond)
	}
}

// A client that drops its connection in the middle of a call (without
// cancelling it) stops the execution.
func TestHTTPClientGoneStopsItsExecution(t *testing.T) {
	t.Parallel()
	ts := startHTTP(t, Config{Policy: longTimeout}, HTTPConfig{Tokens: []string{tokenA}})
	resp := ts.post(t, tokenA, "", []byte(initializeMsg))
	sid := resp.Header.Get("Mcp-Session-Id")
	io.Copy(io.Discard, resp.Body)
	ts.post(t, tokenA, sid, []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))

	ctx, cancel := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": map[string]any{
		"name": "execute_code", "arguments": map[string]any{"language": "python", "code": "while True: pass"}}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.url+"/mcp", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+tokenA)
	req.Header.Set("Mcp-Session-Id", sid)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	waitInflight(t, ts.h, 1)
	cancel()
	<-done
	deadline := time.Now().Add(time.Minute)
	for ts.h.gate.inflight() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the execution of a client that went away is still running")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := metric(ts.metricsText(t), `wasmsandbox_executions_total{outcome="cancelled",runtime="python"}`); got != 1 {
		t.Errorf("cancelled executions = %v, want 1", got)
	}
}

// longTimeout lets an endless loop run until the test stops it.
var longTimeout = sandbox.Policy{Timeout: 10 * time.Minute}

// Web pages cannot call the server: cross-site browser requests are
// refused, and without tokens so are requests for another host name (DNS
// rebinding). With tokens, a proxy may forward its public Host.
func TestHTTPBrowsersAndHosts(t *testing.T) {
	t.Parallel()
	send := func(ts *testHTTP, token string, edit func(r *http.Request)) int {
		req, _ := http.NewRequest(http.MethodPost, ts.url+"/mcp", strings.NewReader(initializeMsg))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		edit(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	crossSite := func(r *http.Request) {
		r.Header.Set("Origin", "https://evil.example")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	otherHost := func(r *http.Request) { r.Host = "sandbox.example.com" }

	anon := startHTTP(t, Config{}, HTTPConfig{})
	if got := send(anon, "", func(*http.Request) {}); got != http.StatusOK {
		t.Errorf("without tokens, a loopback client: %d, want 200", got)
	}
	if got := send(anon, "", crossSite); got != http.StatusForbidden {
		t.Errorf("without tokens, a cross-site browser request: %d, want 403", got)
	}
	if got := send(anon, "", otherHost); got != http.StatusForbidden {
		t.Errorf("without tokens, Host %q: %d, want 403", "sandbox.example.com", got)
	}

	authed := startHTTP(t, Config{}, HTTPConfig{Tokens: []string{tokenA}})
	if got := send(authed, tokenA, crossSite); got != http.StatusForbidden {
		t.Errorf("with a token, a cross-site browser request: %d, want 403", got)
	}
	if got := send(authed, tokenA, otherHost); got != http.StatusOK {
		t.Errorf("with a token, Host %q (a reverse proxy): %d, want 200", "sandbox.example.com", got)
	}
}
