package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
)

// loadClient is one MCP client of the load test.
type loadClient struct {
	lt      *loadTest
	id      int
	token   string
	cs      *mcp.ClientSession
	conns   *connSet
	tr      *http.Transport
	session string
	// connGen is the loadTest's gen when the client connected.
	connGen int64
}

// connSet keeps a client's TCP connections, so that the test can drop
// them all at once, as a crashed client would.
type connSet struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (s *connSet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err == nil {
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
	}
	return c, err
}

func (s *connSet) killAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

func (lt *loadTest) newClient(id int, token string) *loadClient {
	return &loadClient{lt: lt, id: id, token: token}
}

func (c *loadClient) data() string { return fmt.Sprintf("data of client %d", c.id) }

// connect connects a new MCP session, retrying while the server restarts.
func (c *loadClient) connect() {
	c.close()
	c.conns = &connSet{}
	c.connGen = c.lt.gen.Load()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c.tr = &http.Transport{DialContext: c.conns.dial, MaxIdleConnsPerHost: 4}
		tr := &mcp.StreamableClientTransport{
			Endpoint:   "http://" + c.lt.addr + "/mcp",
			HTTPClient: &http.Client{Transport: bearerTransport{token: c.token, base: c.tr}},
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cs, err := mcp.NewClient(&mcp.Implementation{Name: fmt.Sprintf("load-%d", c.id), Version: "1"}, nil).Connect(ctx, tr, nil)
		cancel()
		if err == nil {
			c.cs = cs
			return
		}
		if time.Now().After(deadline) {
			c.lt.fail("client %d: cannot connect: %v", c.id, err)
			c.cs = nil
			return
		}
		c.tr.CloseIdleConnections()
		c.lt.explain("connect retried (server restarting)")
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *loadClient) close() {
	if c.cs != nil {
		c.cs.Close()
		c.cs = nil
	}
	if c.tr != nil {
		c.tr.CloseIdleConnections()
		c.tr = nil
	}
}

type bearerTransport struct {
	token string
	base  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// answerCheck judges an answer: nil when it is what the call should give.
type answerCheck func(res *mcp.CallToolResult) error

func wantOutcome(o sandbox.Outcome, out string) answerCheck {
	return func(res *mcp.CallToolResult) error {
		b, _ := json.Marshal(res.StructuredContent)
		var r sandbox.Result
		if err := json.Unmarshal(b, &r); err != nil || r.Outcome == "" {
			return fmt.Errorf("not a Result: %s", text(res))
		}
		if r.Outcome != o || !strings.Contains(r.Stdout, out) {
			return fmt.Errorf("outcome %s, stdout %q; want %s with %q (stderr %q)", r.Outcome, r.Stdout, o, out, r.Stderr)
		}
		return nil
	}
}

func wantText(s string) answerCheck {
	return func(res *mcp.CallToolResult) error {
		if res.IsError || !strings.Contains(text(res), s) {
			return fmt.Errorf("want %q in a successful answer; got isError=%v: %s", s, res.IsError, text(res))
		}
		return nil
	}
}

// expect makes one call, retrying what it can explain, and checks the
// answer.
func (c *loadClient) expect(kind, tool string, args map[string]any, want answerCheck) *mcp.CallToolResult {
	for attempt := 0; attempt < 50; attempt++ {
		if c.cs == nil {
			c.connect()
			if c.cs == nil {
				return nil
			}
		}
		gen := c.lt.gen.Load()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		start := time.Now()
		res, err := c.cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
		d := time.Since(start)
		cancel()
		restart := gen != c.lt.gen.Load() || c.lt.restarting.Load() || c.connGen != c.lt.gen.Load()
		switch {
		case err != nil && strings.Contains(err.Error(), "Too Many Requests"):
			c.lt.explain("429 rate limited, retried")
			time.Sleep(time.Second)
			continue
		case err != nil && restart:
			c.lt.explain("call retried across the restart: " + restartError(err))
			c.connect()
			continue
		case err != nil:
			c.lt.fail("client %d %s: %v", c.id, kind, err)
			return nil
		case res.IsError && strings.Contains(text(res), "too many calls at once"):
			c.lt.explain("concurrency limit, retried")
			time.Sleep(100 * time.Millisecond)
			continue
		case res.IsError && strings.Contains(text(res), "shutting down"):
			c.lt.explain("refused while shutting down, retried")
			time.Sleep(500 * time.Millisecond)
			continue
		}
		if err := want(res); err != nil {
			if restart && strings.Contains(text(res), "cancel") {
				c.lt.explain("cancelled by the restart, retried")
				continue
			}
			c.lt.fail("client %d %s: %v", c.id, kind, err)
			return res
		}
		c.lt.record(kind, d)
		return res
	}
	c.lt.fail("client %d %s: gave up after 50 attempts", c.id, kind)
	return nil
}

// run makes n calls, in a mix that depends on the client and the call.
func (c *loadClient) run(n int) {
	defer c.close()
	c.connect()
	lang := "python"
	if c.id%2 == 1 {
		lang = "javascript"
	}
	for k := 0; k < n; k++ {
		switch {
		case k == 0:
			var info SessionInfo
			res := c.expect("create_session", "create_session", map[string]any{"language": lang}, wantText("session_id"))
			if res != nil {
				b, _ := json.Marshal(res.StructuredContent)
				if json.Unmarshal(b, &info) == nil {
					c.session = info.SessionID
				}
			}
		case k == 1 && c.session != "":
			c.expect("write_file", "write_file", map[string]any{"session_id": c.session, "path": "data.txt", "content": c.data()}, wantText("bytes_written"))
		case k == n/4 && c.id%10 == 3:
			c.disconnectMidCall(c.id%20 == 3)
		default:
			c.step(k, lang)
		}
	}
}

// step makes the k-th call of the mix.
func (c *loadClient) step(k int, lang string) {
	s := c.session
	switch k % 8 {
	case 0:
		c.expect("ok run", "execute_code", map[string]any{"language": "python", "code": "print(sum(range(1000)))"}, wantOutcome(sandbox.OutcomeOK, "499500"))
	case 1:
		c.expect("fuel limit", "execute_code", map[string]any{"language": "python", "code": "while True: pass", "fuel_budget": 400_000_000}, wantOutcome(sandbox.OutcomeOutOfFuel, ""))
	case 2:
		c.expect("memory limit", "execute_code", map[string]any{"language": "python", "code": "x = bytearray(200 * 1024 * 1024)", "memory_bytes": 64 << 20}, wantOutcome(sandbox.OutcomeMemoryLimit, ""))
	case 3:
		c.expect("timeout", "execute_code", map[string]any{"language": "javascript", "code": "for (;;) {}", "timeout_seconds": 0.3}, wantOutcome(sandbox.OutcomeTimeout, ""))
	case 4:
		if s == "" {
			return
		}
		code := "print(open('data.txt').read())\nopen('log.txt', 'a').write('x')"
		if lang == "javascript" {
			code = "const fs = require('fs'); console.log(fs.readFileSync('data.txt', 'utf8')); fs.appendFileSync('log.txt', 'x')"
		}
		c.expect("session run", "execute_code", map[string]any{"language": lang, "session_id": s, "code": code}, wantOutcome(sandbox.OutcomeOK, c.data()))
	case 5:
		if s == "" {
			return
		}
		c.expect("read_file", "read_file", map[string]any{"session_id": s, "path": "data.txt"}, wantText(c.data()))
	case 6:
		c.expect("js run", "execute_code", map[string]any{"language": "javascript", "code": "console.log(6 * 7)"}, wantOutcome(sandbox.OutcomeOK, "42"))
	case 7:
		if s == "" {
			return
		}
		c.expect("list_files", "list_files", map[string]any{"session_id": s}, wantText("data.txt"))
	}
}

// disconnectMidCall starts a long call and goes away in the middle of it:
// by cancelling it (polite), or by closing its TCP connections (abrupt),
// then reconnects.
func (c *loadClient) disconnectMidCall(polite bool) {
	if c.cs == nil {
		c.connect()
		if c.cs == nil {
			return
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{
			"language": "python", "code": "while True: pass", "timeout_seconds": 4}})
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	if polite {
		cancel()
		c.lt.explain("client cancelled a call mid-way (deliberate)")
	} else {
		c.conns.killAll()
		c.lt.explain("client dropped its connections mid-call (deliberate)")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	cancel()
	c.connect()
}

// restartError classifies an error a call met because the server
// restarted.
func restartError(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, mcp.ErrSessionMissing) || strings.Contains(msg, "session not found"):
		return "its MCP session was on the old server (404)"
	case strings.Contains(msg, "connection refused"):
		return "no server listening (connection refused)"
	case strings.Contains(msg, "Service Unavailable"):
		return "503 while shutting down"
	case strings.Contains(msg, "client is closing") || strings.Contains(msg, "connection closed"):
		return "its connection was closed by the shutdown"
	case strings.HasSuffix(msg, "EOF"):
		return "its idle keep-alive connection was closed by the shutdown (EOF)"
	}
	return "other: " + msg
}
