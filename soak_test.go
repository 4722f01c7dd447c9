package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak runs many mixed executions at 8-way concurrency and checks that
// the host stays flat: RSS, goroutines, open descriptors and temporary
// workspaces after warm-up, and every outcome the one expected. It is not
// part of the default test run:
//
//	WASMSANDBOX_SOAK=10000 go test -run TestSoak -timeout 60m -v .
func TestSoak(t *testing.T) {
	total, _ := strconv.Atoi(os.Getenv("WASMSANDBOX_SOAK"))
	if total <= 0 {
		t.Skip("set WASMSANDBOX_SOAK=N to run N executions")
	}
	type job struct {
		name string
		rt   Runtime
		p    Policy
		code string
		want Outcome
	}
	quick := Policy{Timeout: 300 * time.Millisecond, FuelBudget: 200_000_000, MemoryBytes: 32 << 20, StdoutMaxBytes: 10_000}
	roomy := Policy{Timeout: 10 * time.Second, FuelBudget: 10_000_000_000, MemoryBytes: 32 << 20}
	jobs := []job{
		{"py ok", Python, quick, "print(sum(range(1000)))", OutcomeOK},
		{"py fuel", Python, quick, "while True: pass", OutcomeOutOfFuel},
		{"py memory", Python, roomy, "x = []\nwhile True: x.append(' ' * 1_000_000)", OutcomeMemoryLimit},
		{"py timeout", Python, quick, "import time\nwhile True: time.sleep(0.05)", OutcomeTimeout},
		{"py flood", Python, quick, "import sys\nfor i in range(20): sys.stdout.write('x' * 100_000)", OutcomeOK},
		{"py error", Python, quick, "1/0", OutcomeGuestError},
		{"js ok", JavaScript, quick, "console.log([1, 2].map(x => x * 2))", OutcomeOK},
		{"js fuel", JavaScript, quick, "for (;;) {}", OutcomeOutOfFuel},
		{"js memory", JavaScript, roomy, "const a = []; for (;;) a.push('x'.repeat(1e6) + a.length)", OutcomeMemoryLimit},
		{"js timeout", JavaScript, quick, "setInterval(() => {}, 10)", OutcomeTimeout},
	}
	sandboxes := make([]Sandbox, len(jobs))
	for i, j := range jobs {
		sandboxes[i] = newSandbox(t, j.rt, j.p)
	}
	st, _ := newStore(t)
	var sessions []*Session
	for _, rt := range []Runtime{Python, JavaScript} {
		for range 4 {
			sessions = append(sessions, mustCreate(t, st, SessionConfig{Runtime: rt, AutoPersistGlobals: true, Policy: quick}))
		}
	}

	type sample struct {
		runs                           int
		rssKiB, goroutines, fds, temps int
	}
	measure := func(runs int) sample {
		runtime.GC()
		s := sample{runs: runs, goroutines: runtime.NumGoroutine()}
		if b, err := os.ReadFile("/proc/self/status"); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
					s.rssKiB, _ = strconv.Atoi(f[1])
				}
			}
		}
		if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
			s.fds = len(fds)
		}
		temps, _ := filepath.Glob(filepath.Join(os.TempDir(), "wasmsandbox-ws-*"))
		s.temps = len(temps)
		t.Logf("after %5d runs: RSS %6d KiB, goroutines %3d, open fds %3d, temporary workspaces %d", s.runs, s.rssKiB, s.goroutines, s.fds, s.temps)
		return s
	}
	start := measure(0)
	var done, unexpected atomic.Int64
	var mu sync.Mutex
	samples := []sample{start}
	failures := map[string]int{}
	var wg sync.WaitGroup
	began := time.Now()
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < total; i += 8 {
				j := jobs[i%len(jobs)]
				var res *Result
				var err error
				if i%5 == 0 && (j.want == OutcomeOK || j.want == OutcomeGuestError) {
					// Every fifth ordinary run goes to a session of its language.
					s := sessions[(i/5)%len(sessions)]
					if s.Runtime() == j.rt {
						res, err = s.Execute(context.Background(), j.code)
					}
				}
				if res == nil && err == nil {
					res, err = sandboxes[i%len(jobs)].Execute(context.Background(), j.code)
				}
				if err != nil || res.Outcome != j.want {
					unexpected.Add(1)
					mu.Lock()
					key := j.name + ": " + fmt.Sprint(err)
					if res != nil {
						key += " " + string(res.Outcome) + " " + res.Error
					}
					failures[key]++
					mu.Unlock()
				}
				if n := done.Add(1); n%1000 == 0 {
					s := measure(int(n))
					mu.Lock()
					samples = append(samples, s)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	end := measure(total)
	t.Logf("%d executions in %s (%.0f/s), %d unexpected", total, time.Since(began).Round(time.Second), float64(total)/time.Since(began).Seconds(), unexpected.Load())
	for k, n := range failures {
		t.Errorf("%d× %s", n, k)
	}
	if len(samples) > 1 {
		warm := samples[1]
		if end.rssKiB > 2*warm.rssKiB || end.goroutines > warm.goroutines+20 || end.fds > warm.fds+20 {
			t.Errorf("not flat after warm-up: %+v then %+v", warm, end)
		}
	}
	if end.temps > start.temps {
		t.Errorf("%d temporary workspaces left behind", end.temps-start.temps)
	}
}
