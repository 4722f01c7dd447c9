package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox/internal/session"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// A guest stopped by a limit keeps the previous state, even when it arranged
// to save its globals on the way out (an atexit hook that then burns fuel).
func TestSessionStateNotSavedWhenALimitStopsTheGuest(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true, Policy: Policy{FuelBudget: 1_500_000_000}})
	wantOutcome(t, execIn(t, s, "x = 1"), OutcomeOK)
	res := execIn(t, s, "import atexit\nx = 41\natexit.register(lambda: exec('while True: pass'))")
	wantOutcome(t, res, OutcomeOutOfFuel)
	res = execIn(t, s, "print(x)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "1\n" {
		t.Fatalf("state after a limit: %q, want the previous 1", res.Stdout)
	}
}

// The state stage a persisting Python session mounts is watched against
// its own limit (twice the state cap and a little), so it cannot be used to
// fill the disk; the saved globals in it do not count towards the
// workspace's limit.
func TestSessionStateStageIsLimited(t *testing.T) {
	st, ev := newStore(t)
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true, StateMaxBytes: 1 << 20, Policy: Policy{Timeout: 20 * time.Second}})
	res := execIn(t, s, "import time\nf = open('/.wasmsandbox-state/junk', 'wb')\nwhile True:\n    f.write(b'x' * 65536)\n    time.sleep(0.001)")
	wantOutcome(t, res, OutcomeGuestError)
	if res.ExitCode != -1 || !strings.Contains(res.Error, "state directory went over its limit of 3145728 bytes") {
		t.Fatalf("exit %d error %q", res.ExitCode, res.Error)
	}
	// Exactly one event, naming the state limit, not the workspace's.
	if v := ev.find(EventSecurityViolation); len(v) != 1 || v[0]["kind"] != ViolationStateLimit || v[0]["limit"] != "3145728" || v[0]["unit"] != "bytes" {
		t.Fatalf("violations = %v", v)
	}
	// Too many files: a count, not "0 bytes".
	res = execIn(t, s, "import time\nfor i in range(150):\n    open('/.wasmsandbox-state/f%d' % i, 'w').close()\ntime.sleep(5)")
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Error, "state directory went over its limit of 100 files") {
		t.Fatalf("error %q", res.Error)
	}
	if v := ev.find(EventSecurityViolation); len(v) != 2 || v[1]["kind"] != ViolationStateLimit || v[1]["limit"] != "100" || v[1]["unit"] != "entries" {
		t.Fatalf("violations = %v", v)
	}

	// Globals of 700 kB and a 400 kB file fit a 1 MiB workspace: the
	// globals are not workspace files. The run sleeps so that the watchdog
	// looks while the saved globals sit in the stage.
	s = mustCreate(t, st, SessionConfig{AutoPersistGlobals: true, Policy: Policy{WorkspaceMaxBytes: 1 << 20}})
	wantOutcome(t, execIn(t, s, "x = 'g' * 700_000\nopen('f', 'w').write('f' * 400_000)"), OutcomeOK)
	res = execIn(t, s, "import time\ntime.sleep(0.3)\nprint(len(x))")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "700000\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

// A read-only mount overlapping the session store would expose other
// sessions' files (or make them writable through the workspace): refused at
// creation, naming the mount.
func TestSessionRefusesMountsOverTheStore(t *testing.T) {
	root := t.TempDir()
	st, err := OpenSessionStore(root, WithRuntimeDir(testHome))
	if err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(root, "peek")
	if err := os.Mkdir(inside, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, host := range map[string]string{"inside the store": inside, "containing the store": filepath.Dir(root)} {
		t.Run(name, func(t *testing.T) {
			_, err := st.Create(context.Background(), SessionConfig{Policy: Policy{Mounts: []Mount{{Host: host, Guest: "/data"}}}})
			if !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), "mounts[0].host") {
				t.Fatalf("Create = %v", err)
			}
		})
	}
}

// In a session that persists globals, a reason the host gives (here: the
// workspace cannot be measured) is not replaced by a line of stderr.
func TestSessionKeepsTheHostsReason(t *testing.T) {
	noWatchdog(t)
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true})
	res := execIn(t, s, fmt.Sprintf("import os\nos.makedirs('a/' * %d)", workspace.MaxDepth+10))
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Error, "could not be measured") {
		t.Fatalf("error = %q", res.Error)
	}
	if _, err := s.Execute(context.Background(), "print(1)"); !errors.Is(err, ErrWorkspaceFull) {
		t.Fatalf("next run: %v, want ErrWorkspaceFull", err)
	}
}

func TestSessionIDLimitMatchesTheStore(t *testing.T) {
	if MaxSessionIDLen != session.MaxIDLen {
		t.Fatalf("MaxSessionIDLen = %d, internal/session accepts %d", MaxSessionIDLen, session.MaxIDLen)
	}
}

// TestSessionLeftoversAreCleaned: what a process killed during a save or an
// execution leaves in a session (temporary state files, the stage) is
// removed by the next execution, and by Reset.
func TestSessionLeftoversAreCleaned(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true})
	wantOutcome(t, execIn(t, s, "x = 1"), OutcomeOK)
	plant := func() []string {
		tmp := filepath.Join(s.stateDir(), session.StateFile+".tmp-123")
		if err := os.WriteFile(tmp, make([]byte, 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
		stage := filepath.Join(s.stageDir(), "out")
		if err := os.MkdirAll(filepath.Dir(stage), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stage, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{tmp, s.stageDir()}
	}
	left := plant()
	res := execIn(t, s, "print(x)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "1\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived an execution", p)
		}
	}
	left = plant()
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived Reset", p)
		}
	}
}
