package mcpserver

import (
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wasmsandbox/sandbox"
)

// Rejection reasons, the values of the reason label of
// wasmsandbox_rejected_total.
const (
	rejectUnauthorized = "unauthorized"
	rejectRateLimited  = "rate_limited"
	rejectConcurrency  = "concurrency_limit"
	rejectBodyTooLarge = "body_too_large"
	rejectShuttingDown = "shutting_down"
	rejectSessionLimit = "session_limit"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (so that several servers in one process, as in tests, do not collide).
// Labels never carry a token, its hash or a session ID: their number must
// stay bounded, and /metrics is not authenticated.
type metrics struct {
	reg        *prometheus.Registry
	executions *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	fuel       *prometheus.HistogramVec
	active     prometheus.Gauge
	rejected   *prometheus.CounterVec
	calls      *prometheus.CounterVec
}

// newMetrics registers the metrics. sessions and mcpSessions report, when
// scraped, how many sandbox sessions the store holds and how many MCP
// sessions are connected.
func newMetrics(sessions, mcpSessions func() float64) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		executions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wasmsandbox_executions_total",
			Help: "Executions that ran, by runtime and outcome (ok, guest_error, out_of_fuel, memory_limit, timeout, trap; cancelled when the client went away; error when the server failed).",
		}, []string{"runtime", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wasmsandbox_execution_duration_seconds",
			Help:    "Wall-clock time of executions, waiting for a slot excluded, by runtime.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"runtime"}),
		fuel: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wasmsandbox_execution_fuel",
			Help:    "Fuel (roughly WebAssembly instructions) executions consumed, by runtime.",
			Buckets: prometheus.ExponentialBuckets(1e6, 4, 12), // 1e6 .. ~4.2e12
		}, []string{"runtime"}),
		active: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wasmsandbox_active_executions",
			Help: "Executions running now.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wasmsandbox_rejected_total",
			Help: "Requests and tool calls refused, by reason: unauthorized, rate_limited, concurrency_limit, body_too_large, shutting_down, session_limit.",
		}, []string{"reason"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wasmsandbox_tool_calls_total",
			Help: "Tool calls answered, by tool and result (ok, tool_error, cancelled, error).",
		}, []string{"tool", "result"}),
	}
	for _, rt := range sandbox.Runtimes() {
		for _, o := range []string{"ok", "guest_error", "out_of_fuel", "memory_limit", "timeout", "trap", "cancelled", "error"} {
			m.executions.WithLabelValues(string(rt), o)
		}
	}
	for _, r := range []string{rejectUnauthorized, rejectRateLimited, rejectConcurrency, rejectBodyTooLarge, rejectShuttingDown, rejectSessionLimit} {
		m.rejected.WithLabelValues(r)
	}
	m.reg.MustRegister(m.executions, m.duration, m.fuel, m.active, m.rejected, m.calls,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "wasmsandbox_sessions",
			Help: "Sandbox sessions in the session store (shared by every server using its directory).",
		}, sessions),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "wasmsandbox_mcp_sessions",
			Help: "MCP sessions (client connections) open on this server.",
		}, mcpSessions),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// executionStarted counts an execution as running until the returned
// function is called with its result (nil when it did not finish: err
// says why).
func (m *metrics) executionStarted(rt sandbox.Runtime) func(res *sandbox.Result, err error) {
	if m == nil {
		return func(*sandbox.Result, error) {}
	}
	m.active.Inc()
	start := time.Now()
	return func(res *sandbox.Result, err error) {
		m.active.Dec()
		r := string(rt)
		switch {
		case res != nil:
			m.executions.WithLabelValues(r, string(res.Outcome)).Inc()
			m.duration.WithLabelValues(r).Observe(float64(res.DurationMS) / 1000)
			m.fuel.WithLabelValues(r).Observe(float64(res.FuelConsumed))
		case err == errCancelled:
			m.executions.WithLabelValues(r, "cancelled").Inc()
			m.duration.WithLabelValues(r).Observe(time.Since(start).Seconds())
		default:
			m.executions.WithLabelValues(r, "error").Inc()
		}
	}
}

// reject counts a refused request or call.
func (m *metrics) reject(reason string) {
	if m != nil {
		m.rejected.WithLabelValues(reason).Inc()
	}
}

// called counts an answered tool call.
func (m *metrics) called(tool, result string) {
	if m != nil {
		m.calls.WithLabelValues(tool, result).Inc()
	}
}

// countSessions counts the session directories in dir, without reading
// them (cheap enough for every scrape).
func countSessions(dir string) float64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() && sandbox.ValidateSessionID(e.Name()) == nil {
			n++
		}
	}
	return float64(n)
}
