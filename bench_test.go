package sandbox

import (
	"context"
	"os/exec"
	"sync"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// The benchmarks report time per execution; compare them with the
// baselines measured in the same run (go test -bench . -run '^$'):
// BenchmarkNativePython* runs the same snippet in the host's python3 (a
// process start per run, like the CLI), BenchmarkLoadModule* the one-time
// cost a process pays before its first execution.

const cpuSnippet = "s = 0\nfor i in range(300_000):\n    s += i * i\nprint(s)"

func benchExecute(b *testing.B, rt Runtime, code string) {
	sb := newSandbox(b, rt, Policy{})
	run(b, sb, code) // warm the module outside the timer
	b.ResetTimer()
	for b.Loop() {
		if res := run(b, sb, code); !res.Success {
			b.Fatalf("%s: %s", res.Outcome, res.Error)
		}
	}
}

func BenchmarkPythonHello(b *testing.B) { benchExecute(b, Python, "print('hello')") }
func BenchmarkPythonCPU(b *testing.B)   { benchExecute(b, Python, cpuSnippet) }

// BenchmarkPythonConcurrent8 runs 8 executions at once per iteration.
func BenchmarkPythonConcurrent8(b *testing.B) {
	sb := newSandbox(b, Python, Policy{})
	run(b, sb, "print('hello')")
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := sb.Execute(context.Background(), "print('hello')")
				if err != nil || !res.Success {
					b.Errorf("execute: %v %+v", err, res)
				}
			}()
		}
		wg.Wait()
	}
}

func benchNative(b *testing.B, code string) {
	py, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("no python3 on PATH for the native baseline")
	}
	for b.Loop() {
		if out, err := exec.Command(py, "-I", "-c", code).CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}

func BenchmarkNativePythonHello(b *testing.B) { benchNative(b, "print('hello')") }
func BenchmarkNativePythonCPU(b *testing.B)   { benchNative(b, cpuSnippet) }

// BenchmarkLoadModuleCold compiles the Python runtime into an empty cache:
// what the very first use on a machine pays.
func BenchmarkLoadModuleCold(b *testing.B) {
	eng, err := sharedEngine()
	if err != nil {
		b.Fatal(err)
	}
	path := runtimes.Python.Path(testHome)
	for b.Loop() {
		if _, err := modcache.Load(eng.wt, engineKey, runtimes.Python, path, b.TempDir(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadModuleWarm loads the Python runtime from the compiled cache:
// what every later process pays once.
func BenchmarkLoadModuleWarm(b *testing.B) {
	eng, err := sharedEngine()
	if err != nil {
		b.Fatal(err)
	}
	path, dir := runtimes.Python.Path(testHome), b.TempDir()
	if _, err := modcache.Load(eng.wt, engineKey, runtimes.Python, path, dir, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := modcache.Load(eng.wt, engineKey, runtimes.Python, path, dir, nil); err != nil {
			b.Fatal(err)
		}
	}
}
