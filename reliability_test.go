package sandbox

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDeepScriptInPersistingSession is the red-team report's attack on the
// whole process: a 4 MiB script of "let [[[[..." in a JavaScript session
// that keeps its globals. The declaration scanner that runs on the host
// before the script used to recurse once per bracket until Go's stack
// overflow killed the process (at 1 MiB, ~390 MB of stack). Now the
// execution ends as the guest's own syntax error, a note says why the
// globals were not saved, and the previous globals are still there.
func TestDeepScriptInPersistingSession(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{
		Runtime:            JavaScript,
		AutoPersistGlobals: true,
		Policy:             Policy{MaxCodeBytes: 8 << 20},
	})
	wantOutcome(t, execIn(t, s, "const kept = 'yes'"), OutcomeOK)

	res := execIn(t, s, "let "+strings.Repeat("[", 4<<20))
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Stderr, "Uncaught SyntaxError: variable name expected") {
		t.Errorf("stderr %.1000q, want QuickJS's SyntaxError", res.Stderr)
	}
	if !strings.Contains(res.Stderr, "wasmsandbox: globals not persisted (the script nests destructuring patterns or template substitutions more than 1000 deep, too deep to find its declarations); the previous ones are kept") {
		t.Errorf("stderr %.1000q", res.Stderr)
	}

	res = execIn(t, s, "console.log(kept)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "yes\n" {
		t.Errorf("stdout %q, want the globals saved before the attack", res.Stdout)
	}
}

func TestLoadPolicyRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "p.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte("#"+strings.Repeat("x", 2<<20)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dev/zero", fifo, dir, big} {
		if _, err := LoadPolicy(p); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("LoadPolicy(%s) = %v, want ErrInvalidPolicy", p, err)
		}
	}
}

// TestSessionBookkeepingFailureKeepsTheResult: when the session's globals
// or metadata cannot be saved after the code ran (a full disk; here an
// immutable directory, which stops root too), the Result still comes back,
// with the failure in its warnings, and the code's files are there.
func TestSessionBookkeepingFailureKeepsTheResult(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true})
	if out, err := exec.Command("chattr", "+i", s.stateDir()).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", s.stateDir()).Run()
	res, err := s.Execute(ctx, "x = 41\nopen('made.txt', 'w').write('x')\nprint('ran')")
	if err != nil || res == nil {
		t.Fatalf("Execute = %v, %v; want the Result", res, err)
	}
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "ran\n" || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "globals were not saved") || len(res.FilesCreated) != 1 {
		t.Fatalf("stdout %q warnings %q created %v", res.Stdout, res.Warnings, res.FilesCreated)
	}
}

// TestPersistingSessionRunsOnAFullDisk: when the stage for a session's
// globals cannot be made (a full disk; here an immutable session
// directory), the code still runs, so that it can free space, and the
// result says its globals were not staged.
func TestPersistingSessionRunsOnAFullDisk(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true})
	if err := s.WriteFile(ctx, "big.bin", make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	wantOutcome(t, execIn(t, s, "x = 1"), OutcomeOK)
	if out, err := exec.Command("chattr", "+i", s.dir).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", s.dir).Run()
	res, err := s.Execute(ctx, "import os\nos.remove('big.bin')\nprint('freed')")
	if err != nil || res == nil {
		t.Fatalf("Execute = %v, %v", res, err)
	}
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "freed\n" || len(res.FilesDeleted) != 1 || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "could not be staged") {
		t.Fatalf("stdout %q deleted %v warnings %q", res.Stdout, res.FilesDeleted, res.Warnings)
	}
	exec.Command("chattr", "-i", s.dir).Run()
	// Once there is room again, the saved globals are there as before.
	res = execIn(t, s, "print(x)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "1\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
}
