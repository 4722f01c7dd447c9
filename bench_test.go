package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// The benchmarks report time per execution; compare them with the
// baselines measured in the same run (go test -bench . -run '^$'):
// BenchmarkNativePython* and BenchmarkNativeNode* run the same snippet in
// the host's python3 and node (a process start per run, like the CLI),
// BenchmarkLoadModule* the one-time cost a process pays before its first
// execution. The file-call benchmarks also report loop-ms/op, the wall
// time of the snippet's own loop as it measures it, without the start of
// the process or execution around it.

const (
	cpuSnippet   = "s = 0\nfor i in range(300_000):\n    s += i * i\nprint(s)"
	jsCPUSnippet = "let s = 0\nfor (let i = 0; i < 300000; i++) s += i * i\nconsole.log(s)"
)

func benchExecute(b *testing.B, rt Runtime, code string) { benchPolicy(b, rt, Policy{}, code) }

// benchPolicy runs code under p and reports the fuel of one execution.
func benchPolicy(b *testing.B, rt Runtime, p Policy, code string) {
	sb := newSandbox(b, rt, p)
	res := run(b, sb, code) // warm the module outside the timer
	b.ResetTimer()
	var loop loopTime
	for b.Loop() {
		if res = run(b, sb, code); !res.Success {
			b.Fatalf("%s: %s", res.Outcome, res.Error)
		}
		loop.add(res.Stdout)
	}
	b.ReportMetric(float64(res.FuelConsumed), "fuel/op")
	loop.report(b)
}

// loopTime adds up what timed snippets (timedPy, timedJS) print of their
// own loop's wall time, which leaves out the start of the process or
// execution around it: reported as loop-ms/op.
type loopTime struct {
	ms float64
	n  int
}

func (l *loopTime) add(out string) {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "loop_ms "); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				l.ms += f
				l.n++
			}
		}
	}
}

func (l *loopTime) report(b *testing.B) {
	if l.n > 0 {
		b.ReportMetric(l.ms/float64(l.n), "loop-ms/op")
	}
}

// timedPy and timedJS make code print the wall time of its own run.
func timedPy(code string) string {
	return "import time as _t\n_s = _t.perf_counter()\n" + code + "\nprint('loop_ms', (_t.perf_counter() - _s) * 1e3)"
}

func timedJS(code string) string {
	return "const _s = Date.now()\n" + code + "\nconsole.log('loop_ms ' + (Date.now() - _s))"
}

// coldPython is a policy whose interpreter command line differs from the
// default (the UTF-8 flag given twice, which changes nothing), so that
// Python starts from scratch instead of from the snapshot: the baseline
// the snapshot is measured against.
var coldPython = Policy{Argv: []string{"python", "-I", "-X", "utf8", "-u", "-X", "utf8"}}

const fibSnippet = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(25))"

func BenchmarkPythonHello(b *testing.B)     { benchExecute(b, Python, "print('hello')") }
func BenchmarkPythonHelloCold(b *testing.B) { benchPolicy(b, Python, coldPython, "print('hello')") }
func BenchmarkPythonCPU(b *testing.B)       { benchExecute(b, Python, cpuSnippet) }
func BenchmarkPythonCPUCold(b *testing.B)   { benchPolicy(b, Python, coldPython, cpuSnippet) }
func BenchmarkPythonFib25(b *testing.B)     { benchExecute(b, Python, fibSnippet) }
func BenchmarkPythonFib25Cold(b *testing.B) { benchPolicy(b, Python, coldPython, fibSnippet) }

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

func BenchmarkJavaScriptHello(b *testing.B) { benchExecute(b, JavaScript, "console.log('hello')") }
func BenchmarkJavaScriptCPU(b *testing.B)   { benchExecute(b, JavaScript, jsCPUSnippet) }

// benchNative runs code in a host interpreter process, the baseline.
func benchNative(b *testing.B, interpreter string, args ...string) {
	path, err := exec.LookPath(interpreter)
	if err != nil {
		b.Skipf("no %s on PATH for the native baseline", interpreter)
	}
	if interpreter == "python3" {
		// Version managers put a shell script on PATH that costs more than
		// the interpreter's start: measure the interpreter itself.
		if out, err := exec.Command(path, "-c", "import sys; print(sys.executable)").Output(); err == nil {
			path = strings.TrimSpace(string(out))
		}
	}
	var loop loopTime
	for b.Loop() {
		out, err := exec.Command(path, args...).CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		loop.add(string(out))
	}
	loop.report(b)
}

func BenchmarkNativePythonHello(b *testing.B) {
	benchNative(b, "python3", "-I", "-c", "print('hello')")
}
func BenchmarkNativePythonFib25(b *testing.B) { benchNative(b, "python3", "-I", "-c", fibSnippet) }
func BenchmarkNativePythonCPU(b *testing.B)   { benchNative(b, "python3", "-I", "-c", cpuSnippet) }
func BenchmarkNativeNodeHello(b *testing.B)   { benchNative(b, "node", "-e", "console.log('hello')") }
func BenchmarkNativeNodeCPU(b *testing.B)     { benchNative(b, "node", "-e", jsCPUSnippet) }

// BenchmarkLoadModuleCold compiles the Python runtime into an empty cache:
// what the very first use on a machine pays.
func BenchmarkLoadModuleCold(b *testing.B) {
	eng, err := engine.Shared()
	if err != nil {
		b.Fatal(err)
	}
	path := runtimes.Python.Path(testHome)
	for b.Loop() {
		if _, err := eng.LoadModule(runtimes.Python, path, b.TempDir(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadModuleWarm loads the Python runtime from the compiled cache:
// what every later process pays once.
func BenchmarkLoadModuleWarm(b *testing.B) {
	eng, err := engine.Shared()
	if err != nil {
		b.Fatal(err)
	}
	path, dir := runtimes.Python.Path(testHome), b.TempDir()
	if _, err := eng.LoadModule(runtimes.Python, path, dir, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := eng.LoadModule(runtimes.Python, path, dir, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// Host calls: output and file access, each beside the same program run
// natively (see issue "host calls at native speed").
const (
	pyPrint100k   = "for i in range(100000):\n    print(i)"
	jsLog100k     = "for (let i = 0; i < 100000; i++) console.log(i)"
	pyWrite10MB   = "import sys\nsys.stdout.write('x' * 10_000_000)"
	pyFlood       = "import sys\nfor _ in range(10_000):\n    sys.stdout.write('x' * 1000)"
	pyExists10k   = "import os\nfor i in range(10000):\n    os.path.exists('nope')"
	pyOpenWrite2k = "for i in range(2000):\n    with open('f.txt', 'w') as f:\n        f.write('x')"
)

var bigOutput = Policy{StdoutMaxBytes: 20_000_000}

func BenchmarkPythonPrint100k(b *testing.B)       { benchExecute(b, Python, pyPrint100k) }
func BenchmarkJavaScriptLog100k(b *testing.B)     { benchExecute(b, JavaScript, jsLog100k) }
func BenchmarkPythonWrite10MB(b *testing.B)       { benchPolicy(b, Python, bigOutput, pyWrite10MB) }
func BenchmarkPythonFloodToCap(b *testing.B)      { benchExecute(b, Python, pyFlood) }
func BenchmarkPythonExists10k(b *testing.B)       { benchExecute(b, Python, timedPy(pyExists10k)) }
func BenchmarkPythonOpenWrite2k(b *testing.B)     { benchExecute(b, Python, timedPy(pyOpenWrite2k)) }
func BenchmarkNativePythonPrint100k(b *testing.B) { benchNative(b, "python3", "-c", pyPrint100k) }
func BenchmarkNativeNodeLog100k(b *testing.B)     { benchNative(b, "node", "-e", jsLog100k) }
func BenchmarkNativePythonWrite10MB(b *testing.B) { benchNative(b, "python3", "-c", pyWrite10MB) }
func BenchmarkNativePythonExists10k(b *testing.B) {
	benchNative(b, "python3", "-c", timedPy(pyExists10k))
}
func BenchmarkNativePythonOpenWrite2k(b *testing.B) {
	dir := b.TempDir()
	benchNative(b, "python3", "-c", "import os\nos.chdir("+pyQuote(dir)+")\n"+timedPy(pyOpenWrite2k))
}

// File calls through JavaScript's fs, and a walk over 5,000 files in 50
// directories (mounted read-only, so the workspace scans around an
// execution do not walk them too).
const (
	pyWalk5k    = "import os\nn = 0\nfor root, dirs, files in os.walk('/data'):\n    n += len(files)\nassert n == 5000, n"
	jsFS        = "const fs = require('fs')\n"
	jsExists10k = jsFS + "for (let i = 0; i < 10000; i++) fs.existsSync('nope')"
	jsWrite2k   = jsFS + "for (let i = 0; i < 2000; i++) fs.writeFileSync('f.txt', 'x')"
	jsWalk5k    = jsFS + "let n = 0\nconst walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { if (e.isDirectory()) walk(d + '/' + e.name); else n++ } }\nwalk('/data')\nif (n !== 5000) throw new Error(String(n))"
)

// walkTree makes the 5,000-file tree once per benchmark.
func walkTree(b *testing.B) string {
	dir := b.TempDir()
	for d := range 50 {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", d))
		if err := os.Mkdir(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 100 {
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d.txt", f)), []byte("x"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

func benchWalk(b *testing.B, rt Runtime, code string) {
	benchPolicy(b, rt, Policy{Mounts: []Mount{{Host: walkTree(b), Guest: "/data"}}}, timed(rt, code))
}

func timed(rt Runtime, code string) string {
	if rt == JavaScript {
		return timedJS(code)
	}
	return timedPy(code)
}

// benchNativeIn runs a native baseline whose code starts in dir; code
// names the tree mounted at /data by that path.
func benchNativeIn(b *testing.B, interpreter, dir, code string) {
	code = strings.ReplaceAll(code, "'/data'", pyQuote(dir))
	if interpreter == "node" {
		benchNative(b, "node", "-e", "process.chdir("+pyQuote(dir)+")\n"+timedJS(code))
		return
	}
	benchNative(b, "python3", "-c", "import os\nos.chdir("+pyQuote(dir)+")\n"+timedPy(code))
}

func BenchmarkPythonWalk5k(b *testing.B)        { benchWalk(b, Python, pyWalk5k) }
func BenchmarkJavaScriptExists10k(b *testing.B) { benchExecute(b, JavaScript, timedJS(jsExists10k)) }
func BenchmarkJavaScriptWrite2k(b *testing.B)   { benchExecute(b, JavaScript, timedJS(jsWrite2k)) }
func BenchmarkJavaScriptWalk5k(b *testing.B)    { benchWalk(b, JavaScript, jsWalk5k) }
func BenchmarkNativePythonWalk5k(b *testing.B)  { benchNativeIn(b, "python3", walkTree(b), pyWalk5k) }
func BenchmarkNativeNodeExists10k(b *testing.B) { benchNativeIn(b, "node", b.TempDir(), jsExists10k) }
func BenchmarkNativeNodeWrite2k(b *testing.B)   { benchNativeIn(b, "node", b.TempDir(), jsWrite2k) }
func BenchmarkNativeNodeWalk5k(b *testing.B)    { benchNativeIn(b, "node", walkTree(b), jsWalk5k) }
