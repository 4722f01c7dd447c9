package sandbox

import "testing"

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
