package sandbox

import (
	"bytes"
	"strconv"
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

// slowWriter stalls in its first Write, like a pipe whose reader is busy,
// then keeps everything it is given.
type slowWriter struct {
	lockedBuffer
	stall time.Duration
	once  sync.Once
}

func (s *slowWriter) Write(p []byte) (int, error) {
	s.once.Do(func() { time.Sleep(s.stall) })
	return s.lockedBuffer.Write(p)
}

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
	out := &slowWriter{stall: 6 * time.Second}
	sb := newSandbox(t, Python, Policy{Timeout: time.Second, FuelBudget: 1 << 62, StdoutMaxBytes: 5_000_000}, WithOutput(out, nil))
	res := run(t, sb, "while True:\n    print('x' * 1000)")
	wantOutcome(t, res, OutcomeTimeout)
	// Not a speed check: a guest blocked in a write to the stalled reader
	// would have run until the reader woke, past its deadline.
	if res.DurationMS > 4_000 {
		t.Fatalf("the guest ran %d ms under a 1 s deadline", res.DurationMS)
	}
	// Nothing kept is lost: the mirror catches up once the guest has ended.
	if got := out.String(); len(got) != len(res.Stdout) || got != res.Stdout {
		t.Fatalf("mirrored %d bytes, kept %d", len(got), len(res.Stdout))
	}
}

// TestPythonStdoutClosed: once the guest closes its stdout, descriptor 1 is
// an ordinary descriptor again, and writes to a file that reuses it land
// in the file, not in the captured output.
func TestPythonStdoutClosed(t *testing.T) {
	res := run(t, newSandbox(t, Python, Policy{}), `import os, sys
print("to stdout", flush=True)
os.close(1)
fd = os.open("out.txt", os.O_WRONLY | os.O_CREAT)
os.write(fd, b"into the file\n")
os.close(fd)
print(open("out.txt").read(), end="", file=sys.stderr)`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "to stdout\n" || res.Stderr != "into the file\n" {
		t.Fatalf("stdout %q, stderr %q", res.Stdout, res.Stderr)
	}
}

// TestPythonOutputKeptAtEveryStop: Python's stdout is buffered, yet what
// the code printed before a limit or an exit stopped it is all there, the
// unfinished last line too, in the result and in the live mirror.
func TestPythonOutputKeptAtEveryStop(t *testing.T) {
	lines := "import os, sys, time\nfor i in range(3000):\n    print(i)\nsys.stdout.write('partial')\n"
	want := ""
	for i := range 3000 {
		want += strconv.Itoa(i) + "\n"
	}
	want += "partial"
	for _, c := range []struct {
		name, tail string
		p          Policy
		outcome    Outcome
	}{
		{"fuel", "while True: pass", Policy{FuelBudget: 400_000_000}, OutcomeOutOfFuel},
		{"memory", "x = []\nwhile True: x.append(bytearray(1 << 20))", Policy{MemoryBytes: 64 << 20}, OutcomeMemoryLimit},
		{"timeout", "time.sleep(60)", Policy{Timeout: time.Second}, OutcomeTimeout},
		{"os._exit", "os._exit(3)", Policy{}, OutcomeGuestError},
		{"exception", "1/0", Policy{}, OutcomeGuestError},
		{"end", "", Policy{}, OutcomeOK},
	} {
		for _, mirrored := range []bool{false, true} {
			var out lockedBuffer
			var opts []Option
			if mirrored {
				opts = append(opts, WithOutput(&out, nil))
			}
			res := run(t, newSandbox(t, Python, c.p, opts...), lines+c.tail)
			wantOutcome(t, res, c.outcome)
			if res.Stdout != want {
				t.Fatalf("%s (mirrored %v): stdout has %d bytes ending %q, want %d ending \"partial\"",
					c.name, mirrored, len(res.Stdout), res.Stdout[max(0, len(res.Stdout)-20):], len(want))
			}
			if mirrored && out.String() != want {
				t.Fatalf("%s: mirrored %d bytes, want %d", c.name, len(out.String()), len(want))
			}
		}
	}
}
