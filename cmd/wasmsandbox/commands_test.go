package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "good.toml", "fuel_budget = 2_000_000_000\ntimeout = \"10s\"\n\n[[mounts]]\nhost = \".\"\nguest = \"/data\"\n")
	c := runCLI(t, "", "policy", "check", good).want(t, exitOK)
	for _, s := range []string{"policy OK", "fuel_budget = 2000000000", "timeout = '10s'", "memory_bytes = 134217728", "[[mounts]]", "guest = '/data'"} {
		if !strings.Contains(c.stdout, s) {
			t.Errorf("policy check lacks %q:\n%s", s, c.stdout)
		}
	}
	// --json prints the effective policy alone, which reads back.
	c = runCLI(t, "", "policy", "check", "--json", good).want(t, exitOK)
	p, err := sandbox.ParsePolicy([]byte(c.stdout), "json")
	if err != nil {
		t.Fatalf("policy check --json does not read back: %v\n%s", err, c.stdout)
	}
	if p.FuelBudget != 2_000_000_000 || p.Timeout != 10*time.Second || p.MemoryBytes != sandbox.DefaultMemoryBytes ||
		len(p.Mounts) != 1 || p.Mounts[0].Host != dir {
		t.Errorf("effective policy = %+v", p)
	}

	bad := writeFile(t, dir, "bad.json", `{"fuel_budget": -1, "memory_bytes": "lots", "colour": "blue"}`)
	for _, args := range [][]string{{"policy", "check", bad}, {"policy", "check", "--json", bad}} {
		c = runCLI(t, "", args...).want(t, exitUsage)
		if args[2] == "--json" {
			c.jsonError(t)
		} else if c.stdout != "" {
			t.Errorf("stdout = %q, want nothing", c.stdout)
		}
		for _, s := range []string{"fuel_budget", "memory_bytes", `"colour"`, "3 problems"} {
			if !strings.Contains(c.stderr, s) {
				t.Errorf("stderr lacks %q:\n%s", s, c.stderr)
			}
		}
	}
	runCLI(t, "", "policy", "check", filepath.Join(dir, "missing.toml")).want(t, exitUsage)
	runCLI(t, "", "policy", "check").want(t, exitUsage)
}

func TestRuntimesStatus(t *testing.T) {
	t.Parallel()
	// Make sure the python runtime is compiled, then status must see it:
	// sandbox.CompiledModulePath must name the file New wrote.
	runCLI(t, "", "run", "-c", "pass").want(t, exitOK)
	c := runCLI(t, "", "runtimes", "status", "--json").want(t, exitOK)
	var st struct {
		Home     string          `json:"home"`
		Runtimes []runtimeStatus `json:"runtimes"`
	}
	if err := json.Unmarshal([]byte(c.stdout), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, c.stdout)
	}
	if st.Home != testHome || len(st.Runtimes) != len(runtimes.All) {
		t.Fatalf("status = %+v", st)
	}
	py := st.Runtimes[0]
	if py.Name != "python" || !py.Installed || !py.Compiled || py.Spec != runtimes.Python.Spec() || py.Path != runtimes.Python.Path(testHome) {
		t.Errorf("python status = %+v", py)
	}
	c = runCLI(t, "", "runtimes", "status", "--verify").want(t, exitOK)
	if !strings.Contains(c.stdout, "python") || !strings.Contains(c.stdout, runtimes.Python.Spec()) || !strings.Contains(c.stdout, "installed") {
		t.Errorf("status = %q", c.stdout)
	}
}

func TestRuntimesInstall(t *testing.T) {
	t.Parallel()
	// Installing an installed runtime verifies it, keeps it and compiles
	// it (from the cache), without a download.
	c := runCLI(t, "", "runtimes", "install", "py").want(t, exitOK)
	if !strings.Contains(c.stdout, runtimes.Python.Path(testHome)) || !strings.Contains(c.stdout, "compiled") {
		t.Errorf("stdout = %q", c.stdout)
	}
	runCLI(t, "", "runtimes", "install", "ruby").want(t, exitUsage)
}

// TestBinary builds the real binary and runs it, to prove that main wires
// everything together (and that signals stop a running guest).
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)

	cmd := exec.Command(bin, "run", "-c", "print(1)", "--json")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", cmd, err, stderr.String())
	}
	res := cli{stdout: string(out), stderr: stderr.String()}.result(t)
	if !res.Success || res.Stdout != "1\n" {
		t.Errorf("result = %+v", res)
	}

	// Exit statuses reach the process.
	cmd = exec.Command(bin, "run", "-c", "raise SystemExit(5)")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != exitGuest {
		t.Errorf("guest error: %v, want exit status %d", err, exitGuest)
	}

	if runtime.GOOS == "windows" {
		return
	}
	// SIGINT stops a sleeping guest promptly with status 130.
	cmd = exec.Command(bin, "run", "--timeout", "60s", "-c", "import time; print('sleeping', flush=True); time.sleep(60)")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 9)
	if _, err := stdout.Read(buf); err != nil { // the guest is running
		t.Fatalf("reading the guest's output: %v", err)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGINT did not stop the guest")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit status after SIGINT = %d, want %d", code, exitInterrupted)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("SIGINT took %s to stop the guest", d)
	}
}

// TestMissingPolicyFile: a --policy (or policy check) file that does not
// exist is reported as missing, by its path, not as an invalid policy.
func TestMissingPolicyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.toml")
	for _, args := range [][]string{
		{"run", "--policy", missing, "-c", "1"},
		{"policy", "check", missing},
		{"session", "create", "--sessions-dir", dir, "--policy", missing},
		{"mcp", "--policy", missing},
	} {
		c := runCLI(t, "", args...).want(t, exitUsage)
		if want := "the policy file " + missing + " does not exist; check the path"; !strings.Contains(c.stderr, want) {
			t.Errorf("%v: stderr lacks %q:\n%s", args, want, c.stderr)
		}
		if strings.Contains(c.stderr, "invalid policy") {
			t.Errorf("%v: a missing file is called an invalid policy:\n%s", args, c.stderr)
		}
	}
}

// TestFlagParseErrors: every value a flag refuses is reported with the
// flag's name, the value and what to give instead.
func TestFlagParseErrors(t *testing.T) {
	t.Parallel()
	sd := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"mcp", "--max-concurrent", "abc"}, `wasmsandbox mcp: --max-concurrent: "abc" is not a number; give a whole number such as 4`},
		{[]string{"mcp", "--max-sessions=2.5"}, `--max-sessions: "2.5" is not a whole number; give a whole number such as 4`},
		{[]string{"mcp", "--max-sessions", "99999999999999999999"}, `--max-sessions: "99999999999999999999" is out of range; give a whole number`},
		{[]string{"mcp", "--no-install=perhaps"}, `--no-install: "perhaps" is not true or false; write --no-install alone for true, or --no-install=false`},
		{[]string{"session", "prune", "--sessions-dir", sd, "--keep", "all"}, `--keep: "all" is not a number; give a whole number such as 4`},
		{[]string{"session", "prune", "--sessions-dir", sd, "--older-than", "soon"}, `--older-than: "soon" is not a duration (write it like 7d, 36h or 90m)`},
		{[]string{"run", "--json=maybe", "-c", "1"}, `--json: "maybe" is not true or false`},
		{[]string{"run", "--timeout", "soon", "-c", "1"}, `--timeout: "soon" is not a duration; write it like "30s", "1m30s" or "500ms"`},
		{[]string{"run", "--timeout", "-1s", "-c", "1"}, `--timeout: "-1s" is negative; give a duration of 0 or more`},
		{[]string{"run", "--memory", "lots", "-c", "1"}, `--memory: "lots" is not a size (write bytes, or a number with a unit: 64MiB, 512MB, 1GiB)`},
		{[]string{"run", "--fuel", "-5", "-c", "1"}, `--fuel: "-5" is not a count`},
		{[]string{"run", "-c", "1", "--fuel"}, `--fuel needs a value: --fuel N`},
		{[]string{"run", "-c"}, `-c needs a value: -c CODE`},
		{[]string{"run", "--jsn", "-c", "1"}, `unknown flag --jsn`},
		{[]string{"run", "---json", "-c", "1"}, `bad flag syntax "---json": write a flag as --name or --name=value`},
		{[]string{"policy", "check", "--json=2"}, `--json: "2" is not true or false`},
		{[]string{"runtimes", "status", "--verify=x"}, `--verify: "x" is not true or false`},
	} {
		c := runCLI(t, "", tc.args...).want(t, exitUsage)
		if !strings.Contains(c.stderr, tc.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.want, c.stderr)
		}
		for _, bad := range []string{"parse error", "invalid value", "invalid boolean"} {
			if strings.Contains(c.stderr, bad) {
				t.Errorf("%v: stderr says %q:\n%s", tc.args, bad, c.stderr)
			}
		}
		if !strings.Contains(c.stderr, "--help' for usage.") {
			t.Errorf("%v: stderr lacks the pointer to --help:\n%s", tc.args, c.stderr)
		}
	}
}

// TestJSONErrors: with --json, a command that fails before it has a result
// prints exactly one JSON error object on stdout, the message on stderr and
// the exit status; without --json (or with --json=false) stdout stays empty.
func TestJSONErrors(t *testing.T) {
	t.Parallel()
	sd := t.TempDir()
	runCLI(t, "", "session", "create", "--sessions-dir", sd, "--id", "s").want(t, exitOK)
	missing := filepath.Join(sd, "none.toml")
	for _, tc := range []struct {
		args []string
		want string // in the error message
	}{
		{[]string{"run", "--fuel", "x", "--json", "-c", "1"}, `--fuel: "x" is not a count`}, // fails before --json is parsed
		{[]string{"run", "--json", "--mount", "a:b:rx", "-c", "1"}, `"rx" is not a mode`},
		{[]string{"run", "--json", "--policy", missing, "-c", "1"}, "does not exist"},
		{[]string{"run", "--json", "--jsn", "-c", "1"}, "unknown flag --jsn"},
		{[]string{"run", "--json=maybe", "-c", "1"}, `--json: "maybe" is not true or false`},
		{[]string{"run", "--json", "--timeout", "--json", "-c", "1"}, `--timeout: "--json" is not a duration`},
		{[]string{"session", "info", "../x", "--json", "--sessions-dir", sd}, "invalid session ID"},
		{[]string{"session", "info", "nope", "--json", "--sessions-dir", sd}, "session not found"},
		{[]string{"session", "ls", "s", "/", "--json", "--sessions-dir", sd}, "outside the workspace"},
		{[]string{"session", "prune", "--json", "--keep", "x", "--sessions-dir", sd}, `--keep: "x" is not a number`},
		{[]string{"session", "get", "s", "nope.txt", "-", "--json", "--sessions-dir", sd}, "ENOENT"},
		{[]string{"session", "create", "--json", "--sessions-dir", sd, "--policy", missing}, "does not exist"},
		{[]string{"policy", "check", "--json", missing}, "does not exist"},
		{[]string{"policy", "check", "--json"}, "missing policy FILE"},
		{[]string{"runtimes", "status", "--json", "--frob"}, "unknown flag --frob"},
	} {
		c := runCLI(t, "", tc.args...).want(t, exitUsage)
		if msg := c.jsonError(t); !strings.Contains(msg, tc.want) {
			t.Errorf("%v: error %q lacks %q", tc.args, msg, tc.want)
		}
	}
	for _, args := range [][]string{
		{"run", "--json=false", "--fuel", "x", "-c", "1"},
		{"run", "--fuel", "x", "-c", "1"},
		{"run", "--fuel", "x", "--", "--json"},
		{"run", "--timeout", "--json", "-c", "1"}, // "--json" is the value of --timeout
		{"session", "info", "../x", "--sessions-dir", sd},
	} {
		if c := runCLI(t, "", args...).want(t, exitUsage); c.stdout != "" {
			t.Errorf("%v: stdout = %q, want nothing without --json", args, c.stdout)
		}
	}
}

// TestBinaryUnderAddressSpaceLimit: with a limit on virtual memory
// (ulimit -v), the engine sizes its instance pool to fit, or goes without
// one, instead of aborting the process.
func TestBinaryUnderAddressSpaceLimit(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, kib := range []string{"16000000", "200000000"} {
		cmd := exec.Command("sh", "-c", "ulimit -v "+kib+" && exec \"$0\" run -c 'print(6 * 7)'", bin)
		cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "42\n") {
			t.Errorf("ulimit -v %s: %v\n%s", kib, err, out)
		}
	}
}
