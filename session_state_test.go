package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// The state stage a persisting Python session mounts counts towards the
// workspace limit, so it cannot be used to fill the disk either.
func TestSessionStateStageCountsTowardsTheLimit(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true, Policy: Policy{WorkspaceMaxBytes: 1 << 20, Timeout: 20 * time.Second}})
	res := execIn(t, s, "import time\nf = open('/.wasmsandbox-state/junk', 'wb')\nwhile True:\n    f.write(b'x' * 65536)\n    time.sleep(0.001)")
	wantOutcome(t, res, OutcomeGuestError)
	if res.ExitCode != -1 || !strings.Contains(res.Error, "workspace limit") {
		t.Fatalf("exit %d error %q", res.ExitCode, res.Error)
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
