package mcpserver

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The gate every tools/call passes on the HTTP transport: it names the
// calling client, refuses calls while the server shuts down and past the
// client's concurrency limit, ties the call to its HTTP request (so that
// a client that goes away stops its execution) and to the server's hard
// stop, and logs and counts the call.

// callGate tracks the tool calls in flight, for a graceful shutdown.
type callGate struct {
	mu       sync.Mutex
	n        int
	draining bool
	idle     chan struct{} // closed once draining with no call in flight
}

func newCallGate() *callGate { return &callGate{idle: make(chan struct{})} }

// enter counts a call in; false when the server is shutting down.
func (g *callGate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return false
	}
	g.n++
	return true
}

func (g *callGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.draining && g.n == 0 {
		close(g.idle)
	}
}

// drain refuses new calls from now on, and returns a channel closed once
// the calls in flight are done.
func (g *callGate) drain() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.draining {
		g.draining = true
		if g.n == 0 {
			close(g.idle)
		}
	}
	return g.idle
}

func (g *callGate) isDraining() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.draining
}

// inflight returns how many calls are in flight.
func (g *callGate) inflight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// toolRefusal is the tool result of a call the server refuses to start.
func toolRefusal(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}

// middleware is the receiving middleware of the HTTP transport's server.
func (h *httpServer) middleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		call, ok := req.(*mcp.CallToolRequest)
		if !ok || method != "tools/call" {
			return next(ctx, method, req)
		}
		client := ""
		extra := req.GetExtra()
		if extra != nil && extra.TokenInfo != nil {
			client = extra.TokenInfo.UserID
		}
		ctx = withClient(ctx, client)
		tool := "unknown"
		if call.Params != nil && slices.Contains(toolNames, call.Params.Name) {
			tool = call.Params.Name
		}
		log := h.s.log.With("client", clientLabel(client), "tool", tool, "mcp_session", req.GetSession().ID())

		if !h.gate.enter() {
			h.s.metrics.reject(rejectShuttingDown)
			log.Info("tool call refused", "reason", rejectShuttingDown)
			return toolRefusal("the server is shutting down and takes no new calls; retry in a few seconds (another instance, or this one once restarted, will answer)"), nil
		}
		defer h.gate.leave()
		if !h.limits.begin(client) {
			h.s.metrics.reject(rejectConcurrency)
			log.Info("tool call refused", "reason", rejectConcurrency, "max", h.limits.maxCalls)
			return toolRefusal(fmt.Sprintf("too many calls at once: this client (token) already has %d tool calls in flight, its limit; wait for one to finish, then retry", h.limits.maxCalls)), nil
		}
		defer h.limits.end(client)

		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if extra != nil {
			if rctx := h.requestContext(extra.Header.Get(requestHeader)); rctx != nil {
				defer context.AfterFunc(rctx, cancel)()
			}
		}
		defer context.AfterFunc(h.hardStop, cancel)()

		start := time.Now()
		res, err := next(ctx, method, req)
		result := "ok"
		switch r, _ := res.(*mcp.CallToolResult); {
		case err != nil && ctx.Err() != nil:
			result = "cancelled"
		case err != nil:
			result = "error"
		case r != nil && r.IsError:
			result = "tool_error"
		}
		h.s.metrics.called(tool, result)
		log.Info("tool call", "result", result, "duration_ms", time.Since(start).Milliseconds())
		return res, err
	}
}

// clientLabel names a client in logs: its token's hash, or "anonymous" on
// a server without tokens.
func clientLabel(id string) string {
	if id == "" {
		return "anonymous"
	}
	return id
}
