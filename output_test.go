package sandbox

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to write from the mirror goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// stalledWriter never returns from Write, like a pipe nobody reads.
type stalledWriter struct{ block chan struct{} }

func (s stalledWriter) Write(p []byte) (int, error) { <-s.block; return len(p), nil }

func TestOutputMirror(t *testing.T) {
	var out, errs lockedBuffer
	sb := newSandbox(t, Python, Policy{}, WithOutput(&out, &errs))
	res := run(t, sb, "import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)")
	wantOutcome(t, res, OutcomeOK)
	if out.String() != "to stdout\n" || errs.String() != "to stderr\n" {
		t.Fatalf("mirrored %q and %q", out.String(), errs.String())
	}
}

func TestStalledMirrorDoesNotHoldUpTheDeadline(t *testing.T) {
	stalled := stalledWriter{block: make(chan struct{})}
	defer close(stalled.block)
	sb := newSandbox(t, Python, Policy{Timeout: time.Second, FuelBudget: 1 << 62}, WithOutput(stalled, stalled))
	res := run(t, sb, "while True:\n    print('x' * 1000)")
	wantOutcome(t, res, OutcomeTimeout)
	// Not a speed check: with the guest blocked in a write it would never end.
	if res.DurationMS > 30_000 || !strings.HasPrefix(res.Stdout, "xxx") {
		t.Fatalf("duration %d ms, stdout %.20q", res.DurationMS, res.Stdout)
	}
}
