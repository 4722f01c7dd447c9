package sandbox

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// testHome is the runtime directory every test shares. It honours
// WASMSANDBOX_HOME like the CLI, so the runtimes are fetched and compiled
// once per machine, not once per test run.
var testHome string

func TestMain(m *testing.M) {
	home, err := runtimes.Home("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "runtime home:", err)
		os.Exit(1)
	}
	testHome = home
	for _, a := range []runtimes.Artifact{runtimes.Python, runtimes.JavaScript} {
		if _, err := runtimes.Ensure(context.Background(), home, a, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "installing runtime:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
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
