package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox"
)

// TestHTTPLoad is the load and fault test of the HTTP transport, run only
// with WASMSANDBOX_LOAD=1 (it takes minutes):
//
//	WASMSANDBOX_LOAD=1 go test -run TestHTTPLoad -v -timeout 30m ./internal/mcpserver
//
// 50 MCP clients (WASMSANDBOX_LOAD_CLIENTS), 5 per token, make 20 calls
// each (WASMSANDBOX_LOAD_CALLS) over loopback: ordinary Python and
// JavaScript runs, runs that hit the fuel, memory and time limits, and
// session file operations. A quarter of the way through, one client in
// ten leaves in the middle of a call, politely (it cancels) or not (its
// TCP connections are closed), and reconnects. Half-way through, the server is stopped gracefully and another
// one started on the same address and session directory: clients
// reconnect, and their sessions, on disk, must still hold their files.
// Every answer is checked; a failure the test cannot explain (by the
// restart, a rate or concurrency limit it then retries, or a deliberate
// disconnect) fails it. It reports throughput, latency percentiles, and
// the process's RSS and goroutines before and after.
func TestHTTPLoad(t *testing.T) {
	if os.Getenv("WASMSANDBOX_LOAD") == "" {
		t.Skip("the load test runs with WASMSANDBOX_LOAD=1")
	}
	nClients, nCalls := envInt("WASMSANDBOX_LOAD_CLIENTS", 50), envInt("WASMSANDBOX_LOAD_CALLS", 20)
	const perToken = 5
	var tokens []string
	for i := range (nClients + perToken - 1) / perToken {
		tokens = append(tokens, fmt.Sprintf("load-token-%02d-0123456789abcdef", i))
	}
	lt := &loadTest{t: t, dir: t.TempDir(), tokens: tokens}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lt.addr = ln.Addr().String()
	lt.start(ln)
	defer func() { lt.stop() }()

	// Warm up (load and compile both runtimes), then measure the baseline.
	warm := lt.newClient(-1, tokens[0])
	warm.connect()
	warm.expect("warm python", "execute_code", map[string]any{"language": "python", "code": "print(1)"}, wantOutcome(sandbox.OutcomeOK, "1"))
	warm.expect("warm js", "execute_code", map[string]any{"language": "javascript", "code": "console.log(1)"}, wantOutcome(sandbox.OutcomeOK, "1"))
	warm.close()
	time.Sleep(200 * time.Millisecond)
	before := snapshot()

	total := nClients * nCalls
	restartAt := int64(total / 2)
	restarted := make(chan time.Duration, 1)
	go func() {
		for lt.answered.Load() < restartAt {
			time.Sleep(20 * time.Millisecond)
		}
		start := time.Now()
		lt.restarting.Store(true)
		lt.gen.Add(1)
		lt.stop()
		l, err := net.Listen("tcp", lt.addr)
		for i := 0; err != nil && i < 100; i++ {
			time.Sleep(50 * time.Millisecond)
			l, err = net.Listen("tcp", lt.addr)
		}
		if err != nil {
			t.Errorf("listening again on %s: %v", lt.addr, err)
			restarted <- 0
			return
		}
		lt.start(l)
		lt.gen.Add(1)
		lt.restarting.Store(false)
		restarted <- time.Since(start)
	}()

	start := time.Now()
	var wg sync.WaitGroup
	clients := make([]*loadClient, nClients)
	for i := range nClients {
		c := lt.newClient(i, tokens[i/perToken])
		clients[i] = c
		wg.Go(func() { c.run(nCalls) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	var downtime time.Duration
	select {
	case downtime = <-restarted:
	default:
		t.Errorf("the server was never restarted (answered %d of %d calls)", lt.answered.Load(), total)
	}

	// Every session survived the restart with its files; then clean up.
	for _, c := range clients {
		if c.session == "" {
			continue
		}
		c.expect("final read", "read_file", map[string]any{"session_id": c.session, "path": "data.txt"}, wantText(c.data()))
		c.expect("destroy", "destroy_session", map[string]any{"session_id": c.session}, wantText(`"destroyed":true`))
		c.close()
	}
	time.Sleep(500 * time.Millisecond)
	afterClients := snapshot()
	lt.stop()
	time.Sleep(500 * time.Millisecond)
	afterStop := snapshot()

	lt.report(os.Stdout, nClients, nCalls, elapsed, downtime, before, afterClients, afterStop)
	if n := len(lt.unexplained); n > 0 {
		t.Errorf("%d unexplained failures; the first:\n%s", n, strings.Join(lt.unexplained[:min(n, 10)], "\n"))
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// loadTest is the shared state of the load test.
type loadTest struct {
	t      *testing.T
	dir    string
	addr   string
	tokens []string

	srvMu  sync.Mutex
	h      *httpServer
	cancel context.CancelFunc
	done   chan error
	// outcomes adds up the servers' wasmsandbox_executions_total.
	outcomes map[string]float64

	// gen changes when a restart begins and when it ends; restarting is
	// true in between.
	gen        atomic.Int64
	restarting atomic.Bool
	answered   atomic.Int64

	mu          sync.Mutex
	latencies   []time.Duration
	kinds       map[string]int
	explained   map[string]int
	unexplained []string
}

// start serves on ln.
func (lt *loadTest) start(ln net.Listener) {
	h, err := newHTTPServer(Config{
		RuntimeHome:   testHome,
		SessionsDir:   lt.dir,
		MaxSessions:   500,
		MaxConcurrent: runtime.NumCPU(),
		Policy:        sandbox.Policy{Timeout: 5 * time.Second},
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	}, HTTPConfig{Listener: ln, Tokens: lt.tokens, TokenConcurrency: 5, TokenRate: 50, TokenBurst: 100, ShutdownGrace: 10 * time.Second})
	if err != nil {
		lt.t.Fatalf("newHTTPServer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.serve(ctx, ln) }()
	lt.srvMu.Lock()
	lt.h, lt.cancel, lt.done = h, cancel, done
	lt.srvMu.Unlock()
}

// stop stops the server gracefully, if it runs.
func (lt *loadTest) stop() {
	lt.srvMu.Lock()
	h, cancel, done := lt.h, lt.cancel, lt.done
	lt.h, lt.cancel, lt.done = nil, nil, nil
	lt.srvMu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	if err := <-done; err != nil {
		lt.t.Errorf("serve: %v", err)
	}
	mfs, err := h.s.metrics.reg.Gather()
	if err != nil {
		lt.t.Errorf("gathering metrics: %v", err)
	}
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.outcomes == nil {
		lt.outcomes = map[string]float64{}
	}
	for _, mf := range mfs {
		name, ok := map[string]string{"wasmsandbox_executions_total": "execution", "wasmsandbox_tool_calls_total": "call"}[mf.GetName()]
		if !ok {
			continue
		}
		for _, m := range mf.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				if l.GetName() != "tool" {
					key += " " + l.GetValue()
				}
			}
			if v := m.GetCounter().GetValue(); v > 0 {
				lt.outcomes[key] += v
			}
		}
	}
}

// record counts an answered call; the warm-up and the final checks are
// left out of the latencies and the throughput.
func (lt *loadTest) record(kind string, d time.Duration) {
	if strings.HasPrefix(kind, "warm") || kind == "final read" || kind == "destroy" {
		return
	}
	lt.answered.Add(1)
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.latencies = append(lt.latencies, d)
	if lt.kinds == nil {
		lt.kinds = map[string]int{}
	}
	lt.kinds[kind]++
}

func (lt *loadTest) explain(why string) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.explained == nil {
		lt.explained = map[string]int{}
	}
	lt.explained[why]++
}

func (lt *loadTest) fail(format string, args ...any) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.unexplained = append(lt.unexplained, fmt.Sprintf(format, args...))
}

// usage is a snapshot of the process's resident memory and goroutines.
type usage struct {
	rssKiB     int64
	goroutines int
}

func snapshot() usage {
	runtime.GC()
	debug.FreeOSMemory()
	u := usage{goroutines: runtime.NumGoroutine()}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				u.rssKiB, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			}
		}
	}
	return u
}

func (lt *loadTest) report(w *os.File, nClients, nCalls int, elapsed, downtime time.Duration, before, afterClients, afterStop usage) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lat := slices.Clone(lt.latencies)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Fprintf(w, "load test: %d clients x %d calls, %d tokens, GOMAXPROCS %d, over loopback\n", nClients, nCalls, len(lt.tokens), runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "  answered calls: %d in %v = %.1f calls/s\n", len(lat), elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds())
	fmt.Fprintf(w, "  latency: p50 %v  p95 %v  p99 %v  max %v\n", pct(.50).Round(time.Millisecond), pct(.95).Round(time.Millisecond), pct(.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
	fmt.Fprintf(w, "  restart (graceful stop + start on the same address): %v\n", downtime.Round(time.Millisecond))
	fmt.Fprintf(w, "  calls by kind: %v\n", lt.kinds)
	fmt.Fprintf(w, "  the servers counted (executions by outcome and runtime, tool calls by result): %v\n", lt.outcomes)
	fmt.Fprintf(w, "  explained retries and disconnects: %v\n", lt.explained)
	fmt.Fprintf(w, "  unexplained failures: %d\n", len(lt.unexplained))
	fmt.Fprintf(w, "  RSS: before %d MiB, after the clients %d MiB, after the server stopped %d MiB\n", before.rssKiB>>10, afterClients.rssKiB>>10, afterStop.rssKiB>>10)
	fmt.Fprintf(w, "  goroutines: before %d, after the clients %d, after the server stopped %d\n", before.goroutines, afterClients.goroutines, afterStop.goroutines)
}

// errRetry marks an answer the client retries: the call did not run.
var errRetry = errors.New("retry")
