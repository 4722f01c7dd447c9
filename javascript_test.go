package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestJavaScriptHello(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), "console.log('hello', 6 * 7, {a: [1, 'two']})")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "hello 42 { a: [ 1, 'two' ] }\n" {
		t.Fatalf("stdout = %q", res.Stdout)
	}
	if res.Runtime != JavaScript || res.FuelConsumed == 0 || res.MemoryPeakBytes == 0 {
		t.Fatalf("bad accounting: %+v", res)
	}
}

func TestJavaScriptErrors(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{})
	cases := []struct {
		name, code string
		exit       int
		stderr     string
	}{
		{"uncaught throw", "function f() { throw new TypeError('bad thing') }\nf()", 1, "TypeError: bad thing"},
		{"syntax error", "let x = ;", 1, "SyntaxError"},
		{"rejected promise", "Promise.reject(new Error('nope'))", 1, "nope"},
		{"async rejection", "async function main() { await null; throw new Error('later') }\nmain()", 1, "later"},
		{"process.exit", "console.log('bye'); process.exit(7); console.log('not here')", 7, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, sb, c.code)
			wantOutcome(t, res, OutcomeGuestError)
			if res.ExitCode != c.exit || !strings.Contains(res.Stderr, c.stderr) {
				t.Fatalf("exit %d stderr %q", res.ExitCode, res.Stderr)
			}
			if strings.Contains(res.Stdout, "not here") {
				t.Fatal("code ran after process.exit")
			}
		})
	}
	res := run(t, sb, "process.exit(0)")
	wantOutcome(t, res, OutcomeOK)
}

func TestJavaScriptInfiniteLoopRunsOutOfFuel(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{FuelBudget: 500_000_000}), "console.log('start'); while (true) {}")
	wantOutcome(t, res, OutcomeOutOfFuel)
	if res.FuelConsumed != 500_000_000 || res.Stdout != "start\n" || res.ExitCode != -1 {
		t.Fatalf("fuel %d stdout %q exit %d", res.FuelConsumed, res.Stdout, res.ExitCode)
	}
}

func TestJavaScriptMemoryBomb(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{MemoryBytes: 48 << 20})
	for name, code := range map[string]string{
		"big strings":     "let a = []; while (true) a.push('x'.repeat(1e6) + a.length)",
		"big arrays":      "let a = []; while (true) a.push(new Array(1e6).fill(1.5))",
		"one huge buffer": "const b = new ArrayBuffer(1 << 30); console.log('allocated')",
	} {
		t.Run(name, func(t *testing.T) {
			res := run(t, sb, code)
			wantOutcome(t, res, OutcomeMemoryLimit)
			if res.MemoryPeakBytes > 48<<20 || strings.Contains(res.Stdout, "allocated") {
				t.Fatalf("peak %d stdout %q", res.MemoryPeakBytes, res.Stdout)
			}
		})
	}
}

func TestJavaScriptDeadline(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{Timeout: time.Second, FuelBudget: 1 << 62})
	for name, code := range map[string]string{
		"busy wait":             "const end = Date.now() + 60000; while (Date.now() < end) {}",
		"pending timer":         "setTimeout(() => console.log('late'), 60000)",
		"never-resolving await": "setTimeout(() => {}, 60000); await new Promise(() => {}); console.log('after')",
		"interval forever":      "setInterval(() => {}, 10)",
	} {
		t.Run(name, func(t *testing.T) {
			res := run(t, sb, code)
			wantOutcome(t, res, OutcomeTimeout)
			// Not a speed check: a guest that waited out its 60 s would take 60 s.
			if res.DurationMS > 30_000 || strings.Contains(res.Stdout, "late") {
				t.Fatalf("not cut: %d ms, stdout %q", res.DurationMS, res.Stdout)
			}
		})
	}
}

func TestJavaScriptNeverResolvingPromiseWithoutTimersEnds(t *testing.T) {
	// Like Node: nothing pending means the script is done, even if a promise
	// never settles; a top-level await on it is an unfinished module (13).
	res := run(t, newSandbox(t, JavaScript, Policy{}), "new Promise(() => {}); console.log('done')")
	wantOutcome(t, res, OutcomeOK)
	res = run(t, newSandbox(t, JavaScript, Policy{}), "await new Promise(() => {})")
	wantOutcome(t, res, OutcomeGuestError)
	if res.ExitCode != 13 {
		t.Fatalf("exit %d", res.ExitCode)
	}
}

func TestJavaScriptTimers(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), `
const out = [];
setTimeout(() => out.push('timeout 40'), 40);
setTimeout(() => out.push('timeout 0'), 0);
queueMicrotask(() => out.push('microtask'));
Promise.resolve().then(() => out.push('promise'));
let n = 0;
const iv = setInterval(() => { out.push('tick ' + (++n)); if (n === 3) clearInterval(iv) }, 5);
const cancelled = setTimeout(() => out.push('never'), 1);
clearTimeout(cancelled);
setTimeout(() => console.log(out.join(',')), 80);
out.push('sync');`)
	wantOutcome(t, res, OutcomeOK)
	// The 5 ms interval's ticks come well before the 40 ms timeout, but a
	// loaded host can wake the guest late, so the last tick may come after.
	if res.Stdout != "sync,microtask,promise,timeout 0,tick 1,tick 2,timeout 40,tick 3\n" &&
		res.Stdout != "sync,microtask,promise,timeout 0,tick 1,tick 2,tick 3,timeout 40\n" {
		t.Fatalf("order: %q", res.Stdout)
	}
}

func TestJavaScriptOutputFlood(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{StdoutMaxBytes: 10_000, StderrMaxBytes: 5_000, FuelBudget: 1_000_000_000})
	res := run(t, sb, "while (true) { console.log('y'.repeat(1000)); console.error('e'.repeat(100)) }")
	wantOutcome(t, res, OutcomeOutOfFuel)
	if !res.StdoutTruncated || len(res.Stdout) != 10_000 || !res.StderrTruncated || len(res.Stderr) != 5_000 {
		t.Fatalf("stdout %d %v stderr %d %v", len(res.Stdout), res.StdoutTruncated, len(res.Stderr), res.StderrTruncated)
	}
}

func TestJavaScriptDeepRecursion(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{})
	res := run(t, sb, "function f(n) { return f(n + 1) + 1 }\ntry { f(0) } catch (e) { console.log(e.name) }")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "RangeError\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	// A plain recursive function reaches more than 10,000 frames (Node 20
	// gets about 10,500 with its default stack), and every kind of frame
	// that recurses through native code still ends in the RangeError, not
	// a trap, while heap allocated in between stays intact.
	res = run(t, sb, `function f(n) { return n === 0 ? 0 : 1 + f(n - 1) }
const keep = Array.from({ length: 200000 }, (_, i) => 'v' + i);
console.log(f(11000));
let lo = 0, hi = 1e6;
while (hi - lo > 1) { const m = (lo + hi) >> 1; try { f(m); lo = m } catch { hi = m } }
console.log(lo > 11000 && lo < 20000, keep.every((v, i) => v === 'v' + i));
const kinds = {
  map: (n) => n === 0 ? 0 : 1 + [n].map((x) => kinds.map(x - 1))[0],
  call: (n) => n === 0 ? 0 : 1 + kinds.call.call(null, n - 1),
  apply: (n) => n === 0 ? 0 : 1 + Reflect.apply(kinds.apply, null, [n - 1]),
  sort: (n) => { if (n === 0) return 0; let r = 0; [2, 1].sort(() => { r = kinds.sort(n - 1); return 0 }); return r + 1 },
  tostr: (n) => n === 0 ? '' : String({ toString() { return kinds.tostr(n - 1) } }),
  async: async (n) => n === 0 ? 0 : 1 + await kinds.async(n - 1),
  eval: (n) => n === 0 ? 0 : 1 + eval('kinds.eval(n - 1)'),
};
for (const [k, fn] of Object.entries(kinds)) {
  try { await fn(1e6); console.log(k, 'returned') } catch (e) { console.log(k, e.message) }
}`)
	wantOutcome(t, res, OutcomeOK)
	want := "11000\ntrue true\n"
	for _, k := range []string{"map", "call", "apply", "sort", "tostr", "async", "eval"} {
		want += k + " Maximum call stack size exceeded\n"
	}
	if res.Stdout != want {
		t.Fatalf("stdout %q", res.Stdout)
	}
	// Recursion inside C code can exhaust the wasm stack itself: a trap,
	// reported, and the host runs on.
	res = run(t, sb, "let a = []; for (let i = 0; i < 20000; i++) a = [a]; console.log(JSON.stringify(a).length)")
	if res.Outcome == OutcomeTimeout || res.Outcome == OutcomeMemoryLimit {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Error)
	}
	t.Logf("nested stringify: %s %s", res.Outcome, res.Error)
	// QuickJS's parser takes ten times more native stack per level than
	// its own limit counts: source nested 100,000 deep exhausts the wasm
	// stack, a trap, and the host runs on.
	res = run(t, sb, "eval('('.repeat(100000) + '1' + ')'.repeat(100000))")
	if res.Outcome != OutcomeTrap && res.Outcome != OutcomeGuestError {
		t.Fatalf("nested source: outcome %s: %s", res.Outcome, res.Error)
	}
	t.Logf("nested source: %s %s", res.Outcome, res.Error)
	wantOutcome(t, run(t, sb, "console.log(1)"), OutcomeOK)
}

func TestJavaScriptFilesystemConfinement(t *testing.T) {
	f := newEscapeFixture(t)
	sb := newSandbox(t, JavaScript, f.policy())
	attempts := []struct{ name, code, codes string }{
		{"etc passwd", "fs.readFileSync('/etc/passwd', 'utf8')", "ENOENT"},
		{"dotdot escape", "fs.readFileSync('../../../../etc/passwd', 'utf8')", "ENOENT"},
		{"dotdot from mount", "fs.readFileSync('/data/../../etc/passwd', 'utf8')", "ENOENT"},
		{"absolute host path", "fs.readFileSync(" + jsQuote(f.secret) + ", 'utf8')", "ENOENT"},
		{"symlink to file", "fs.readFileSync('/app/link.txt', 'utf8')", "EACCES ENOENT"},
		{"symlink to dir", "fs.readFileSync('/app/linkdir/secret.txt', 'utf8')", "EACCES ENOENT"},
		{"write through link", "fs.writeFileSync('/app/linkdir/new.txt', 'x')", "EACCES ENOENT"},
		{"write readonly", "fs.writeFileSync('/data/out.txt', 'x')", "EROFS"},
		{"append readonly", "fs.appendFileSync('/data/in.txt', 'x')", "EROFS"},
		{"remove readonly", "fs.rmSync('/data/in.txt')", "EROFS"},
		{"mkdir readonly", "fs.mkdirSync('/data/d')", "EROFS"},
		{"rename out of mount", "fs.renameSync('/data/in.txt', '/app/in.txt')", "EROFS EXDEV"},
		{"nul byte", "fs.readFileSync('/app/a\\0b')", "EINVAL ERR_INVALID_ARG_VALUE ERR_INVALID_ARG_TYPE"},
		{"absurd length", "fs.readFileSync('/app/' + 'a'.repeat(100000))", "ENAMETOOLONG"},
		{"proc self", "fs.readFileSync('/proc/self/environ')", "ENOENT"},
	}
	for _, a := range attempts {
		t.Run(a.name, func(t *testing.T) {
			code := "const fs = require('fs')\ntry { const r = " + a.code + "; console.log('OK', r) } catch (e) { console.log(e.code) }"
			res := run(t, sb, code)
			wantOutcome(t, res, OutcomeOK)
			got := strings.TrimSpace(res.Stdout)
			if strings.HasPrefix(got, "OK") || strings.Contains(got, "TOPSECRET") || !slices.Contains(strings.Fields(a.codes), got) {
				t.Fatalf("got %q, want one of %s", got, a.codes)
			}
		})
	}
	t.Run("read-only mount is readable and root lists only mounts", func(t *testing.T) {
		res := run(t, sb, "import fs from 'node:fs'\nconsole.log(fs.readFileSync('/data/in.txt', 'utf8'), fs.readdirSync('/').join(','))")
		wantOutcome(t, res, OutcomeOK)
		if res.Stdout != "readable app,data\n" {
			t.Fatalf("stdout %q", res.Stdout)
		}
	})
	f.check(t)
}

func jsQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func TestJavaScriptUnsupportedModule(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), "require('child_process')")
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Stderr, "child_process") || !strings.Contains(res.Stderr, "fs") {
		t.Fatalf("stderr %q", res.Stderr)
	}
}

func TestJavaScriptEnvironmentIsolation(t *testing.T) {
	t.Setenv("WASMSANDBOX_TEST_SECRET", "hunter2")
	res := run(t, newSandbox(t, JavaScript, Policy{}), "console.log(Object.keys(process.env).sort().join(','), process.argv.length)")
	wantOutcome(t, res, OutcomeOK)
	if strings.Contains(res.Stdout, "WASMSANDBOX_TEST_SECRET") || strings.Contains(res.Stdout, "PATH") {
		t.Fatalf("host env leaked: %s", res.Stdout)
	}
	res = run(t, newSandbox(t, JavaScript, Policy{Env: map[string]string{"ONLY": "me"}}), "console.log(JSON.stringify(process.env))")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "{\"ONLY\":\"me\"}\n" {
		t.Fatalf("env = %s", res.Stdout)
	}
}

func TestJavaScriptWorkspaceAndModules(t *testing.T) {
	ws := t.TempDir()
	if err := os.WriteFile(filepath.Join(ws, "lib.mjs"), []byte("export const twice = (x) => 2 * x\nexport default 'lib'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "gone.txt"), []byte("g"), 0o644); err != nil {
		t.Fatal(err)
	}
	sb := newSandbox(t, JavaScript, Policy{Workspace: ws})
	res := run(t, sb, `import name, { twice } from './lib.mjs'
import fs from 'fs'
import path from 'node:path'
fs.mkdirSync('out/deep', { recursive: true })
fs.writeFileSync(path.join('out', 'deep', 'r.json'), JSON.stringify({ v: twice(21) }))
fs.appendFileSync('log.txt', 'a'); fs.appendFileSync('log.txt', 'b')
fs.rmSync('gone.txt')
const v = await Promise.resolve(JSON.parse(fs.readFileSync('/app/out/deep/r.json', 'utf8')).v)
console.log(name, v, fs.readFileSync('log.txt', 'utf8'), fs.existsSync('gone.txt'), fs.statSync('log.txt').size, process.cwd())`)
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "lib 42 ab false 2 /app\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	if !slices.Equal(res.FilesCreated, []string{"log.txt", "out/deep/r.json"}) || !slices.Equal(res.FilesDeleted, []string{"gone.txt"}) {
		t.Fatalf("created %v deleted %v", res.FilesCreated, res.FilesDeleted)
	}
}

func TestJavaScriptConcurrentExecutionsAreIsolated(t *testing.T) {
	runConcurrently(t, newSandbox(t, JavaScript, Policy{}), 6, func(i int) string {
		return strings.ReplaceAll(`const fs = require('fs')
fs.writeFileSync('mine-ID.txt', 'x')
const seen = globalThis.SHARED
globalThis.SHARED = ID
setTimeout(() => console.log(JSON.stringify(fs.readdirSync('.').filter(f => f !== 'mine-ID.txt')), seen), 100)`, "ID", strconv.Itoa(i))
	}, "[] undefined\n")
}

func TestJavaScriptContextCancel(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{FuelBudget: 1 << 62})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := sb.Execute(ctx, "while (true) {}")
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v", err)
	}
}

// The one-line error of an uncaught exception names the exception, as it
// does for Python, not the stack frame below it.
func TestJavaScriptErrorLineNamesTheException(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{})
	for code, want := range map[string]string{
		"let a = null; a.x":               "exit code 1: TypeError: cannot read property 'x' of null",
		"let x = ;":                       "exit code 1: SyntaxError: unexpected token in expression: ';'",
		"function f() { g() }\nf()":       "exit code 1: ReferenceError: g is not defined",
		"throw new RangeError('too big')": "exit code 1: RangeError: too big",
		// Errors with extra properties print them below the stack; the
		// line is still the exception's (Node's first line of it).
		"require('fs').readFileSync('missing.json')":                "exit code 1: Error: ENOENT: no such file or directory, open 'missing.json'",
		"const e = new Error('two\\nlines'); e.code = 'X'; throw e": "exit code 1: Error: two lines",
		"throw 'just a string'":                                     "exit code 1: 'just a string'",
		"throw { code: 42, detail: { a: [1, 2] } }":                 "exit code 1: { code: 42, detail: { a: [ 1, 2 ] } }",
	} {
		res := run(t, sb, code)
		wantOutcome(t, res, OutcomeGuestError)
		if res.Error != want {
			t.Errorf("%q: error %q, want %q", code, res.Error, want)
		}
	}
}

// A module that is not there is named as Node names it, with what is
// available after it.
func TestJavaScriptErrorLineMissingModule(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), "const _ = require('lodash')")
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.HasPrefix(res.Error, "exit code 1: Error: Cannot find module 'lodash'") || strings.Contains(res.Error, "\n") {
		t.Fatalf("error %q", res.Error)
	}
}

// Result.Value is the script's completion value as a REPL shows it.
func TestJavaScriptValue(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{})
	for code, want := range map[string]string{
		"1 + 1":                    "2",
		"let x = {a: [1, 2]}; x":   "{ a: [ 1, 2 ] }",
		"let y = 5;":               "",
		"console.log('hi')":        "",
		"'str'":                    "'str'",
		"await Promise.resolve(7)": "7",
		"import fs from 'fs'; 5":   "",                                                              // a module has no completion value
		"'x'.repeat(20000)":        "'" + strings.Repeat("x", 10000) + "'... 10000 more characters", // inspect shortens it, as Node does
	} {
		res := run(t, sb, code)
		wantOutcome(t, res, OutcomeOK)
		if res.Value != want {
			t.Errorf("%q: value %.60q, want %.60q", code, res.Value, want)
		}
	}
}

// Node behaviours agent code relies on: 'exit' listeners run with the exit
// code, and an invalid Date says "Invalid time value".
func TestJavaScriptNodeBehaviour(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{})
	res := run(t, sb, `process.on('exit', (c) => console.log('exit', c));
process.once('exit', () => console.log('once'));
try { new Date('x').toISOString() } catch (e) { console.log(String(e)) }
console.log(Date.prototype.toISOString.name, new Date(0).toISOString())`)
	wantOutcome(t, res, OutcomeOK)
	if want := "RangeError: Invalid time value\ntoISOString 1970-01-01T00:00:00.000Z\nexit 0\nonce\n"; res.Stdout != want {
		t.Fatalf("stdout %q, want %q", res.Stdout, want)
	}
	res = run(t, sb, "process.on('exit', (c) => console.log('bye', c))\nprocess.exit(3)")
	if res.ExitCode != 3 || res.Stdout != "bye 3\n" {
		t.Fatalf("exit %d stdout %q", res.ExitCode, res.Stdout)
	}
}

// err.stack starts with the "Name: message" line, as in V8.
func TestJavaScriptStackHeader(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), `function g() { null.f() }
try { g() } catch (e) { console.log(e.stack) }
console.log(new RangeError('r').stack.split('\n')[0])`)
	wantOutcome(t, res, OutcomeOK)
	if want := "TypeError: cannot read property 'f' of null\n    at g (main.js:1:15)\n    at main.js:2:7\nRangeError: r\n"; res.Stdout != want {
		t.Fatalf("stdout %q, want %q", res.Stdout, want)
	}
}

// WithScriptName names the program's file: __filename, __dirname,
// process.argv[1] and require.main as Node would give them for that file.
func TestJavaScriptScriptName(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{}, WithScriptName("tool.js"), WithArgs("x"))
	res := run(t, sb, "console.log(__filename, __dirname, process.argv.join(' '), require.main === module)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "/app/tool.js /app node /app/tool.js x true\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	for _, bad := range []string{"a/b.js", "..", strings.Repeat("x", 256)} {
		if _, err := New(JavaScript, WithRuntimeDir(testHome), WithScriptName(bad)); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("WithScriptName(%.20q): err = %v", bad, err)
		}
	}
}

// Intl formats numbers and dates as Node does, in IANA time zones with
// their daylight-saving changes (the full Node-recorded corpus is
// internal/quickjs/testdata/intl.js).
func TestJavaScriptIntl(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), `
const f = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', dateStyle: 'medium', timeStyle: 'short' });
console.log(f.format(Date.UTC(2024, 2, 10, 6, 59)), '|', f.format(Date.UTC(2024, 2, 10, 7, 0)));
console.log(new Date(Date.UTC(2024, 6, 1, 12)).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' }));
console.log((1234567.891).toLocaleString('fr-FR'), new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(-1234.5));
try { new Intl.DateTimeFormat('en-US', { timeZone: 'Mars/Olympus' }) } catch (e) { console.log(e.name, e.message) }`)
	wantOutcome(t, res, OutcomeOK)
	want := "Mar 10, 2024, 1:59 AM | Mar 10, 2024, 3:00 AM\n1.7.2024, 14:00:00\n1\u202f234\u202f567,891 -1.234,50\u00a0€\nRangeError Invalid time zone specified: Mars/Olympus\n"
	if res.Stdout != want {
		t.Fatalf("stdout %q\nwant   %q", res.Stdout, want)
	}
}

// fs.existsSync answers as Node does for every kind of argument, and never
// for a path outside the mounts.
func TestJavaScriptExistsSync(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), `const fs = require('fs');
fs.writeFileSync('a.txt', 'x'); fs.mkdirSync('d');
console.log([fs.existsSync('a.txt'), fs.existsSync('./d/../a.txt'), fs.existsSync('/app/a.txt'), fs.existsSync('d'),
  fs.existsSync(Buffer.from('a.txt')), fs.existsSync('nope'), fs.existsSync(''), fs.existsSync(null),
  fs.existsSync(42), fs.existsSync('a\u0000'), fs.existsSync('/etc/passwd'), fs.existsSync('../../etc/passwd')].join(' '))`)
	wantOutcome(t, res, OutcomeOK)
	if want := "true true true true true false false false false false false false\n"; res.Stdout != want {
		t.Fatalf("stdout %q, want %q", res.Stdout, want)
	}
}

// readdirSync lists and types entries as Node 20 does (output recorded from
// node): names the directory as given, the type under a symbol, and
// recursive listings breadth first.
func TestJavaScriptReaddirLikeNode(t *testing.T) {
	res := run(t, newSandbox(t, JavaScript, Policy{}), `const fs = require('fs');
fs.mkdirSync('a/x', { recursive: true }); fs.mkdirSync('b'); fs.writeFileSync('b/y', ''); fs.writeFileSync('a/x/z', '');
console.log(fs.readdirSync('.', { recursive: true }));
console.log(fs.readdirSync('b', { withFileTypes: true }));
console.log(fs.readdirSync('.', { withFileTypes: true }).map((e) => [e.name, e.isDirectory(), e.isFile(), e.parentPath]));`)
	wantOutcome(t, res, OutcomeOK)
	want := `[ 'a', 'b', 'a/x', 'b/y', 'a/x/z' ]
[ Dirent { name: 'y', parentPath: 'b', path: 'b', [Symbol(type)]: 1 } ]
[ [ 'a', true, false, '.' ], [ 'b', true, false, '.' ] ]
`
	if res.Stdout != want {
		t.Fatalf("stdout:\n%s\nwant (node 20):\n%s", res.Stdout, want)
	}
}
