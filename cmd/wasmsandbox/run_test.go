package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox"
)

func TestRunOK(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "", "run", "-c", "print('hello')").want(t, exitOK)
	if c.stdout != "hello\n" {
		t.Errorf("stdout = %q", c.stdout)
	}
	if !strings.HasPrefix(c.stderr, "wasmsandbox: ok in ") || !strings.Contains(c.stderr, "fuel ") ||
		!strings.Contains(c.stderr, "/40,000,000,000, memory ") || !strings.HasSuffix(c.stderr, " MiB\n") {
		t.Errorf("summary = %q", c.stderr)
	}
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "", "run", "--json", "-c", "import sys; print('out'); print('err', file=sys.stderr)").want(t, exitOK)
	res := c.result(t)
	if !res.Success || res.Outcome != sandbox.OutcomeOK || res.Stdout != "out\n" || res.Stderr != "err\n" ||
		res.Runtime != sandbox.Python || res.FuelConsumed == 0 || res.FuelBudget != sandbox.DefaultFuelBudget {
		t.Errorf("result = %+v", res)
	}
	if c.stderr != "" {
		t.Errorf("stderr = %q, want nothing with --json", c.stderr)
	}
}

func TestRunLimitsExit1(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		outcome sandbox.Outcome
	}{
		{"fuel", []string{"--fuel", smallFuel, "-c", "while True: pass"}, sandbox.OutcomeOutOfFuel},
		{"timeout", []string{"--timeout", "300ms", "-c", "import time; time.sleep(30)"}, sandbox.OutcomeTimeout},
		{"memory", []string{"--memory", "32MiB", "-c", "b = bytearray(200 * 1024 * 1024)"}, sandbox.OutcomeMemoryLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := runCLI(t, "", append([]string{"run"}, tc.args...)...).want(t, exitLimit)
			if !strings.Contains(c.stderr, "wasmsandbox: "+string(tc.outcome)+": ") {
				t.Errorf("summary lacks the outcome %s: %q", tc.outcome, c.stderr)
			}
			c = runCLI(t, "", append([]string{"run", "--json"}, tc.args...)...).want(t, exitLimit)
			if res := c.result(t); res.Outcome != tc.outcome || res.Success || res.Error == "" {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestRunGuestErrorExit2(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "", "run", "-c", "raise ValueError('boom')").want(t, exitGuest)
	if !strings.Contains(c.stderr, "ValueError: boom") || !strings.Contains(c.stderr, "wasmsandbox: guest_error: ") {
		t.Errorf("stderr = %q", c.stderr)
	}
	c = runCLI(t, "", "run", "--json", "-c", "import sys; sys.exit(3)").want(t, exitGuest)
	if res := c.result(t); res.Outcome != sandbox.OutcomeGuestError || res.ExitCode != 3 {
		t.Errorf("result = %+v", res)
	}
}

func TestRunUsageErrorsExit3(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.toml", "fuel_budget = -1\ntimeout = \"soon\"\nno_such_key = true\n")
	tiny := writeFile(t, dir, "tiny.toml", "max_code_bytes = 10\n")
	long := writeFile(t, dir, "long.py", "print('this is more than ten bytes')\n")
	txt := writeFile(t, dir, "prog.rb", "puts 1\n")
	for _, tc := range []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"bad flag", []string{"--no-such-flag", "-c", "1"}, []string{"-no-such-flag", "run --help"}},
		{"bad fuel", []string{"--fuel", "-5", "-c", "1"}, []string{"--fuel"}},
		{"bad memory", []string{"--memory", "lots", "-c", "1"}, []string{"--memory", "64MiB"}},
		{"bad timeout", []string{"--timeout", "soon", "-c", "1"}, []string{"--timeout"}},
		{"invalid policy", []string{"--policy", bad, "-c", "1"}, []string{"fuel_budget", "timeout", `"no_such_key"`, "3 problems"}},
		{"missing policy", []string{"--policy", filepath.Join(dir, "none.toml"), "-c", "1"}, []string{"none.toml"}},
		{"memory too small", []string{"--memory", "1MiB", "-c", "1"}, []string{"memory_bytes"}},
		{"missing file", []string{filepath.Join(dir, "none.py")}, []string{"none.py", "no such file"}},
		{"directory", []string{dir}, []string{"is a directory"}},
		{"unknown lang", []string{"--lang", "cobol", "-c", "1"}, []string{"cobol"}},
		{"unknown extension", []string{txt}, []string{".rb", "--lang"}},
		{"code too large", []string{"--policy", tiny, long}, []string{"max_code_bytes"}},
		{"no program", nil, []string{"missing program"}},
		{"bad env", []string{"--env", "NOVALUE", "-c", "1"}, []string{"--env", "NAME=VALUE"}},
		{"malformed session", []string{"--session", "../abc", "-c", "1"}, []string{"--session", "invalid session ID"}},
		{"unknown session", []string{"--sessions-dir", dir, "--session", "abc", "-c", "1"}, []string{"--session", "session not found: abc"}},
		{"bad mount", []string{"--mount", dir, "-c", "1"}, []string{"--mount", "HOST:GUEST"}},
		{"relative guest", []string{"--mount", dir + ":data", "-c", "1"}, []string{"absolute"}},
		{"bad mount mode", []string{"--mount", "a:b:rx", "-c", "1"}, []string{`--mount "a:b:rx": "rx" is not a mode; use ro or rw, or omit it`}},
		{"bad mount mode after guest", []string{"--mount", dir + ":/data:RW", "-c", "1"}, []string{`"RW" is not a mode; use ro or rw`}},
		{"missing mount", []string{"--mount", filepath.Join(dir, "nope") + ":/data", "-c", "1"}, []string{"mounts[0].host", "does not exist"}},
		{"missing workspace", []string{"--workspace", filepath.Join(dir, "nope"), "-c", "1"}, []string{"workspace", "does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, jsonFlag := range [][]string{nil, {"--json"}} {
				c := runCLI(t, "", append(append([]string{"run"}, jsonFlag...), tc.args...)...).want(t, exitUsage)
				if jsonFlag != nil {
					c.jsonError(t)
				} else if c.stdout != "" {
					t.Errorf("stdout = %q, want nothing", c.stdout)
				}
				for _, s := range tc.want {
					if !strings.Contains(c.stderr, s) {
						t.Errorf("%v: stderr lacks %q:\n%s", jsonFlag, s, c.stderr)
					}
				}
			}
		})
	}
}

// TestRunInternalErrorExit4 runs with an empty runtime directory and no
// npm on PATH: the runtime is missing and cannot be installed.
func TestRunInternalErrorExit4(t *testing.T) {
	t.Setenv("PATH", "")
	home := t.TempDir()
	for _, args := range [][]string{
		{"run", "--home", home, "-c", "print(1)"},
		{"run", "--home", home, "--json", "-c", "print(1)"},
	} {
		c := runCLI(t, "", args...).want(t, exitInternal)
		if args[3] == "--json" {
			c.jsonError(t)
		} else if c.stdout != "" {
			t.Errorf("stdout = %q, want nothing", c.stdout)
		}
		if !strings.Contains(c.stderr, "runtime not installed") || !strings.Contains(c.stderr, "npm") {
			t.Errorf("stderr = %q", c.stderr)
		}
	}
	c := runCLI(t, "", "runtimes", "install", "--home", home, "python").want(t, exitInternal)
	if !strings.Contains(c.stderr, "npm") {
		t.Errorf("stderr = %q", c.stderr)
	}
	c = runCLI(t, "", "runtimes", "status", "--home", home).want(t, exitOK)
	if !strings.Contains(c.stdout, "not installed") {
		t.Errorf("status = %q", c.stdout)
	}
}

func TestRunInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeFile(t, dir, "prog.py", "print('from file')\n")
	noext := writeFile(t, dir, "prog", "print('no extension')\n")
	dash := writeFile(t, dir, "-dash.py", "print('dash')\n")
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"-c", "", []string{"-c", "print('from -c')"}, "from -c\n"},
		{"stdin", "print('from stdin')\n", []string{"-"}, "from stdin\n"},
		{"file", "", []string{file}, "from file\n"},
		{"file without extension", "", []string{noext}, "no extension\n"},
		{"flags after file", "", []string{file, "--json", "--fuel", "2G"}, "from file\n"},
		{"flags around -c", "", []string{"--json", "-c", "print('x')", "--timeout", "10"}, "x\n"},
		{"stdin then flags", "print('s')", []string{"-", "--json"}, "s\n"},
		{"after --", "", []string{"--json", "--", dash}, "dash\n"},
		{"--lang overrides extension", "", []string{"--lang", "python", writeFile(t, dir, "py.js", "print('py')")}, "py\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := runCLI(t, tc.stdin, append([]string{"run", "--json"}, tc.args...)...).want(t, exitOK)
			res := c.result(t)
			if res.Stdout != tc.want || res.Runtime != sandbox.Python {
				t.Errorf("stdout = %q runtime %s, want %q", res.Stdout, res.Runtime, tc.want)
			}
		})
	}
	// The flags after the file were applied.
	c := runCLI(t, "", "run", file, "--json", "--fuel", "2G").want(t, exitOK)
	if res := c.result(t); res.FuelBudget != 2_000_000_000 {
		t.Errorf("fuel budget = %d, want 2000000000", res.FuelBudget)
	}
}

func TestRunLanguageDetection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		want sandbox.Runtime
		ok   bool
	}{
		{"a.py", sandbox.Python, true},
		{"A.PY", sandbox.Python, true},
		{"a.js", sandbox.JavaScript, true},
		{"dir.x/a.mjs", sandbox.JavaScript, true},
		{"a.cjs", sandbox.JavaScript, true},
		{"a.rb", sandbox.Python, false},
		{"a", sandbox.Python, false},
	} {
		if got, ok := runtimeForFile(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("runtimeForFile(%q) = %s, %v; want %s, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	for code, want := range map[string]sandbox.Runtime{
		"#!/usr/bin/env node\nconsole.log(1)":        sandbox.JavaScript,
		"#!/usr/local/bin/node\n":                    sandbox.JavaScript,
		"#! /usr/bin/nodejs\r\n":                     sandbox.JavaScript,
		"#!/usr/bin/env -S node --no-warnings\n":     sandbox.JavaScript,
		"#!/usr/bin/env -u HOME NODE_ENV=x node18\n": sandbox.JavaScript,
		"#!/usr/bin/env python3\nprint(1)":           sandbox.Python,
		"#!/usr/bin/python3.12\n":                    sandbox.Python,
		"#!/usr/bin/env python\n":                    sandbox.Python,
		"#!/home/nodey/bin/python3\n":                sandbox.Python,
		"#!/bin/sh\n":                                sandbox.Python,
		"print(1)\n":                                 sandbox.Python,
		"# node\n":                                   sandbox.Python,
		"":                                           sandbox.Python,
	} {
		if got := runtimeForShebang(code); got != want {
			t.Errorf("runtimeForShebang(%q) = %s, want %s", code, got, want)
		}
	}

	// A .js file runs as JavaScript: either it works, or (while the
	// JavaScript runtime is not built in) the error names it.
	dir := t.TempDir()
	for _, name := range []string{"prog.js", "prog.mjs"} {
		js := writeFile(t, dir, name, "console.log(6 * 7)\n")
		c := runCLI(t, "", "run", "--json", js)
		switch c.code {
		case exitOK:
			if res := c.result(t); res.Runtime != sandbox.JavaScript || res.Stdout != "42\n" {
				t.Errorf("%s: result = %+v", name, res)
			}
		case exitInternal:
			if !strings.Contains(c.stderr, "javascript") || c.stdout != "" {
				t.Errorf("%s: stdout %q, stderr %q", name, c.stdout, c.stderr)
			}
		default:
			c.want(t, exitOK)
		}
	}
}

func TestRunPolicyAndOverrides(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	toml := writeFile(t, dir, "p.toml", "fuel_budget = 1_400_000_000\ntimeout = \"20s\"\nstdout_max_bytes = 10\n")
	c := runCLI(t, "", "run", "--json", "--policy", toml, "-c", "print('x' * 100)").want(t, exitOK)
	res := c.result(t)
	if res.FuelBudget != 1_400_000_000 || !res.StdoutTruncated || len(res.Stdout) != 10 {
		t.Errorf("result = %+v", res)
	}
	// The flag wins over the file.
	c = runCLI(t, "", "run", "--json", "--policy", toml, "--fuel", "1.6G", "-c", "pass").want(t, exitOK)
	if res := c.result(t); res.FuelBudget != 1_600_000_000 {
		t.Errorf("fuel budget = %d, want the flag's 1600000000", res.FuelBudget)
	}
	// Without --json the truncation is noted after the summary.
	c = runCLI(t, "", "run", "--policy", toml, "-c", "print('x' * 100)").want(t, exitOK)
	if c.stdout != "xxxxxxxxxx" || !strings.Contains(c.stderr, "stdout was truncated at 10 bytes") {
		t.Errorf("stdout %q stderr %q", c.stdout, c.stderr)
	}
	// The summary starts on its own line even when the guest's output does not end one.
	if !strings.HasPrefix(c.stderr, "\nwasmsandbox: ok") {
		t.Errorf("stderr = %q, want a newline before the summary", c.stderr)
	}
	jsonPolicy := writeFile(t, dir, "p.json", `{"fuel_budget": 1300000000}`)
	c = runCLI(t, "", "run", "--json", "--policy", jsonPolicy, "-c", "pass").want(t, exitOK)
	if res := c.result(t); res.FuelBudget != 1_300_000_000 {
		t.Errorf("fuel budget = %d", res.FuelBudget)
	}
}

func TestRunMounts(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	writeFile(t, data, "in.txt", "hello from the host")
	const write = `
try:
    open('/data/out.txt', 'w').write('written')
    print('wrote')
except OSError as e:
    print('denied', type(e).__name__)
`
	// Read-only by default: readable, not writable.
	c := runCLI(t, "", "run", "--json", "--mount", data+":/data", "-c", "print(open('/data/in.txt').read())"+write).want(t, exitOK)
	if res := c.result(t); res.Stdout != "hello from the host\ndenied PermissionError\n" {
		t.Errorf("read-only mount: stdout = %q", res.Stdout)
	}
	if _, err := os.Stat(filepath.Join(data, "out.txt")); err == nil {
		t.Fatal("the guest wrote through a read-only mount")
	}
	runCLI(t, "", "run", "--mount", data+":/data:ro", "-c", write).want(t, exitOK)
	if _, err := os.Stat(filepath.Join(data, "out.txt")); err == nil {
		t.Fatal("the guest wrote through a :ro mount")
	}
	// :rw makes it writable.
	c = runCLI(t, "", "run", "--json", "--mount", data+":/data:rw", "-c", write).want(t, exitOK)
	if res := c.result(t); res.Stdout != "wrote\n" {
		t.Errorf("rw mount: stdout = %q", res.Stdout)
	}
	if b, err := os.ReadFile(filepath.Join(data, "out.txt")); err != nil || string(b) != "written" {
		t.Errorf("host file: %q, %v", b, err)
	}
}

func TestRunWorkspace(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	c := runCLI(t, "", "run", "--json", "--workspace", ws, "-c", "open('/app/result.txt', 'w').write('42')").want(t, exitOK)
	if res := c.result(t); len(res.FilesCreated) != 1 || res.FilesCreated[0] != "result.txt" {
		t.Errorf("files_created = %q", res.FilesCreated)
	}
	if b, err := os.ReadFile(filepath.Join(ws, "result.txt")); err != nil || string(b) != "42" {
		t.Errorf("workspace file: %q, %v", b, err)
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	c := runCLICtx(t, ctx, "", "run", "--timeout", "60s", "-c", "import time; time.sleep(60)").want(t, exitInterrupted)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancellation took %s", d)
	}
	if !strings.Contains(c.stderr, "interrupted") {
		t.Errorf("stderr = %q", c.stderr)
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "134217728": 134217728, "134_217_728": 134217728, "64MiB": 64 << 20, "64mib": 64 << 20,
		"64Mi": 64 << 20, "512MB": 512e6, "512M": 512e6, "1GiB": 1 << 30, "1.5GiB": 3 << 29, "1 GiB": 1 << 30,
		"100B": 100, "2k": 2000, "2KiB": 2048, "0.5KiB": 512, " 16MiB ": 16 << 20,
	} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "MiB", "1.2.3MiB", "12XB", "1.5", "0.1B", "99999999999999999999", "9999999999TiB", "1e9"} {
		if got, err := parseByteSize(in); err == nil {
			t.Errorf("parseByteSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int64{
		"1500000000": 1_500_000_000, "1_500_000_000": 1_500_000_000, "1500M": 1_500_000_000, "1.5G": 1_500_000_000,
		"2g": 2e9, "5k": 5000, "0": 0,
	} {
		if got, err := parseCount(in); err != nil || got != want {
			t.Errorf("parseCount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5", "1.5", "2GiB", "x", "1e9"} {
		if got, err := parseCount(in); err == nil {
			t.Errorf("parseCount(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseMount(t *testing.T) {
	abs := func(p string) string { return absPath(p) }
	for in, want := range map[string]sandbox.Mount{
		"/srv/data:/data":      {Host: "/srv/data", Guest: "/data"},
		"/srv/data:/data:rw":   {Host: "/srv/data", Guest: "/data", Writable: true},
		"/srv/data:/data:ro":   {Host: "/srv/data", Guest: "/data"},
		"data:/data":           {Host: abs("data"), Guest: "/data"},
		"/odd:name/x:/guest/x": {Host: "/odd:name/x", Guest: "/guest/x"},
	} {
		if got, err := parseMount(in); err != nil || got != want {
			t.Errorf("parseMount(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"/srv/data", ":/data", "/srv:data", "/srv:data:rw", "", "a:b:rx", "/srv:/data:x", "/srv:/data:"} {
		if got, err := parseMount(in); err == nil {
			t.Errorf("parseMount(%q) = %+v, want an error", in, got)
		}
	}
}

func TestFormatting(t *testing.T) {
	for ms, want := range map[int64]string{152: "152ms", 1520: "1.52s", 123000: "2m3s"} {
		if got := formatMillis(ms); got != want {
			t.Errorf("formatMillis(%d) = %q, want %q", ms, got, want)
		}
	}
	if got := formatMiB(10590617); got != "10.1 MiB" {
		t.Errorf("formatMiB = %q", got)
	}
}

// TestRunShebang runs programs without an extension: their "#!" line picks
// the language. An extension or --lang wins over it.
func TestRunShebang(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const js = "console.log(6 * 7)\n"
	const py = "print(6 * 7)\n"
	for _, tc := range []struct {
		name string
		args []string
		want sandbox.Runtime
	}{
		{"env node", []string{writeFile(t, dir, "job", "#!/usr/bin/env node\n"+js)}, sandbox.JavaScript},
		{"node", []string{writeFile(t, dir, "job2", "#!/usr/local/bin/node\n"+js)}, sandbox.JavaScript},
		{"env python3", []string{writeFile(t, dir, "job3", "#!/usr/bin/env python3\n"+py)}, sandbox.Python},
		{"python", []string{writeFile(t, dir, "job4", "#!/usr/bin/python\n"+py)}, sandbox.Python},
		{"extension wins (.py)", []string{writeFile(t, dir, "job.py", "#!/usr/bin/env node\n"+py)}, sandbox.Python},
		{"extension wins (.mjs)", []string{writeFile(t, dir, "job.mjs", "#!/usr/bin/env python3\n"+js)}, sandbox.JavaScript},
		{"--lang wins", []string{"--lang", "python", writeFile(t, dir, "job5", "#!/usr/bin/env node\n"+py)}, sandbox.Python},
		{"stdin", []string{"-"}, sandbox.JavaScript},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdin := ""
			if tc.name == "stdin" {
				stdin = "#!/usr/bin/env node\n" + js
			}
			c := runCLI(t, stdin, append([]string{"run", "--json"}, tc.args...)...).want(t, exitOK)
			if res := c.result(t); res.Runtime != tc.want || res.Stdout != "42\n" {
				t.Errorf("runtime %s, stdout %q; want %s, \"42\\n\"", res.Runtime, res.Stdout, tc.want)
			}
		})
	}
}

// The program reads the CLI's own standard input when the code comes from
// -c or a file.
func TestRunGivesStdinToTheProgram(t *testing.T) {
	c := runCLI(t, "one\ntwo\n", "run", "-c", "import sys\nprint(sys.stdin.read().split())").want(t, exitOK)
	if c.stdout != "['one', 'two']\n" {
		t.Fatalf("stdout %q", c.stdout)
	}
	prog := writeFile(t, t.TempDir(), "echo.js", "console.log(require('fs').readFileSync(0, 'utf8').trim())")
	if c := runCLI(t, "from js\n", "run", prog).want(t, exitOK); c.stdout != "from js\n" {
		t.Fatalf("stdout %q", c.stdout)
	}
}

// Words after the program are its arguments (after "--" when they look
// like flags), and --env adds to its environment.
func TestRunArgumentsAndEnv(t *testing.T) {
	c := runCLI(t, "", "run", "--env", "MODE=test", "-c", "import sys, os\nprint(sys.argv[1:], os.environ['MODE'])", "a", "--", "--b").want(t, exitOK)
	if c.stdout != "['a', '--b'] test\n" {
		t.Fatalf("stdout %q", c.stdout)
	}
	prog := writeFile(t, t.TempDir(), "args.js", "console.log(process.argv.slice(2).join(' '))")
	if c := runCLI(t, "", "run", prog, "x", "y").want(t, exitOK); c.stdout != "x y\n" {
		t.Fatalf("stdout %q", c.stdout)
	}
}

// A JavaScript FILE runs as its own name in the workspace: __filename,
// __dirname and process.argv[1] say so, as they would in Node; -c code is
// main.js.
func TestRunJavaScriptFileName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "some", "dir")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prog := writeFile(t, dir, "tool.js", "console.log(__filename, __dirname, process.argv.slice(1).join(' '), require.main === module)\nconsole.log(new Error('x').stack.split('\\n')[1])")
	if c := runCLI(t, "", "run", prog, "a").want(t, exitOK); c.stdout != "/app/tool.js /app /app/tool.js a true\n    at tool.js:2:17\n" {
		t.Fatalf("stdout %q", c.stdout)
	}
	c := runCLI(t, "", "run", "--lang", "javascript", "-c", "console.log(__filename, process.argv[1])").want(t, exitOK)
	if c.stdout != "/app/main.js /app/main.js\n" {
		t.Fatalf("stdout %q", c.stdout)
	}
}
