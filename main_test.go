package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/testenv"
)

// testHome is the runtime directory every test shares. It honours
// WASMSANDBOX_HOME like the CLI, so the runtimes are fetched and compiled
// once per machine, not once per test run.
var testHome string

func TestMain(m *testing.M) {
	testHome = testenv.Home()
	code := m.Run()
	removeJSPackageHome()
	os.Exit(code)
}

// newSandbox returns a sandbox on the shared runtime directory.
func newSandbox(t testing.TB, rt Runtime, p Policy, opts ...Option) Sandbox {
	t.Helper()
	sb, err := New(rt, append([]Option{WithPolicy(p), WithRuntimeDir(testHome)}, opts...)...)
	if err != nil {
		t.Fatalf("New(%s): %v", rt, err)
	}
	return sb
}

// run executes code and fails the test on a host error.
func run(t testing.TB, sb Sandbox, code string) *Result {
	t.Helper()
	res, err := sb.Execute(context.Background(), code)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	return res
}

// wantOutcome fails unless res has the wanted outcome, showing the result.
func wantOutcome(t testing.TB, res *Result, want Outcome) {
	t.Helper()
	if res.Outcome != want {
		t.Fatalf("outcome = %s, want %s\nerror: %s\nexit: %d\nstdout: %.2000s\nstderr: %.2000s",
			res.Outcome, want, res.Error, res.ExitCode, res.Stdout, res.Stderr)
	}
	if res.Success != (want == OutcomeOK) {
		t.Fatalf("success = %v with outcome %s", res.Success, want)
	}
}

// escapeFixture is the host side of the filesystem-escape tests: a secret
// outside every mount, a workspace holding symlinks to it (planted by the
// host), and a read-only data mount.
type escapeFixture struct {
	outside, secret, ws, data string
}

func newEscapeFixture(t *testing.T) escapeFixture {
	t.Helper()
	f := escapeFixture{outside: t.TempDir(), ws: t.TempDir(), data: t.TempDir()}
	f.secret = filepath.Join(f.outside, "secret.txt")
	for _, err := range []error{
		os.WriteFile(f.secret, []byte("TOPSECRET"), 0o600),
		os.Symlink(f.secret, filepath.Join(f.ws, "link.txt")),
		os.Symlink(f.outside, filepath.Join(f.ws, "linkdir")),
		os.WriteFile(filepath.Join(f.data, "in.txt"), []byte("readable"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// policy mounts the workspace at /app and the data read-only at /data.
func (f escapeFixture) policy() Policy {
	return Policy{Workspace: f.ws, Mounts: []Mount{{Host: f.data, Guest: "/data"}}}
}

// check fails if any attempt changed something outside the workspace.
func (f escapeFixture) check(t *testing.T) {
	t.Helper()
	if b, err := os.ReadFile(f.secret); err != nil || string(b) != "TOPSECRET" {
		t.Fatalf("secret changed: %q %v", b, err)
	}
	for _, p := range []string{filepath.Join(f.outside, "new.txt"), filepath.Join(f.data, "out.txt"), filepath.Join(f.data, "d")} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s was written", p)
		}
	}
	if entries, _ := os.ReadDir(f.data); len(entries) != 1 {
		t.Fatalf("read-only mount changed: %v", entries)
	}
}

// runConcurrently starts n executions at once, the i-th running code(i),
// and fails unless each succeeds with the stdout want.
func runConcurrently(t *testing.T, sb Sandbox, n int, code func(i int) string, want string) {
	t.Helper()
	var wg sync.WaitGroup
	results := make([]*Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { results[i], errs[i] = sb.Execute(context.Background(), code(i)) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		wantOutcome(t, results[i], OutcomeOK)
		if results[i].Stdout != want {
			t.Fatalf("execution %d saw another: %q", i, results[i].Stdout)
		}
	}
}
