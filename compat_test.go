package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/engine"
)

// Code that agents write for a regular CPython runs unchanged: these
// programs' expected output is what native python3 prints.

func TestPythonAsyncio(t *testing.T) {
	for _, p := range []Policy{{}, coldPython} {
		testPythonAsyncio(t, p)
	}
}

func testPythonAsyncio(t *testing.T, p Policy) {
	res := run(t, newSandbox(t, Python, p), `import asyncio
async def work(i):
    await asyncio.sleep(0.01)
    return i * 2
async def main():
    q = asyncio.Queue()
    await q.put(1)
    r = await asyncio.gather(*(work(i) for i in range(5)))
    lock, sem, ev = asyncio.Lock(), asyncio.Semaphore(2), asyncio.Event()
    async with lock, sem:
        ev.set()
    await ev.wait()
    x = await asyncio.wait_for(work(3), 1) + await asyncio.to_thread(sum, [0])
    done = [await f for f in asyncio.as_completed([work(1), work(2)])]
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.05)
    except TimeoutError:
        t = "timed out"
    return r, await q.get(), x, sorted(done), t
print(asyncio.run(main()))`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "([0, 2, 4, 6, 8], 1, 6, [2, 4], 'timed out')\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	// A sleep in the event loop is still cut by the deadline.
	p.Timeout = 500_000_000
	res = run(t, newSandbox(t, Python, p), "import asyncio\nasyncio.run(asyncio.sleep(60))")
	wantOutcome(t, res, OutcomeTimeout)
}

func TestPythonThreadsRunInline(t *testing.T) {
	for _, p := range []Policy{{}, coldPython} {
		testPythonThreadsRunInline(t, p)
	}
}

func testPythonThreadsRunInline(t *testing.T, p Policy) {
	res := run(t, newSandbox(t, Python, p), `from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor, as_completed
with ThreadPoolExecutor(max_workers=4) as ex:
    print(list(ex.map(lambda v: v * v, range(5))))
    futs = [ex.submit(pow, 2, i) for i in range(4)]
    print(sorted(f.result() for f in as_completed(futs)))
with ProcessPoolExecutor() as ex:
    print(ex.submit(sum, [1, 2, 3]).result())
import threading
try:
    threading.Thread(target=print).start()
except RuntimeError as e:
    print("RuntimeError:", "no" if "not available" in str(e) else "?", "threads")`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "[0, 1, 4, 9, 16]\n[1, 2, 4, 8]\n6\nRuntimeError: no threads\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

func TestPythonNetworkSaysItIsDisabled(t *testing.T) {
	for _, p := range []Policy{{}, coldPython} {
		res := run(t, newSandbox(t, Python, p), `import socket, urllib.request, http.client
for name, f in [("getaddrinfo", lambda: socket.getaddrinfo("example.com", 80)),
                ("urlopen", lambda: urllib.request.urlopen("http://example.com", timeout=1)),
                ("urlopen https", lambda: urllib.request.urlopen("https://example.com", timeout=1)),
                ("http.client", lambda: http.client.HTTPConnection("example.com").request("GET", "/")),
                ("https.client", lambda: http.client.HTTPSConnection("example.com").request("GET", "/")),
                ("connect", lambda: socket.socket().connect(("1.2.3.4", 80)))]:
    try:
        f()
        print(name, "connected?!")
    except OSError as e:
        print(name, "network access is disabled" in str(e))
socket.socket()`)
		wantOutcome(t, res, OutcomeGuestError)
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		for _, line := range lines {
			if !strings.HasSuffix(line, " True") {
				t.Fatalf("stdout %q", res.Stdout)
			}
		}
		if len(lines) != 6 || res.Error != "exit code 1: socket.NetworkDisabledError: network access is disabled in this sandbox" {
			t.Fatalf("stdout %q, error %q", res.Stdout, res.Error)
		}
	}
}

func TestPythonPBKDF2(t *testing.T) {
	// RFC 6070 test vectors (PBKDF2-HMAC-SHA1) and one for SHA-256.
	res := run(t, newSandbox(t, Python, Policy{}), `import hashlib
print(hashlib.pbkdf2_hmac("sha1", b"password", b"salt", 2).hex())
print(hashlib.pbkdf2_hmac("sha1", b"passwordPASSWORDpassword", b"saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25).hex())
print(hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1000).hex())`)
	wantOutcome(t, res, OutcomeOK)
	want := "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957\n3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038\n632c2812e46d4604102ba7618e9d6d7d2f8128f6266b4a03264d2a0460b7dcb3\n"
	if res.Stdout != want {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

func TestPythonImportsWorkspaceModules(t *testing.T) {
	ws := t.TempDir()
	if err := os.WriteFile(filepath.Join(ws, "mylib.py"), []byte("def greet(n):\n    return 'hi ' + n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []Policy{{Workspace: ws}, {Workspace: ws, Argv: []string{"python", "-I", "-X", "utf8", "-u", "-X", "utf8"}}} {
		res := run(t, newSandbox(t, Python, p), "import mylib\nprint(mylib.greet('there'))")
		wantOutcome(t, res, OutcomeOK)
		if res.Stdout != "hi there\n" {
			t.Fatalf("argv %v: stdout %q", p.Argv, res.Stdout)
		}
	}
}

func TestPythonValueOfTheLastExpression(t *testing.T) {
	sb := newSandbox(t, Python, Policy{})
	for code, want := range map[string]string{
		"x = 2\nx ** 10":           "1024",
		"[1, 'a', None]":           "[1, 'a', None]",
		"x = 1":                    "",
		"print('shown')":           "",
		"None":                     "",
		"if True:\n    3":          "",
		"import math\nmath.pi / 2": "1.5707963267948966",
		"'x' * (MaxValue + 10)":    "'" + strings.Repeat("x", MaxValueBytes-4) + "...",
	} {
		res := run(t, sb, "MaxValue = "+strconv.Itoa(MaxValueBytes)+"\n"+code)
		wantOutcome(t, res, OutcomeOK)
		if res.Value != want {
			t.Errorf("%q: value %.80q, want %.80q", code, res.Value, want)
		}
		if strings.Contains(res.Stdout, want) && want != "" || res.Stderr != "" {
			t.Errorf("%q: the value leaked into the output: stdout %q stderr %.80q", code, res.Stdout, res.Stderr)
		}
	}
	res := run(t, sb, "1 / 0")
	wantOutcome(t, res, OutcomeGuestError)
	if res.Value != "" || !strings.Contains(res.Error, "ZeroDivisionError") {
		t.Fatalf("value %q error %q", res.Value, res.Error)
	}
	if MaxValueBytes != engine.MaxValueBytes {
		t.Fatalf("MaxValueBytes = %d, the engine caps at %d", MaxValueBytes, engine.MaxValueBytes)
	}
}

// Tracebacks through the standard library name the modules where they are
// in the sandbox (inside the zip), not the machine the runtime was built on.
func TestPythonTracebackPaths(t *testing.T) {
	res := run(t, newSandbox(t, Python, Policy{}), "import json, os\ntry:\n    os.listdir('/nope')\nexcept OSError:\n    pass\njson.loads('{bad')")
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Stderr, `File "/usr/local/lib/python312.zip/json/decoder.pyc", line`) || strings.Contains(res.Stderr, "/wlr/") {
		t.Fatalf("stderr %s", res.Stderr)
	}
}

func TestStdin(t *testing.T) {
	in := []byte("first line\nsecond ünïcode\n")
	for code, want := range map[string]string{
		"print(repr(input()), repr(input()))":      "'first line' 'second ünïcode'\n",
		"import sys\nprint(len(sys.stdin.read()))": "26\n",
	} {
		res := run(t, newSandbox(t, Python, Policy{}, WithStdin(in)), code)
		wantOutcome(t, res, OutcomeOK)
		if res.Stdout != want {
			t.Errorf("python %q: stdout %q, want %q", code, res.Stdout, want)
		}
	}
	res := run(t, newSandbox(t, Python, Policy{}), "print(input())")
	if res.Outcome != OutcomeGuestError || !strings.Contains(res.Error, "EOFError") {
		t.Errorf("no stdin: %s %q", res.Outcome, res.Error)
	}
	for code, want := range map[string]string{
		"console.log(require('fs').readFileSync(0, 'utf8').split('\\n')[1])":                                                                         "second ünïcode\n",
		"let s = ''; process.stdin.setEncoding('utf8'); process.stdin.on('data', d => s += d); process.stdin.on('end', () => console.log(s.length))": "26\n",
	} {
		res := run(t, newSandbox(t, JavaScript, Policy{}, WithStdin(in)), code)
		wantOutcome(t, res, OutcomeOK)
		if res.Stdout != want {
			t.Errorf("javascript %q: stdout %q, want %q", code, res.Stdout, want)
		}
	}
	if _, err := New(Python, WithStdin(make([]byte, MaxStdinBytes+1)), WithRuntimeDir(testHome)); !errors.Is(err, ErrCodeTooLarge) {
		t.Errorf("oversized stdin: %v", err)
	}
}

func TestProgramArguments(t *testing.T) {
	args := []string{"one", "two words", "--flag"}
	for _, p := range []Policy{{}, coldPython} {
		res := run(t, newSandbox(t, Python, p, WithArgs(args...)), "import sys\nprint(sys.argv)")
		wantOutcome(t, res, OutcomeOK)
		if res.Stdout != "['-c', 'one', 'two words', '--flag']\n" {
			t.Errorf("python argv %v: %q", p.Argv, res.Stdout)
		}
	}
	res := run(t, newSandbox(t, JavaScript, Policy{}, WithArgs(args...)), "console.log(process.argv.slice(2))")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "[ 'one', 'two words', '--flag' ]\n" {
		t.Errorf("javascript argv: %q", res.Stdout)
	}
	if _, err := New(Python, WithArgs("a\x00b"), WithRuntimeDir(testHome)); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("NUL in an argument: %v", err)
	}
}

// The time-zone database is there, read-only, on the snapshot and the cold
// path; a policy's own mount at its place wins.
func TestPythonZoneinfo(t *testing.T) {
	code := `from zoneinfo import ZoneInfo
from datetime import datetime, timezone
print(datetime(2024, 7, 1, 12, tzinfo=timezone.utc).astimezone(ZoneInfo("America/New_York")))
try:
    open("/usr/share/zoneinfo/UTC", "w")
except OSError as e:
    print(type(e).__name__)`
	for _, p := range []Policy{{}, coldPython} {
		res := run(t, newSandbox(t, Python, p), code)
		wantOutcome(t, res, OutcomeOK)
		if want := "2024-07-01 08:00:00-04:00\n"; !strings.HasPrefix(res.Stdout, want) || !strings.Contains(res.Stdout, "Error") {
			t.Fatalf("stdout %q, want %q and an error writing", res.Stdout, want)
		}
	}
	own := t.TempDir()
	if err := os.WriteFile(filepath.Join(own, "mine"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := Policy{Mounts: []Mount{{Host: own, Guest: ZoneinfoGuestPath}}}
	res := run(t, newSandbox(t, Python, p), `import os; print(os.listdir("/usr/share/zoneinfo"))`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "['mine']\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

// WithScriptName runs Python code as that file of the workspace, as
// `python tool.py` would: __file__, sys.argv[0] and tracebacks.
func TestPythonScriptName(t *testing.T) {
	code := "import sys, pathlib\nprint(__file__, sys.argv, pathlib.Path(__file__).parent)\n1/0"
	for _, p := range []Policy{{}, coldPython} {
		res := run(t, newSandbox(t, Python, p, WithScriptName("tool.py"), WithArgs("x")), code)
		wantOutcome(t, res, OutcomeGuestError)
		if want := "/app/tool.py ['tool.py', 'x'] /app\n"; res.Stdout != want {
			t.Errorf("stdout %q, want %q", res.Stdout, want)
		}
		if !strings.Contains(res.Stderr, `File "/app/tool.py", line 3`) {
			t.Errorf("traceback %q", res.Stderr)
		}
	}
	res := run(t, newSandbox(t, Python, Policy{}), "import sys\nprint(sys.argv, '__file__' in globals())")
	if res.Stdout != "['-c'] False\n" {
		t.Errorf("without a script name: %q", res.Stdout)
	}
}

// os.path.exists answers as on Linux (the empty path included), on the
// snapshot and the cold path.
func TestPythonPathExists(t *testing.T) {
	code := `import os, pathlib
open("f", "w").close(); os.mkdir("d")
print([os.path.exists(p) for p in ("f", "d", "nope", "/app", "f/x", b"f", "", b"", pathlib.Path("f"), "d/..", "a\0b")], os.path.exists(1), os.path.exists(999))
try:
    os.path.exists(None)
except TypeError:
    print("TypeError")`
	for _, p := range []Policy{{}, coldPython} {
		res := run(t, newSandbox(t, Python, p), code)
		wantOutcome(t, res, OutcomeOK)
		if want := "[True, True, False, True, False, True, False, False, True, True, False] True False\nTypeError\n"; res.Stdout != want {
			t.Fatalf("stdout %q, want %q", res.Stdout, want)
		}
	}
}
