package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSessionPersistGlobalsJavaScript(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{Runtime: JavaScript, AutoPersistGlobals: true})

	// Turn 1: JSON-serialisable globals are kept, whatever declared them;
	// a function, a Map and a class are not, and are named.
	res := execIn(t, s, `const a = 1; let b = {x: [1, 'two']}; var c = 'c'; d = 4; function f() {}; const m = new Map(); class K {}`)
	wantOutcome(t, res, OutcomeOK)
	if got := slices.Sorted(slices.Values(res.GlobalsNotPersisted)); !slices.Equal(got, []string{"K", "f", "m"}) {
		t.Errorf("globals_not_persisted = %q, want [K f m]", got)
	}
	for _, w := range []string{"wasmsandbox: not persisted: ", "f (function)", "m (Map)", "K (class)"} {
		if !strings.Contains(res.Stderr, w) {
			t.Errorf("stderr lacks %q: %s", w, res.Stderr)
		}
	}
	// The state is not in the workspace.
	if files, _ := s.ListFiles(""); len(files) != 0 {
		t.Errorf("workspace = %+v", files)
	}

	// Turn 2: they are back; an uncaught error still saves.
	res = execIn(t, s, "console.log(a, JSON.stringify(b), c, d, typeof f, typeof m)\nlet e = 5\nthrow new TypeError('boom')")
	wantOutcome(t, res, OutcomeGuestError)
	if res.Stdout != "1 {\"x\":[1,\"two\"]} c 4 undefined undefined\n" || !strings.Contains(res.Error, "TypeError: boom") {
		t.Fatalf("stdout %q error %q", res.Stdout, res.Error)
	}

	// Turn 3: a restored global can be redeclared at the top level;
	// process.exit saves, and the error is the exit, not a note.
	res = execIn(t, s, "let a = 5; const c = [e]; console.log(a, c); m = new Set(); process.exit(4)")
	if res.ExitCode != 4 || res.Stdout != "5 [ 5 ]\n" || res.Error != "exit code 4" || !slices.Equal(res.GlobalsNotPersisted, []string{"m"}) {
		t.Fatalf("exit %d stdout %q stderr %q error %q not persisted %q", res.ExitCode, res.Stdout, res.Stderr, res.Error, res.GlobalsNotPersisted)
	}

	// Turn 4: everything kept so far, nothing else.
	res = execIn(t, s, "console.log(a, JSON.stringify(b), c, d, e, typeof m)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "5 {\"x\":[1,\"two\"]} [ 5 ] 4 5 undefined\n" || res.Stderr != "" || res.GlobalsNotPersisted != nil {
		t.Fatalf("stdout %q stderr %q not persisted %q", res.Stdout, res.Stderr, res.GlobalsNotPersisted)
	}
	if info, _ := s.Info(); info.StateBytes == 0 || info.Executions != 4 {
		t.Errorf("info = %+v", info)
	}
}

func TestSessionPersistGlobalsJavaScriptModule(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{Runtime: JavaScript, AutoPersistGlobals: true})
	if err := os.WriteFile(filepath.Join(s.WorkspaceDir(), "lib.mjs"), []byte("export const twice = (n) => 2 * n; globalThis.fromLib = 'lib';\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An ES module's own bindings are private; what it puts on globalThis
	// is kept.
	res := execIn(t, s, "import { twice } from './lib.mjs';\nconst hidden = twice(1);\nglobalThis.shown = twice(2);\nglobalThis.fn = twice;")
	wantOutcome(t, res, OutcomeOK)
	if !slices.Equal(res.GlobalsNotPersisted, []string{"fn"}) {
		t.Errorf("globals_not_persisted = %q", res.GlobalsNotPersisted)
	}
	res = execIn(t, s, "console.log(shown, fromLib, typeof hidden, typeof twice, typeof fn)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "4 lib undefined undefined undefined\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
}

func TestSessionPersistGlobalsJavaScriptLimits(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{Runtime: JavaScript, AutoPersistGlobals: true, StateMaxBytes: 4096,
		Policy: Policy{FuelBudget: 500_000_000}})

	wantOutcome(t, execIn(t, s, "let small = 1"), OutcomeOK)
	// Over the limit: nothing of this turn is kept, the previous state is.
	res := execIn(t, s, "const big = 'x'.repeat(10000); small = 2")
	wantOutcome(t, res, OutcomeOK)
	if !strings.Contains(res.Stderr, "over the session's limit of 4.0 KiB") || !strings.Contains(res.Stderr, "big (") ||
		!slices.Contains(res.GlobalsNotPersisted, "big") || !slices.Contains(res.GlobalsNotPersisted, "small") {
		t.Fatalf("stderr %q not persisted %q", res.Stderr, res.GlobalsNotPersisted)
	}
	res = execIn(t, s, "console.log(small, typeof big)")
	if res.Stdout != "1 undefined\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}

	// A limit that stops the guest keeps the previous state too.
	res = execIn(t, s, "small = 3; for (;;) {}")
	wantOutcome(t, res, OutcomeOutOfFuel)
	res = execIn(t, s, "console.log(small)")
	if res.Stdout != "1\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}

	// A payload that is not ours (it passed the checksum, so only a bug
	// could write one) is reported and the guest starts without it.
	dir := s.stateDir()
	if err := writeState(dir, []byte("[not json")); err != nil {
		t.Fatal(err)
	}
	res = execIn(t, s, "console.log(typeof small); fresh = 1")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "undefined\n" || !strings.Contains(res.Stderr, "wasmsandbox: saved globals could not be read (SyntaxError") {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
	if got, _ := readState(dir, s.ID(), 4096); string(got) != `{"fresh":1}` {
		t.Errorf("state = %q", got)
	}
}

func TestSessionWithoutPersistJavaScript(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{Runtime: JavaScript})
	wantOutcome(t, execIn(t, s, "const a = 1; globalThis.b = 2; function f() {}"), OutcomeOK)
	res := execIn(t, s, "console.log(typeof a, typeof b, typeof f)")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "undefined undefined undefined\n" || res.Stderr != "" || res.GlobalsNotPersisted != nil {
		t.Fatalf("stdout %q stderr %q not persisted %q", res.Stdout, res.Stderr, res.GlobalsNotPersisted)
	}
	if _, err := os.Stat(filepath.Join(s.stateDir(), stateFile)); err == nil {
		t.Error("a session without auto_persist_globals saved state")
	}
}
