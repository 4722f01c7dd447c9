package sandbox

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestExecutionEvents(t *testing.T) {
	ev := &eventLog{}
	sb := newSandbox(t, Python, Policy{FuelBudget: 1_500_000_000, StdoutMaxBytes: 10_000}, WithLogger(slog.New(ev)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := run(t, sb, "while True:\n    print('y' * 10_000)")
	runtime.ReadMemStats(&after)
	wantOutcome(t, res, OutcomeOutOfFuel)

	start := ev.find(EventExecutionStart)
	if len(start) != 1 || start[0]["runtime"] != "python" || start[0]["fuel_budget"] != "1500000000" ||
		start[0]["memory_bytes"] != strconv.FormatInt(DefaultMemoryBytes, 10) || start[0]["code_bytes"] == "" || start[0]["timeout"] != "30s" {
		t.Fatalf("execution.start = %v", start)
	}
	done := ev.find(EventExecutionComplete)
	if len(done) != 1 || done[0]["outcome"] != "out_of_fuel" || done[0]["exit_code"] != "-1" ||
		done[0]["fuel_consumed"] != "1500000000" || done[0]["stdout_truncated"] != "true" || done[0]["memory_peak_bytes"] == "0" {
		t.Fatalf("execution.complete = %v", done)
	}
	kinds := map[string]map[string]string{}
	for _, v := range ev.find(EventSecurityViolation) {
		kinds[v["kind"]] = v
	}
	if v := kinds[ViolationOutOfFuel]; v == nil || v["limit"] != "1500000000" || v["observed"] != "1500000000" {
		t.Fatalf("out_of_fuel violation = %v", kinds)
	}
	v := kinds[ViolationOutputTruncated]
	if v == nil || v["limit"] != "10000" || v["stream"] != "stdout" {
		t.Fatalf("output_truncated violation = %v", kinds)
	}
	// The flood itself: many megabytes written, ten kilobytes kept, and the
	// host allocated a small fraction of what the guest wrote.
	written, _ := strconv.ParseInt(v["observed"], 10, 64)
	if written < 20<<20 || len(res.Stdout) != 10_000 {
		t.Fatalf("guest wrote %d bytes, kept %d", written, len(res.Stdout))
	}
	if grew := int64(after.TotalAlloc - before.TotalAlloc); grew > written/4 {
		t.Fatalf("host allocated %d bytes for a flood of %d", grew, written)
	}
}

func TestNoLoggerNoEvents(t *testing.T) {
	// Without WithLogger the package must not log, not even to slog.Default.
	ev := &eventLog{}
	old := slog.Default()
	slog.SetDefault(slog.New(ev))
	defer slog.SetDefault(old)
	res := run(t, newSandbox(t, Python, Policy{StdoutMaxBytes: 1}), "print('truncated')")
	wantOutcome(t, res, OutcomeOK)
	if len(ev.recs) != 0 {
		t.Fatalf("logged without a logger: %d records", len(ev.recs))
	}
}

// A caller's cancellation is not a limit: it is logged as the outcome of
// the execution, with no security.violation.
func TestCancellationIsNoViolation(t *testing.T) {
	ev := &eventLog{}
	sb := newSandbox(t, Python, Policy{}, WithLogger(slog.New(ev)))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := sb.Execute(ctx, "import time\ntime.sleep(20)")
	if !errors.Is(err, ErrCancelled) || res == nil {
		t.Fatalf("Execute = %v, %v", res, err)
	}
	if v := ev.find(EventSecurityViolation); len(v) != 0 {
		t.Fatalf("violations = %v", v)
	}
	// A real deadline is one.
	res = run(t, newSandbox(t, Python, Policy{Timeout: 300 * time.Millisecond}, WithLogger(slog.New(ev))), "import time\ntime.sleep(20)")
	wantOutcome(t, res, OutcomeTimeout)
	if v := ev.find(EventSecurityViolation); len(v) != 1 || v[0]["kind"] != ViolationTimeout {
		t.Fatalf("violations = %v", v)
	}
}
