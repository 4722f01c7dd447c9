package mcpserver

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
)

// newSession creates a session through the tool and returns its info.
func newSession(t *testing.T, cs *mcp.ClientSession, args map[string]any) SessionInfo {
	t.Helper()
	var info SessionInfo
	callOK(t, cs, "create_session", args, &info)
	if info.SessionID == "" {
		t.Fatalf("create_session(%v) returned no session_id", args)
	}
	return info
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir(), SessionTTL: time.Hour})
	before := time.Now()
	info := newSession(t, cs, map[string]any{"language": "python"})
	if info.Language != "python" || info.AutoPersistGlobals || info.Workspace != "/app" || info.Files != 0 || info.Executions != 0 ||
		info.Limits != (ExecLimits{FuelBudget: sandbox.DefaultFuelBudget, MemoryBytes: sandbox.DefaultMemoryBytes, TimeoutSeconds: 30}) {
		t.Errorf("create_session = %+v", info)
	}
	if info.CreatedAt.Before(before.Add(-time.Second)) || info.ExpiresAt.Sub(info.LastUsedAt) != time.Hour {
		t.Errorf("times: created %v, last used %v, expires %v", info.CreatedAt, info.LastUsedAt, info.ExpiresAt)
	}
	id := info.SessionID

	// Turn 1 writes a file; turn 2 reads it.
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python",
		"code": "import os\nos.makedirs('data', exist_ok=True)\nopen('data/n.txt', 'w').write('41')\nprint('saved')"}, &res)
	if res.SessionID != id || res.Stdout != "saved\n" || !slices.Equal(res.FilesCreated, []string{"data/n.txt"}) {
		t.Errorf("turn 1 = %+v", res)
	}
	callOK(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python",
		"code": "print(int(open('/app/data/n.txt').read()) + 1)"}, &res)
	if res.Stdout != "42\n" {
		t.Errorf("turn 2 stdout = %q, want 42", res.Stdout)
	}

	// The file tools see the same workspace.
	var lf ListFilesOutput
	callOK(t, cs, "list_files", map[string]any{"session_id": id}, &lf)
	if lf.Workspace != "/app" || len(lf.Files) != 2 || lf.Files[0].Path != "data" || lf.Files[0].Type != "dir" ||
		lf.Files[1].Path != "data/n.txt" || lf.Files[1].Size != 2 || lf.TotalBytes != 2 {
		t.Errorf("list_files = %+v", lf)
	}
	var rf ReadFileOutput
	callOK(t, cs, "read_file", map[string]any{"session_id": id, "path": "data/n.txt"}, &rf)
	if rf.Content != "41" || rf.Encoding != "utf-8" || rf.Size != 2 {
		t.Errorf("read_file = %+v", rf)
	}
	callOK(t, cs, "read_file", map[string]any{"session_id": id, "path": "/app/data/n.txt"}, &rf)
	var wf WriteFileOutput
	callOK(t, cs, "write_file", map[string]any{"session_id": id, "path": "in/config.json", "content": `{"k": "ü"}`}, &wf)
	if wf.BytesWritten != int64(len(`{"k": "ü"}`)) || wf.Path != "in/config.json" {
		t.Errorf("write_file = %+v", wf)
	}
	callOK(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python",
		"code": "import json\nprint(json.load(open('in/config.json'))['k'])"}, &res)
	if res.Stdout != "ü\n" {
		t.Errorf("code reads %q from the written file", res.Stdout)
	}
	callOK(t, cs, "write_file", map[string]any{"session_id": id, "path": "gone/x.txt", "content": "12345"}, &wf)
	var df DeleteFileOutput
	callOK(t, cs, "delete_file", map[string]any{"session_id": id, "path": "gone"}, &df)
	if df.Path != "gone" || df.BytesFreed != 5 {
		t.Errorf("delete_file = %+v", df)
	}
	if miss := callBadFile(t, cs, "delete_file", map[string]any{"session_id": id, "path": "gone/x.txt"}); !strings.Contains(miss, "no such file") {
		t.Errorf("deleting a deleted file: %q", miss)
	}

	var gi SessionInfo
	callOK(t, cs, "get_workspace_info", map[string]any{"session_id": id}, &gi)
	if gi.SessionID != id || gi.Executions != 3 || gi.Files != 2 || gi.WorkspaceBytes == 0 || gi.FuelUsed == 0 ||
		gi.WorkspaceMaxBytes != sandbox.DefaultWorkspaceMaxBytes {
		t.Errorf("get_workspace_info = %+v", gi)
	}

	var rw ResetWorkspaceOutput
	callOK(t, cs, "reset_workspace", map[string]any{"session_id": id}, &rw)
	if rw.FilesDeleted != 2 || rw.BytesFreed != gi.WorkspaceBytes {
		t.Errorf("reset_workspace = %+v (workspace had %d bytes)", rw, gi.WorkspaceBytes)
	}
	callOK(t, cs, "list_files", map[string]any{"session_id": id}, &lf)
	if len(lf.Files) != 0 {
		t.Errorf("after reset, list_files = %+v", lf.Files)
	}
	callOK(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python", "code": "import os; print(os.listdir())"}, &res)
	if res.Stdout != "[]\n" {
		t.Errorf("after reset the code sees %q", res.Stdout)
	}

	var ds DestroySessionOutput
	callOK(t, cs, "destroy_session", map[string]any{"session_id": id}, &ds)
	if !ds.Destroyed || ds.SessionID != id {
		t.Errorf("destroy_session = %+v", ds)
	}
	for _, tool := range []string{"get_workspace_info", "list_files", "destroy_session", "reset_workspace"} {
		we := callBadArg(t, cs, tool, map[string]any{"session_id": id}, "session_id")
		if !strings.Contains(we.Message, "create_session") {
			t.Errorf("%s after destroy: %q does not say to create a session", tool, we.Message)
		}
	}
	callBadArg(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python", "code": "print(1)"}, "session_id")
}

func TestAutoPersistGlobals(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir()})
	info := newSession(t, cs, map[string]any{"language": "python", "auto_persist_globals": true})
	if !info.AutoPersistGlobals {
		t.Errorf("create_session = %+v", info)
	}
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "python", "code": "x = 41\nnames = ['a', 'b']"}, &res)
	callOK(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "python", "code": "print(x + 1, names)"}, &res)
	if res.Stdout != "42 ['a', 'b']\n" {
		t.Errorf("globals not kept: stdout %q, stderr %q", res.Stdout, res.Stderr)
	}

	js := newSession(t, cs, map[string]any{"language": "javascript", "auto_persist_globals": true})
	callOK(t, cs, "execute_code", map[string]any{"session_id": js.SessionID, "language": "javascript", "code": "const n = 41; let list = ['a', 'b']"}, &res)
	callOK(t, cs, "execute_code", map[string]any{"session_id": js.SessionID, "language": "javascript", "code": "console.log(n + 1, list)"}, &res)
	if res.Stdout != "42 [ 'a', 'b' ]\n" {
		t.Errorf("javascript globals not kept: stdout %q, stderr %q", res.Stdout, res.Stderr)
	}

	// Without it, only files persist.
	plain := newSession(t, cs, map[string]any{"language": "python"})
	callOK(t, cs, "execute_code", map[string]any{"session_id": plain.SessionID, "language": "python", "code": "x = 41"}, &res)
	callFailed(t, cs, "execute_code", map[string]any{"session_id": plain.SessionID, "language": "python", "code": "print(x)"}, &res)
	if !strings.Contains(res.Stderr, "NameError") {
		t.Errorf("stderr = %q, want a NameError", res.Stderr)
	}
}

func TestSessionLimits(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir(), Policy: sandbox.Policy{FuelBudget: 4_000_000_000, Timeout: 20 * time.Second}})
	info := newSession(t, cs, map[string]any{"language": "python", "fuel_budget": fuelBomb, "memory_bytes": 32 << 20, "timeout_seconds": 5})
	if info.Limits != (ExecLimits{FuelBudget: fuelBomb, MemoryBytes: 32 << 20, TimeoutSeconds: 5}) {
		t.Errorf("limits = %+v", info.Limits)
	}
	var res sandbox.Result
	r := callFailed(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "python", "code": "while True: pass"}, &res)
	if res.Outcome != sandbox.OutcomeOutOfFuel || res.FuelBudget != fuelBomb || res.SessionID != info.SessionID {
		t.Errorf("fuel bomb in the session = %+v", res)
	}
	if h := text(r); !strings.Contains(h, "at most 4,000,000,000") || !strings.Contains(h, "create another session") {
		t.Errorf("hint does not give the maximum: %s", h)
	}
	// A session's limits are fixed: per-call limits are refused.
	for _, arg := range []string{"fuel_budget", "memory_bytes", "timeout_seconds"} {
		callBadArg(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "python", "code": "pass", arg: 20_000_000}, arg)
	}
	// Asking for more than the server allows is refused, naming the argument.
	callBadArg(t, cs, "create_session", map[string]any{"language": "python", "fuel_budget": 4_000_000_001}, "fuel_budget")
	callBadArg(t, cs, "create_session", map[string]any{"language": "python", "timeout_seconds": 21}, "timeout_seconds")
	callBadArg(t, cs, "create_session", map[string]any{"language": "python", "memory_bytes": 1 << 40}, "memory_bytes")
}

func TestSessionBadArguments(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir(), MaxFileBytes: 100})
	id := newSession(t, cs, map[string]any{"language": "python"}).SessionID
	for _, tc := range []struct {
		tool string
		args map[string]any
		arg  string
	}{
		{"create_session", map[string]any{}, "language"},
		{"create_session", map[string]any{"language": "cobol"}, "language"},
		{"create_session", map[string]any{"language": "python", "auto_persist_globals": "yes"}, "auto_persist_globals"},
		{"create_session", map[string]any{"language": "python", "session_id": "mine"}, "session_id"},
		{"destroy_session", map[string]any{}, "session_id"},
		{"destroy_session", map[string]any{"session_id": "no-such-session"}, "session_id"},
		{"destroy_session", map[string]any{"session_id": "../x"}, "session_id"},
		{"list_files", map[string]any{"session_id": ""}, "session_id"},
		{"list_files", map[string]any{"session_id": id, "path": "data"}, "path"},
		{"get_workspace_info", map[string]any{"session_id": strings.Repeat("a", 65)}, "session_id"},
		{"reset_workspace", map[string]any{"session_id": ".hidden"}, "session_id"},
		{"read_file", map[string]any{"session_id": id}, "path"},
		{"read_file", map[string]any{"session_id": id, "path": ""}, "path"},
		{"read_file", map[string]any{"path": "x.txt"}, "session_id"},
		{"write_file", map[string]any{"session_id": id, "path": "x.txt"}, "content"},
		{"write_file", map[string]any{"session_id": id, "path": "x.txt", "content": strings.Repeat("x", 101)}, "content"},
		{"write_file", map[string]any{"session_id": id, "path": "x.txt", "content": "x", "encoding": "latin1"}, "encoding"},
		{"write_file", map[string]any{"session_id": id, "path": "x.txt", "content": "not base64!", "encoding": "base64"}, "content"},
		{"write_file", map[string]any{"session_id": id, "path": "x\x00y", "content": "x"}, "path"},
		{"execute_code", map[string]any{"session_id": id, "language": "javascript", "code": "1"}, "language"},
	} {
		callBadArg(t, cs, tc.tool, tc.args, tc.arg)
	}
}

func TestSessionFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cs := connect(t, Config{SessionsDir: dir, MaxFileBytes: 100})
	id := newSession(t, cs, map[string]any{"language": "python"}).SessionID

	// Binary files travel as base64 both ways.
	bin := []byte{0, 1, 2, 0xff, 0xfe}
	callOK(t, cs, "write_file", map[string]any{"session_id": id, "path": "b.bin", "content": base64.StdEncoding.EncodeToString(bin), "encoding": "base64"}, nil)
	var rf ReadFileOutput
	callOK(t, cs, "read_file", map[string]any{"session_id": id, "path": "b.bin"}, &rf)
	if got, _ := base64.StdEncoding.DecodeString(rf.Content); rf.Encoding != "base64" || string(got) != string(bin) || rf.Size != 5 {
		t.Errorf("read_file(b.bin) = %+v", rf)
	}

	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python",
		"code": "import os\nopen('big.txt', 'w').write('x' * 101)\nos.mkdir('d')"}, &res)
	// A link planted in the workspace that points out of it.
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, id, "workspace", "link")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ path, want string }{
		{"missing.txt", "no such file"},
		{"../../../../etc/passwd", "outside the workspace /app"},
		{"/etc/passwd", "outside the workspace /app"},
		{"link", "inside the workspace /app"},
		{"big.txt", "larger than 100 bytes"},
		{"d", "is a directory"},
	} {
		r := callFailed(t, cs, "read_file", map[string]any{"session_id": id, "path": tc.path}, nil)
		if msg := text(r); !strings.Contains(msg, tc.want) {
			t.Errorf("read_file(%q) = %q, want it to say %q", tc.path, msg, tc.want)
		}
		if strings.Contains(text(r), os.TempDir()) {
			t.Errorf("read_file(%q) reveals a host path: %q", tc.path, text(r))
		}
	}
	for _, p := range []string{"../outside.txt", "/tmp/outside.txt", "link"} {
		r := callFailed(t, cs, "write_file", map[string]any{"session_id": id, "path": p, "content": "x"}, nil)
		if msg := text(r); !strings.Contains(msg, "inside the workspace /app") {
			t.Errorf("write_file(%q) = %q", p, msg)
		}
	}
}

func TestWorkspaceFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cs := connect(t, Config{SessionsDir: dir, Policy: sandbox.Policy{WorkspaceMaxBytes: 1000}})
	id := newSession(t, cs, map[string]any{"language": "python"}).SessionID
	r := callFailed(t, cs, "write_file", map[string]any{"session_id": id, "path": "x", "content": strings.Repeat("x", 1001)}, nil)
	if !strings.Contains(text(r), "reset_workspace") {
		t.Errorf("write_file over the cap: %q", text(r))
	}
	var res sandbox.Result
	// The guest's writes are metered: the run that tries to overfill the
	// workspace is stopped at the limit, and says so.
	r = callFailed(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python", "code": "open('x', 'w').write('x' * 2000)"}, nil)
	if !strings.Contains(text(r), "workspace limit") {
		t.Fatalf("overfilling run: %q", text(r))
	}
	// A workspace filled past the limit from outside is refused until it
	// is emptied.
	if err := os.WriteFile(filepath.Join(dir, id, "workspace", "big"), make([]byte, 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	r = callFailed(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python", "code": "print(1)"}, nil)
	if !strings.Contains(text(r), "reset_workspace") || r.StructuredContent != nil {
		t.Errorf("execute_code in a full workspace: %q", text(r))
	}
	callOK(t, cs, "reset_workspace", map[string]any{"session_id": id}, nil)
	callOK(t, cs, "execute_code", map[string]any{"session_id": id, "language": "python", "code": "print(1)"}, &res)
}

func TestMaxSessions(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir(), MaxSessions: 2})
	a := newSession(t, cs, map[string]any{"language": "python"})
	newSession(t, cs, map[string]any{"language": "python"})
	r := callFailed(t, cs, "create_session", map[string]any{"language": "python"}, nil)
	if !strings.Contains(text(r), "maximum of 2 sessions") || !strings.Contains(text(r), "destroy_session") {
		t.Errorf("third session: %q", text(r))
	}
	callOK(t, cs, "destroy_session", map[string]any{"session_id": a.SessionID}, nil)
	newSession(t, cs, map[string]any{"language": "python"})
}

func TestSessionTTL(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir(), SessionTTL: time.Second})
	id := newSession(t, cs, map[string]any{"language": "python"}).SessionID
	callOK(t, cs, "get_workspace_info", map[string]any{"session_id": id}, nil)
	time.Sleep(1500 * time.Millisecond)
	we := callBadArg(t, cs, "get_workspace_info", map[string]any{"session_id": id}, "session_id")
	if !strings.Contains(we.Message, "after 1s unused") {
		t.Errorf("expired session: %q", we.Message)
	}
}

// TestForeignSession: a session made outside the server in the same
// directory is usable when its policy is within the server's, and refused
// when it allows more.
func TestForeignSession(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := sandbox.OpenSessionStore(dir, sandbox.WithRuntimeDir(testHome))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	small, err := st.Create(ctx, sandbox.SessionConfig{ID: "small", Policy: sandbox.Policy{FuelBudget: 2_000_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	big, err := st.Create(ctx, sandbox.SessionConfig{ID: "big", Policy: sandbox.Policy{FuelBudget: 9_000_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	mounted, err := st.Create(ctx, sandbox.SessionConfig{ID: "mounted", Policy: sandbox.Policy{Mounts: []sandbox.Mount{{Host: t.TempDir(), Guest: "/host"}}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, Config{SessionsDir: dir, Policy: sandbox.Policy{FuelBudget: 3_000_000_000}})
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"session_id": small.ID(), "language": "python", "code": "print('ok')"}, &res)
	we := callBadArg(t, cs, "execute_code", map[string]any{"session_id": big.ID(), "language": "python", "code": "print('no')"}, "session_id")
	if !strings.Contains(we.Message, "fuel_budget") {
		t.Errorf("big session: %q", we.Message)
	}
	callBadArg(t, cs, "read_file", map[string]any{"session_id": mounted.ID(), "path": "x"}, "session_id")
}

func TestSessionsDisabled(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{})
	r := callFailed(t, cs, "create_session", map[string]any{"language": "python"}, nil)
	if !strings.Contains(text(r), "not enabled") {
		t.Errorf("create_session without a store: %q", text(r))
	}
	callFailed(t, cs, "list_files", map[string]any{"session_id": "abc"}, nil)
}

// TestServe runs the server over its stdio transport on pipes, and checks
// that it prunes expired sessions by itself while it serves.
func TestServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := Config{SessionsDir: dir, SessionTTL: time.Second, RuntimeHome: testHome}
	cin, sout := io.Pipe()
	sin, cout := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, cfg, sin, sout) }()

	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.IOTransport{Reader: cin, Writer: cout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cs.InitializeResult().ServerInfo.Name; got != "wasmsandbox" {
		t.Errorf("server name = %q", got)
	}
	id := newSession(t, cs, map[string]any{"language": "python"}).SessionID
	st, err := sandbox.OpenSessionStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := st.Open(id); errors.Is(err, sandbox.ErrSessionNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired session was not pruned while the server was idle")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The client goes away: Serve returns nil.
	cs.Close()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve after the client left = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the client left")
	}
	if _, err := os.Stat(filepath.Join(dir, id)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("session directory: %v", err)
	}
}

// callBadFile calls a file tool that must fail with a tool error, and
// returns its text.
func callBadFile(t *testing.T, cs *mcp.ClientSession, name string, args any) string {
	t.Helper()
	res, err := call(t, cs, name, args)
	if err != nil || !res.IsError {
		t.Fatalf("%s(%v) = %v, %+v; want a tool error", name, args, err, res)
	}
	return text(res)
}

// TestMaxSessionsAcrossServers: three servers sharing one session directory
// (each with its own in-process lock, as three processes would be) create
// sessions at once; the store's lock keeps the total at the maximum.
func TestMaxSessionsAcrossServers(t *testing.T) {
	dir := t.TempDir()
	var clients []*mcp.ClientSession
	for range 3 {
		clients = append(clients, connect(t, Config{SessionsDir: dir, MaxSessions: 3}))
	}
	var wg sync.WaitGroup
	for _, cs := range clients {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "create_session", Arguments: map[string]any{"language": "python"}})
				if err != nil || (res.IsError && !strings.Contains(text(res), "maximum of 3 sessions")) {
					t.Errorf("create_session: %v %v", err, res)
				}
			}()
		}
	}
	wg.Wait()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d sessions in the directory, want 3", n)
	}
}
