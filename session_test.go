package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox/internal/python"
	"github.com/wasmsandbox/sandbox/internal/session"
)

// eventLog records slog records for tests.
type eventLog struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *eventLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *eventLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r.Clone())
	return nil
}
func (l *eventLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *eventLog) WithGroup(string) slog.Handler      { return l }

// find returns the attributes of every record with message msg.
func (l *eventLog) find(msg string) []map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]string
	for _, r := range l.recs {
		if r.Message != msg {
			continue
		}
		m := map[string]string{}
		r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
		out = append(out, m)
	}
	return out
}

func newStore(t testing.TB, opts ...Option) (*SessionStore, *eventLog) {
	t.Helper()
	ev := &eventLog{}
	st, err := OpenSessionStore(t.TempDir(), append([]Option{WithRuntimeDir(testHome), WithLogger(slog.New(ev))}, opts...)...)
	if err != nil {
		t.Fatalf("OpenSessionStore: %v", err)
	}
	return st, ev
}

func mustCreate(t testing.TB, st *SessionStore, cfg SessionConfig) *Session {
	t.Helper()
	s, err := st.Create(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return s
}

func execIn(t testing.TB, s *Session, code string) *Result {
	t.Helper()
	res, err := s.Execute(context.Background(), code)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	return res
}

func TestSessionIDValidation(t *testing.T) {
	for _, id := range []string{"a", "abc-DEF_123", strings.Repeat("x", 64), NewSessionID()} {
		if err := ValidateSessionID(id); err != nil {
			t.Errorf("ValidateSessionID(%q) = %v", id, err)
		}
	}
	if first, second := NewSessionID(), NewSessionID(); first == second {
		t.Error("NewSessionID repeats")
	}
	parent := t.TempDir()
	root := filepath.Join(parent, "store")
	st, err := OpenSessionStore(root, WithRuntimeDir(testHome))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bad := []string{"", "../x", "..", ".", "a/b", `a\b`, "/etc", "x y", "x\x00y", "é", "a.b", "-rf", "_x",
		strings.Repeat("x", 65), strings.Repeat("../", 30) + "etc"}
	for _, id := range bad {
		errs := map[string]error{}
		if id != "" { // an empty ID asks Create for a new one
			_, errs["Create"] = st.Create(ctx, SessionConfig{ID: id})
		}
		_, errs["Open"] = st.Open(id)
		_, errs["Info"] = st.Info(id)
		errs["Delete"] = st.Delete(ctx, id)
		errs["Reset"] = st.Reset(ctx, id)
		errs["Validate"] = ValidateSessionID(id)
		for op, err := range errs {
			if !errors.Is(err, ErrInvalidSessionID) {
				t.Errorf("%s(%q) = %v, want ErrInvalidSessionID", op, id, err)
			}
		}
	}
	// Nothing was created anywhere: not in the store, not next to it.
	for _, dir := range []string{root, parent} {
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		want := []string(nil)
		if dir == parent {
			want = []string{"store"}
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %q after invalid IDs, want %q", dir, names, want)
		}
	}
	if _, err := st.Open("no-such-session"); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("Open(unknown) = %v, want ErrSessionNotFound", err)
	}
}

func TestDefaultSessionsDir(t *testing.T) {
	t.Setenv(SessionsDirEnv, "/tmp/wsb-sessions")
	if d, err := DefaultSessionsDir(); err != nil || d != "/tmp/wsb-sessions" {
		t.Errorf("with %s: %q, %v", SessionsDirEnv, d, err)
	}
	t.Setenv(SessionsDirEnv, "")
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, err := DefaultSessionsDir(); err != nil || d != "/data/wasmsandbox/sessions" {
		t.Errorf("with XDG_DATA_HOME: %q, %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, err := DefaultSessionsDir(); err != nil || d != "/home/u/.local/share/wasmsandbox/sessions" {
		t.Errorf("default: %q, %v", d, err)
	}
}

func TestSessionCreateConflicts(t *testing.T) {
	st, ev := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{ID: "one", Policy: Policy{FuelBudget: 2_000_000_000}})
	if got := ev.find(EventSessionCreated); len(got) != 1 || got[0]["session_id"] != "one" || got[0]["runtime"] != "python" {
		t.Errorf("session.created events = %v", got)
	}
	if _, err := st.Create(ctx, SessionConfig{ID: "one"}); !errors.Is(err, ErrSessionExists) {
		t.Errorf("Create(existing) = %v, want ErrSessionExists", err)
	}
	if _, err := st.Create(ctx, SessionConfig{Policy: Policy{Workspace: t.TempDir()}}); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("Create with a workspace = %v, want ErrInvalidPolicy", err)
	}
	if _, err := st.Create(ctx, SessionConfig{Policy: Policy{FuelBudget: -1}}); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("Create with a bad policy = %v, want ErrInvalidPolicy", err)
	}
	if _, err := st.Create(ctx, SessionConfig{Policy: Policy{Mounts: []Mount{{Host: t.TempDir(), Guest: python.StateGuestDir}}}}); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("Create mounting over the state directory = %v, want ErrInvalidPolicy", err)
	}
	if _, err := st.Create(ctx, SessionConfig{Runtime: "cobol"}); !errors.Is(err, ErrUnknownRuntime) {
		t.Errorf("Create(cobol) = %v, want ErrUnknownRuntime", err)
	}
	if _, err := New(JavaScript, WithRuntimeDir(testHome), WithSession(s)); !errors.Is(err, ErrSessionConflict) {
		t.Errorf("New(javascript, python session) = %v, want ErrSessionConflict", err)
	}
	if _, err := New(Python, WithRuntimeDir(testHome), WithSession(s), WithPolicy(Policy{})); !errors.Is(err, ErrSessionConflict) {
		t.Errorf("New(WithSession, WithPolicy) = %v, want ErrSessionConflict", err)
	}
	if _, err := OpenSessionStore(t.TempDir(), WithPolicy(Policy{})); !errors.Is(err, ErrSessionConflict) {
		t.Errorf("OpenSessionStore(WithPolicy) = %v, want ErrSessionConflict", err)
	}
	sb, err := New(Python, WithRuntimeDir(testHome), WithSession(s))
	if err != nil {
		t.Fatal(err)
	}
	if p := sb.Policy(); p.FuelBudget != 2_000_000_000 || p.Workspace != s.WorkspaceDir() || p.MemoryBytes != DefaultMemoryBytes {
		t.Errorf("sandbox policy = %+v", p)
	}
	// The policy survives a reopen.
	s2, err := st.Open("one")
	if err != nil {
		t.Fatal(err)
	}
	if s2.Policy().FuelBudget != 2_000_000_000 || s2.Runtime() != Python {
		t.Errorf("reopened session: %+v %s", s2.Policy(), s2.Runtime())
	}
}

func TestSessionMultiTurnFiles(t *testing.T) {
	st, ev := newStore(t)
	s := mustCreate(t, st, SessionConfig{})

	res := execIn(t, s, "import os\nos.makedirs('out', exist_ok=True)\nopen('out/notes.txt', 'w').write('turn 1\\n')\nx = 1\n")
	wantOutcome(t, res, OutcomeOK)
	if res.SessionID != s.ID() || !slices.Equal(res.FilesCreated, []string{"out/notes.txt"}) {
		t.Fatalf("session_id %q files_created %q", res.SessionID, res.FilesCreated)
	}
	fuel := res.FuelConsumed

	// The second turn goes through New + WithSession and sees the file,
	// but not the variable: this session does not persist globals.
	sb, err := New(Python, WithRuntimeDir(testHome), WithSession(s), WithLogger(slog.New(ev)))
	if err != nil {
		t.Fatal(err)
	}
	res = run(t, sb, "print(open('/app/out/notes.txt').read(), end='')\nopen('out/notes.txt', 'a').write('turn 2\\n')\nprint('x' in globals())")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "turn 1\nFalse\n" || !slices.Equal(res.FilesModified, []string{"out/notes.txt"}) || res.SessionID != s.ID() {
		t.Fatalf("stdout %q modified %q session %q", res.Stdout, res.FilesModified, res.SessionID)
	}
	if res.GlobalsNotPersisted != nil {
		t.Errorf("globals_not_persisted = %q without auto_persist_globals", res.GlobalsNotPersisted)
	}
	fuel += res.FuelConsumed
	for _, e := range ev.find(EventExecutionStart) {
		if e["session_id"] != s.ID() {
			t.Errorf("execution.start session_id = %q", e["session_id"])
		}
	}
	data, err := s.ReadFile("out/notes.txt", 0)
	if err != nil || string(data) != "turn 1\nturn 2\n" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	info, err := s.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Executions != 2 || info.FuelUsed != fuel || info.WorkspaceBytes != 14 || !info.LastUsedAt.After(info.CreatedAt) {
		t.Errorf("info = %+v (fuel want %d)", info, fuel)
	}
}

func TestSessionPersistGlobals(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true})

	// Turn 1: picklable values are kept; a lambda, an open file, a module,
	// a function, a class and its instance are not, and are named.
	res := execIn(t, s, `import os
x = 41
data = {"a": [1, 2], "t": (3, "four")}
f = lambda: 1
fh = open("t.txt", "w")
def g(): pass
class C: pass
c = C()
`)
	wantOutcome(t, res, OutcomeOK)
	want := []string{"C", "c", "f", "fh", "g", "os"}
	if got := slices.Sorted(slices.Values(res.GlobalsNotPersisted)); !slices.Equal(got, want) {
		t.Errorf("globals_not_persisted = %q, want %q", got, want)
	}
	for _, w := range []string{"wasmsandbox: not persisted:", "f (lambda)", "fh (TextIOWrapper)", "os (module)"} {
		if !strings.Contains(res.Stderr, w) {
			t.Errorf("stderr lacks %q: %s", w, res.Stderr)
		}
	}
	// The state is not in the workspace.
	if files, _ := s.ListFiles(""); len(files) != 1 || files[0].Path != "t.txt" {
		t.Errorf("workspace = %+v", files)
	}

	// Turn 2: the kept values are back; a raised exception still saves.
	res = execIn(t, s, "print(x + 1, data, 'f' in globals(), 'fh' in globals())\ny = 2\nraise ValueError('boom')")
	wantOutcome(t, res, OutcomeGuestError)
	if res.Stdout != "42 {'a': [1, 2], 't': (3, 'four')} False False\n" || !strings.Contains(res.Error, "ValueError: boom") {
		t.Fatalf("stdout %q error %q", res.Stdout, res.Error)
	}

	// Turn 3: sys.exit saves too, and the error is the exit, not our note.
	res = execIn(t, s, "import sys\nprint(y)\nz = 3\nsys.exit(4)")
	if res.ExitCode != 4 || res.Stdout != "2\n" || res.Error != "exit code 4" || !slices.Equal(res.GlobalsNotPersisted, []string{"sys"}) {
		t.Fatalf("exit %d stdout %q error %q not persisted %q", res.ExitCode, res.Stdout, res.Error, res.GlobalsNotPersisted)
	}

	// Turn 4: everything so far, and nothing that was not kept.
	res = execIn(t, s, "print(sorted(k for k in globals() if not k.startswith('__')))")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "['data', 'x', 'y', 'z']\n" || res.Stderr != "" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
	if info, _ := s.Info(); info.StateBytes == 0 || info.Executions != 4 {
		t.Errorf("info = %+v", info)
	}
}

func TestSessionStateLimitAndCorruption(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true, StateMaxBytes: 4096})

	wantOutcome(t, execIn(t, s, "small = 1"), OutcomeOK)
	// Over the limit: nothing of this turn is kept, the previous state is.
	res := execIn(t, s, "big = 'x' * 10000\nsmall = 2")
	wantOutcome(t, res, OutcomeOK)
	if !strings.Contains(res.Stderr, "over the session's limit") || !strings.Contains(res.Stderr, "big (") ||
		!slices.Contains(res.GlobalsNotPersisted, "big") || !slices.Contains(res.GlobalsNotPersisted, "small") {
		t.Fatalf("stderr %q not persisted %q", res.Stderr, res.GlobalsNotPersisted)
	}
	res = execIn(t, s, "print(small, 'big' in globals())")
	if res.Stdout != "1 False\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}

	// Damaged state is a clear error that names the way out, never a crash.
	statePath := filepath.Join(st.Dir(), s.ID(), "state", session.StateFile)
	good, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"garbage":   []byte("not a state file at all"),
		"truncated": good[:len(good)-3],
		"flipped":   append(slices.Clone(good[:len(good)-1]), good[len(good)-1]^1),
		"empty":     {},
	} {
		if err := os.WriteFile(statePath, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := s.Execute(ctx, "print(1)")
		if !errors.Is(err, ErrSessionCorrupt) || !strings.Contains(err.Error(), "ClearState") {
			t.Errorf("%s state: Execute = %v, want ErrSessionCorrupt naming ClearState", name, err)
		}
	}
	if err := s.ClearState(ctx); err != nil {
		t.Fatal(err)
	}
	res = execIn(t, s, "print('small' in globals())")
	if res.Stdout != "False\n" {
		t.Fatalf("after ClearState: %q", res.Stdout)
	}
}

func TestSessionFileOperations(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{Policy: Policy{WorkspaceMaxBytes: 1000}})

	if err := s.WriteFile(ctx, "data/in.csv", []byte("a,b\n1,2\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile(ctx, "/app/top.txt", []byte("top")); err != nil {
		t.Fatal(err)
	}
	files, err := s.ListFiles("")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, fmt.Sprintf("%s %s %d", f.Path, f.Type, f.Size))
	}
	if want := []string{"data dir 0", "data/in.csv file 8", "top.txt file 3"}; !slices.Equal(got, want) {
		t.Errorf("ListFiles = %q, want %q", got, want)
	}
	if data, err := s.ReadFile("/app/data/in.csv", 100); err != nil || string(data) != "a,b\n1,2\n" {
		t.Errorf("ReadFile = %q, %v", data, err)
	}
	if _, err := s.ReadFile("data/in.csv", 3); !errors.Is(err, ErrFileAccess) || !strings.Contains(err.Error(), "EFBIG") {
		t.Errorf("ReadFile over the limit = %v, want EFBIG", err)
	}
	if _, err := s.ReadFile("missing.txt", 0); !errors.Is(err, ErrFileAccess) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v", err)
	}
	if err := s.WriteFile(ctx, "big.bin", make([]byte, 990)); !errors.Is(err, ErrWorkspaceFull) {
		t.Errorf("WriteFile over workspace_max_bytes = %v, want ErrWorkspaceFull", err)
	}
	// Replacing a file counts its new size, not both.
	if err := s.WriteFile(ctx, "top.txt", make([]byte, 900)); err != nil {
		t.Errorf("WriteFile replacing within the limit = %v", err)
	}
	if err := s.RemoveFile(ctx, "data"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFile(ctx, "."); err == nil {
		t.Error("RemoveFile(workspace root) succeeded")
	}
	if files, _ := s.ListFiles(""); len(files) != 1 || files[0].Path != "top.txt" {
		t.Errorf("after RemoveFile: %+v", files)
	}
}

func TestSessionFileConfinement(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{})
	outside := filepath.Join(filepath.Dir(st.Dir()), "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := s.WorkspaceDir()
	rel, err := filepath.Rel(ws, outside)
	if err != nil {
		t.Fatal(err)
	}
	// The guest plants links that point out of the workspace (WASI lets it
	// create them, never follow them).
	res := execIn(t, s, fmt.Sprintf(`import os
os.symlink(%q, "out")
os.symlink(%q, "secret")
os.symlink("../../../../../../../../etc", "etc")
os.mkdir("sub")
os.symlink("../../state", "sub/state")
print(sorted(os.listdir(".")))`, rel, filepath.Join(rel, "secret")))
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "['etc', 'out', 'secret', 'sub']\n" {
		t.Fatalf("guest made %q (stderr %s)", res.Stdout, res.Stderr)
	}
	for _, name := range []string{"out/secret", "secret", "etc/passwd", "etc/hostname", "sub/state/" + session.StateFile,
		"../state/" + session.StateFile, "../meta.json", "/etc/passwd", "/app/../meta.json", "../../outside/secret", ws + "/../meta.json"} {
		data, err := s.ReadFile(name, 0)
		if err == nil || !errors.Is(err, ErrFileAccess) {
			t.Errorf("ReadFile(%q) = %q, %v; want an ErrFileAccess error", name, data, err)
		}
		if err != nil && !strings.HasPrefix(name, ws) && strings.Contains(err.Error(), st.Dir()) {
			t.Errorf("ReadFile(%q) error shows a host path: %v", name, err)
		}
	}
	for _, name := range []string{"out/new", "etc/evil", "../evil", "/tmp/evil", "sub/state/evil", ""} {
		if err := s.WriteFile(ctx, name, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) succeeded", name)
		}
	}
	for _, name := range []string{"out/secret", "../meta.json", "/etc/passwd"} {
		if err := s.RemoveFile(ctx, name); err == nil {
			t.Errorf("RemoveFile(%q) succeeded", name)
		}
	}
	if _, err := s.ListFiles("out"); err == nil {
		t.Error("ListFiles through a link out of the workspace succeeded")
	}
	if data, err := os.ReadFile(filepath.Join(outside, "secret")); err != nil || string(data) != "secret" {
		t.Fatalf("outside file changed: %q %v", data, err)
	}
	for _, p := range []string{filepath.Join(outside, "new"), filepath.Join(st.Dir(), s.ID(), "evil")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}
	// Links are listed as links, not followed; removing one removes only it.
	files, err := s.ListFiles("")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, f := range files {
		types[f.Path] = f.Type
	}
	if types["out"] != "symlink" || types["etc"] != "symlink" || types["sub/state"] != "symlink" || len(files) != 5 {
		t.Errorf("ListFiles = %+v", files)
	}
	if err := s.RemoveFile(ctx, "out"); err != nil {
		t.Errorf("RemoveFile(link) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "secret")); err != nil {
		t.Errorf("removing the link removed its target: %v", err)
	}
	// Reset and Delete remove links without following them.
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if files, _ := s.ListFiles(""); len(files) != 0 {
		t.Errorf("after Reset: %+v", files)
	}
	if _, err := os.Stat(filepath.Join(outside, "secret")); err != nil {
		t.Errorf("Reset removed a link's target: %v", err)
	}
}

func TestSessionWorkspaceLimit(t *testing.T) {
	st, ev := newStore(t)
	ctx := context.Background()
	// A cold start writes unmetered (from the snapshot the write itself
	// would be refused): whether the watchdog stops this run or it ends
	// first and is reported afterwards depends on timing; either way the
	// next run is refused.
	s := mustCreate(t, st, SessionConfig{Policy: Policy{WorkspaceMaxBytes: 1000, Argv: coldPython.Argv}})

	res := execIn(t, s, "open('big.bin', 'wb').write(b'x' * 2000)")
	if res.Outcome != OutcomeOK && !strings.Contains(res.Error, "workspace limit") {
		t.Fatalf("overfilling run: %s: %s", res.Outcome, res.Error)
	}
	var found bool
	for _, v := range ev.find(EventSecurityViolation) {
		if v["kind"] == ViolationWorkspaceLimit && v["limit"] == "1000" && v["observed"] == "2000" && v["session_id"] == s.ID() && v["unit"] == "bytes" {
			found = true
		}
	}
	if !found {
		t.Errorf("no workspace_limit violation in %v", ev.find(EventSecurityViolation))
	}
	_, err := s.Execute(ctx, "print(1)")
	if !errors.Is(err, ErrWorkspaceFull) || !strings.Contains(err.Error(), "workspace_max_bytes") {
		t.Fatalf("Execute over the limit = %v, want ErrWorkspaceFull", err)
	}
	if info, _ := s.Info(); info.Executions != 1 || info.WorkspaceBytes != 2000 {
		t.Errorf("info = %+v", info)
	}
	if err := s.RemoveFile(ctx, "big.bin"); err != nil {
		t.Fatal(err)
	}
	wantOutcome(t, execIn(t, s, "print(1)"), OutcomeOK)
}

func TestSessionExecutionsSerialize(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	one := mustCreate(t, st, SessionConfig{})
	other := mustCreate(t, st, SessionConfig{})

	// Three executions of one session at once: each writes start and end
	// markers with a sleep between; they must never interleave.
	marker := func(i int) string {
		return fmt.Sprintf(`import time
with open("log.txt", "a") as f: f.write("start %[1]d\n")
time.sleep(0.15)
with open("log.txt", "a") as f: f.write("end %[1]d\n")
print(time.time())`, i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := range 3 {
		wg.Go(func() {
			res, err := one.Execute(ctx, marker(i))
			if err == nil && !res.Success {
				err = fmt.Errorf("%s: %s", res.Outcome, res.Stderr)
			}
			errs <- err
		})
	}
	// Two sessions at once overlap in time.
	spans := make([][2]float64, 2)
	for i, s := range []*Session{other, mustCreate(t, st, SessionConfig{})} {
		wg.Go(func() {
			res, err := s.Execute(ctx, "import time\nprint(time.time())\ntime.sleep(0.5)\nprint(time.time())")
			if err == nil {
				f := strings.Fields(res.Stdout)
				if len(f) == 2 {
					spans[i][0], _ = strconv.ParseFloat(f[0], 64)
					spans[i][1], _ = strconv.ParseFloat(f[1], 64)
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	data, err := one.ReadFile("log.txt", 0)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 6 {
		t.Fatalf("log = %q", data)
	}
	for i := 0; i < 6; i += 2 {
		var a, b int
		if _, err := fmt.Sscanf(lines[i], "start %d", &a); err != nil {
			t.Fatalf("log line %d = %q: executions interleaved:\n%s", i, lines[i], data)
		}
		if _, err := fmt.Sscanf(lines[i+1], "end %d", &b); err != nil || a != b {
			t.Fatalf("log line %d = %q after %q: executions interleaved:\n%s", i+1, lines[i+1], lines[i], data)
		}
	}
	if a, b := spans[0], spans[1]; a[0] == 0 || b[0] == 0 || !(a[0] < b[1] && b[0] < a[1]) {
		t.Errorf("executions of two sessions did not overlap: %v %v", a, b)
	}
	if info, _ := one.Info(); info.Executions != 3 {
		t.Errorf("executions = %d", info.Executions)
	}
}

// TestSessionLockHelper is not a test: TestSessionLockAcrossProcesses runs
// the test binary with it to hold a session's lock from another process.
func TestSessionLockHelper(t *testing.T) {
	dir := os.Getenv("WASMSANDBOX_TEST_LOCK_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	unlock, err := session.Lock(context.Background(), dir, filepath.Base(dir))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(700 * time.Millisecond)
	unlock()
	os.Exit(0)
}

func TestSessionLockAcrossProcesses(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{})
	cmd := exec.Command(os.Args[0], "-test.run=^TestSessionLockHelper$")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_TEST_LOCK_DIR="+s.dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
	if _, ok, err := session.TryLock(s.dir, s.ID()); ok || err != nil {
		t.Fatalf("tryLock while another process holds the lock: ok=%v err=%v", ok, err)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Execute(short, "print(1)"); !errors.Is(err, ErrCancelled) {
		t.Fatalf("Execute while locked elsewhere, short deadline = %v, want ErrCancelled", err)
	}
	start := time.Now()
	if err := s.WriteFile(context.Background(), "after.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("WriteFile did not wait for the other process (%v)", waited)
	}
}

// setLastUsed rewrites a session's metadata as if it was last used at t.
func setLastUsed(tb testing.TB, s *Session, at time.Time) {
	tb.Helper()
	m, err := readMeta(s.dir, s.ID())
	if err != nil {
		tb.Fatal(err)
	}
	m.LastUsedAt = at
	if err := writeMeta(s.dir, m); err != nil {
		tb.Fatal(err)
	}
}

func TestSessionPrune(t *testing.T) {
	st, ev := newStore(t)
	ctx := context.Background()
	old1 := mustCreate(t, st, SessionConfig{ID: "old1"})
	old2 := mustCreate(t, st, SessionConfig{ID: "old2"})
	fresh := mustCreate(t, st, SessionConfig{ID: "fresh"})
	if err := old1.WriteFile(ctx, "f.bin", make([]byte, 5000)); err != nil {
		t.Fatal(err)
	}
	setLastUsed(t, old1, time.Now().Add(-72*time.Hour))
	setLastUsed(t, old2, time.Now().Add(-48*time.Hour))
	// A crashed Create and a crashed Delete leave directories behind.
	os.Mkdir(filepath.Join(st.Dir(), ".trash-x-1"), 0o700)

	rep, err := st.Prune(ctx, PruneOptions{OlderThan: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range rep.Deleted {
		ids = append(ids, d.ID)
		if d.Reason != "older_than" {
			t.Errorf("reason = %q", d.Reason)
		}
	}
	if !slices.Equal(ids, []string{"old2", "old1"}) || rep.BytesFreed < 5000 {
		t.Errorf("pruned %q freeing %d", ids, rep.BytesFreed)
	}
	if got := ev.find(EventSessionPruned); len(got) != 2 || got[1]["session_id"] != "old1" {
		t.Errorf("session.pruned events = %v", got)
	}
	for _, id := range []string{"old1", "old2"} {
		if _, err := st.Open(id); !errors.Is(err, ErrSessionNotFound) {
			t.Errorf("Open(%s) after prune = %v", id, err)
		}
	}
	if _, err := os.Stat(filepath.Join(st.Dir(), ".trash-x-1")); err == nil {
		t.Error("Prune left a .trash directory")
	}
	// A handle on a pruned session fails cleanly.
	if _, err := old1.Execute(ctx, "print(1)"); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("Execute in a pruned session = %v", err)
	}
	if err := old1.WriteFile(ctx, "x", nil); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("WriteFile in a pruned session = %v", err)
	}

	// By count: keep the most recently used.
	newer := mustCreate(t, st, SessionConfig{ID: "newer"})
	setLastUsed(t, fresh, time.Now().Add(-time.Minute))
	rep, err = st.Prune(ctx, PruneOptions{MaxSessions: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Deleted) != 1 || rep.Deleted[0].ID != "fresh" || rep.Deleted[0].Reason != "max_sessions" {
		t.Errorf("prune by count = %+v", rep)
	}
	if rep, err := st.Prune(ctx, PruneOptions{}); err != nil || len(rep.Deleted) != 0 {
		t.Errorf("Prune with no rule = %+v, %v", rep, err)
	}
	if list, _ := st.List(); len(list) != 1 || list[0].ID != newer.ID() {
		t.Errorf("List = %+v", list)
	}
}

func TestSessionCrashSafety(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	good := mustCreate(t, st, SessionConfig{ID: "good"})
	trunc := mustCreate(t, st, SessionConfig{ID: "trunc"})
	gone := mustCreate(t, st, SessionConfig{ID: "gone"})

	// A leftover temporary file next to valid metadata is harmless, and
	// the next metadata write cleans it up.
	if err := os.WriteFile(filepath.Join(good.dir, session.MetaFile+".tmp-123"), []byte(`{"vers`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Open("good"); err != nil {
		t.Errorf("Open with a stray temp file = %v", err)
	}
	// Truncated metadata.
	meta, _ := os.ReadFile(trunc.metaPath())
	if err := os.WriteFile(trunc.metaPath(), meta[:len(meta)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	// Metadata lost to a crash between writing the temp file and renaming it.
	if err := os.Rename(gone.metaPath(), filepath.Join(gone.dir, session.MetaFile+".tmp-456")); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"trunc": "not valid", "gone": "interrupted write"} {
		_, err := st.Open(id)
		if !errors.Is(err, ErrSessionCorrupt) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "session rm") {
			t.Errorf("Open(%s) = %v, want ErrSessionCorrupt mentioning %q", id, err, want)
		}
	}
	// A handle opened before the damage fails cleanly too.
	if _, err := trunc.Execute(ctx, "print(1)"); !errors.Is(err, ErrSessionCorrupt) {
		t.Errorf("Execute with truncated metadata = %v", err)
	}
	if _, err := trunc.Info(); !errors.Is(err, ErrSessionCorrupt) {
		t.Errorf("Info with truncated metadata = %v", err)
	}
	list, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, in := range list {
		states[in.ID] = in.Error
	}
	if len(list) != 3 || states["good"] != "" || states["trunc"] == "" || states["gone"] == "" {
		t.Errorf("List = %+v", list)
	}
	// Broken sessions can still be deleted.
	for _, id := range []string{"trunc", "gone"} {
		if err := st.Delete(ctx, id); err != nil {
			t.Errorf("Delete(%s) = %v", id, err)
		}
	}
	if err := good.WriteFile(ctx, "x.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if tmps, _ := filepath.Glob(filepath.Join(good.dir, session.MetaFile+".tmp-*")); len(tmps) != 0 {
		t.Errorf("stray temp files after a metadata write: %q", tmps)
	}
}

func TestSessionResetAndDelete(t *testing.T) {
	st, ev := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{ID: "rd"})
	if err := s.WriteFile(ctx, "a/b.txt", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := st.Reset(ctx, "rd"); err != nil {
		t.Fatal(err)
	}
	if files, err := s.ListFiles(""); err != nil || len(files) != 0 {
		t.Errorf("after Reset: %+v, %v", files, err)
	}
	if got := ev.find(EventSessionReset); len(got) != 1 || got[0]["session_id"] != "rd" || got[0]["bytes"] != "5" {
		t.Errorf("session.reset events = %v", got)
	}
	if err := st.Delete(ctx, "rd"); err != nil {
		t.Fatal(err)
	}
	if got := ev.find(EventSessionDeleted); len(got) != 1 || got[0]["session_id"] != "rd" {
		t.Errorf("session.deleted events = %v", got)
	}
	if err := st.Delete(ctx, "rd"); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("second Delete = %v", err)
	}
	if _, err := s.ReadFile("a/b.txt", 0); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("ReadFile after Delete = %v", err)
	}
	if entries, _ := os.ReadDir(st.Dir()); len(entries) != 0 {
		t.Errorf("store not empty after Delete: %v", entries)
	}
	// The ID can be used again.
	mustCreate(t, st, SessionConfig{ID: "rd"})
}

func TestSessionPersistUnrestorable(t *testing.T) {
	st, _ := newStore(t)
	s := mustCreate(t, st, SessionConfig{AutoPersistGlobals: true})
	// obj pickles (by reference to mymod.Thing), but mymod cannot be
	// imported next time: sys.path starts afresh in every execution, and
	// only the workspace itself is on it.
	wantOutcome(t, execIn(t, s, `import os, sys
os.mkdir("sub")
open("sub/mymod.py", "w").write("class Thing:\n    pass\n")
sys.path.insert(0, "sub")
import mymod
obj = mymod.Thing()
n = 5`), OutcomeOK)
	res := execIn(t, s, "print(n, 'obj' in globals())")
	wantOutcome(t, res, OutcomeOK)
	if res.Stdout != "5 False\n" || !strings.Contains(res.Stderr, "wasmsandbox: not restored: obj (ModuleNotFoundError") ||
		!slices.Equal(res.GlobalsNotPersisted, []string{"obj"}) {
		t.Fatalf("stdout %q stderr %q not persisted %q", res.Stdout, res.Stderr, res.GlobalsNotPersisted)
	}
}
