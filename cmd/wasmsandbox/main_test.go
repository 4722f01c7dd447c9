package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/testenv"
)

// testHome is the runtime directory every test shares: the one the CLI
// resolves by default (WASMSANDBOX_HOME, else the user cache directory), so
// the runtime is fetched and compiled once per machine, not per test run.
var testHome string

func TestMain(m *testing.M) {
	home := testenv.Home()
	testHome = home
	// Compile it (once per machine) before the tests time anything.
	if _, err := sandbox.New(sandbox.Python, sandbox.WithRuntimeDir(home), sandbox.WithProgress(os.Stderr)); err != nil {
		fmt.Fprintln(os.Stderr, "loading the python runtime:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// buildBinary builds the command into a temporary directory and returns
// its path; it skips the test in -short mode.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "wasmsandbox")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cli is the outcome of one in-process invocation of the command.
type cli struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with args and stdin.
func runCLI(t testing.TB, stdin string, args ...string) cli {
	t.Helper()
	return runCLICtx(t, context.Background(), stdin, args...)
}

func runCLICtx(t testing.TB, ctx context.Context, stdin string, args ...string) cli {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb)
	return cli{code: code, stdout: out.String(), stderr: errb.String()}
}

// want fails unless the invocation exited with code.
func (c cli) want(t testing.TB, code int) cli {
	t.Helper()
	if c.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", c.code, code, c.stdout, c.stderr)
	}
	return c
}

// result decodes stdout as exactly one Result object and nothing else.
func (c cli) result(t testing.TB) *sandbox.Result {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(c.stdout))
	dec.DisallowUnknownFields()
	var res sandbox.Result
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("stdout is not a Result: %v\nstdout:\n%s\nstderr:\n%s", err, c.stdout, c.stderr)
	}
	rest, _ := io.ReadAll(dec.Buffered())
	if strings.TrimSpace(string(rest)) != "" || dec.More() {
		t.Fatalf("stdout holds more than one Result object: %q", c.stdout)
	}
	return &res
}

// jsonError checks that stdout is exactly one JSON error object, with the
// invocation's exit status and the message it wrote to stderr, and
// returns the message.
func (c cli) jsonError(t testing.TB) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(c.stdout))
	dec.DisallowUnknownFields()
	var e struct {
		Error    *string `json:"error"`
		ExitCode *int    `json:"exit_code"`
	}
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.ExitCode == nil {
		t.Fatalf("stdout is not a JSON error object (%v):\n%s\nstderr:\n%s", err, c.stdout, c.stderr)
	}
	if rest, _ := io.ReadAll(dec.Buffered()); strings.TrimSpace(string(rest)) != "" || dec.More() {
		t.Fatalf("stdout holds more than one JSON object: %q", c.stdout)
	}
	if *e.ExitCode != c.code {
		t.Errorf("exit_code = %d, but the exit status is %d", *e.ExitCode, c.code)
	}
	if want := strings.TrimSpace(c.stderr); *e.Error != want || want == "" {
		t.Errorf("error = %q, want the message on stderr, %q", *e.Error, want)
	}
	return *e.Error
}

// writeFile writes content to name under dir and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// small keeps test executions cheap: startup costs ~300M fuel.
const smallFuel = "1500000000"

func TestHelp(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "", "--help").want(t, exitOK)
	for _, s := range []string{"run", "runtimes", "policy", "version", "Exit status", "WASMSANDBOX_HOME", "Examples"} {
		if !strings.Contains(c.stdout, s) {
			t.Errorf("--help lacks %q:\n%s", s, c.stdout)
		}
	}
	c = runCLI(t, "", "run", "--help").want(t, exitOK)
	for _, s := range []string{"--lang LANG", "--policy FILE", "--fuel N", "--memory BYTES", "--timeout DUR",
		"--workspace DIR", "--mount HOST:GUEST[:rw]", "--session ID", "--json", "--home DIR", "-c CODE",
		"Exit status", "Examples", "130"} {
		if !strings.Contains(c.stdout, s) {
			t.Errorf("run --help lacks %q:\n%s", s, c.stdout)
		}
	}
	if c.stderr != "" {
		t.Errorf("run --help wrote to stderr: %q", c.stderr)
	}
	if h := runCLI(t, "", "help", "run").want(t, exitOK); h.stdout != c.stdout {
		t.Errorf("help run differs from run --help")
	}
	for _, args := range [][]string{
		{"runtimes", "--help"}, {"runtimes", "install", "--help"}, {"runtimes", "status", "-h"},
		{"policy", "--help"}, {"policy", "check", "--help"}, {"result", "--help"}, {"version", "--help"},
	} {
		if c := runCLI(t, "", args...); c.code != exitOK || !strings.Contains(c.stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, c.code, c.stdout)
		}
	}
	runCLI(t, "").want(t, exitUsage)
	c = runCLI(t, "", "frobnicate").want(t, exitUsage)
	if !strings.Contains(c.stderr, `unknown command "frobnicate"`) {
		t.Errorf("stderr = %q", c.stderr)
	}
	runCLI(t, "", "runtimes", "frob").want(t, exitUsage)
	runCLI(t, "", "policy").want(t, exitUsage)
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version"} {
		c := runCLI(t, "", arg).want(t, exitOK)
		for _, s := range []string{"wasmsandbox ", "wasmtime-go", runtimes.Python.Spec(), runtimes.JavaScript.Spec()} {
			if !strings.Contains(c.stdout, s) {
				t.Errorf("%s lacks %q:\n%s", arg, s, c.stdout)
			}
		}
	}
}

func TestSchemas(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"policy", "schema"}, {"result", "schema"}} {
		c := runCLI(t, "", args...).want(t, exitOK)
		var v map[string]any
		if err := json.Unmarshal([]byte(c.stdout), &v); err != nil || v["$schema"] == nil {
			t.Errorf("%v: not a JSON Schema (%v): %.200s", args, err, c.stdout)
		}
	}
}
