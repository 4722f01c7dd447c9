package mcpserver

import (
	"context"
	"errors"
	"log/slog"
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

// allTools is every tool the server offers, in DESIGN.md's order.
var allTools = []string{
	"execute_code", "list_runtimes", "create_session", "destroy_session",
	"list_files", "read_file", "write_file", "delete_file", "get_workspace_info", "reset_workspace",
}

func TestListTools(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{SessionsDir: t.TempDir(), Policy: sandbox.Policy{FuelBudget: 3_000_000_000, Timeout: 12 * time.Second}})
	lt, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range lt.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil || tool.OutputSchema == nil {
			t.Errorf("tool %s: description %q, input schema %v, output schema %v: want all three", tool.Name, tool.Description, tool.InputSchema, tool.OutputSchema)
		}
		if tool.Annotations == nil {
			t.Errorf("tool %s has no annotations", tool.Name)
		}
	}
	slices.Sort(names)
	want := slices.Sorted(slices.Values(allTools))
	if !slices.Equal(names, want) {
		t.Errorf("tools = %v, want %v", names, want)
	}

	// The execute_code description tells the model the real limits and
	// what to do on each failure.
	i := slices.IndexFunc(lt.Tools, func(tool *mcp.Tool) bool { return tool.Name == "execute_code" })
	if i < 0 {
		t.Fatal("no execute_code")
	}
	desc := lt.Tools[i].Description
	for _, s := range []string{"3,000,000,000", "12s", "128 MiB", "/app", "no network", "standard library", "session_id", "create_session",
		"guest_error", "out_of_fuel", "memory_limit", "timeout", "trap", "stdout_truncated"} {
		if !strings.Contains(desc, s) {
			t.Errorf("execute_code description lacks %q:\n%s", s, desc)
		}
	}
	in := lt.Tools[i].InputSchema.(map[string]any)
	if req, _ := in["required"].([]any); !slices.Equal(req, []any{"code", "language"}) {
		t.Errorf("execute_code required = %v, want [code language]", in["required"])
	}
	props := in["properties"].(map[string]any)
	for _, p := range []string{"code", "language", "session_id", "fuel_budget", "memory_bytes", "timeout_seconds"} {
		if props[p] == nil {
			t.Errorf("execute_code lacks argument %s", p)
		}
	}
	if max := props["fuel_budget"].(map[string]any)["maximum"]; max != 3e9 {
		t.Errorf("fuel_budget maximum = %v, want 3e9", max)
	}
	if e := props["language"].(map[string]any)["enum"]; len(e.([]any)) != 2 {
		t.Errorf("language enum = %v", e)
	}
	if cs.InitializeResult().Instructions == "" {
		t.Error("no server instructions")
	}
}

func TestExecuteCode(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{})
	var res sandbox.Result
	r := callOK(t, cs, "execute_code", map[string]any{"code": "import sys\nprint(6 * 7)\nprint('to stderr', file=sys.stderr)\nopen('out.txt', 'w').write('x')", "language": "python"}, &res)
	if !res.Success || res.Outcome != sandbox.OutcomeOK || res.ExitCode != 0 || res.Stdout != "42\n" || res.Stderr != "to stderr\n" {
		t.Errorf("result = %+v", res)
	}
	if res.Runtime != sandbox.Python || res.SessionID != "" || res.FuelConsumed == 0 || res.FuelBudget != sandbox.DefaultFuelBudget {
		t.Errorf("result = %+v", res)
	}
	if !slices.Equal(res.FilesCreated, []string{"out.txt"}) {
		t.Errorf("files_created = %v, want [out.txt]", res.FilesCreated)
	}
	if len(r.Content) != 1 {
		t.Errorf("a success has %d content blocks, want 1 (the JSON)", len(r.Content))
	}

	// A fresh throwaway workspace each time: the file is gone.
	callOK(t, cs, "execute_code", map[string]any{"code": "import os\nprint(os.listdir('.'))", "language": "python"}, &res)
	if res.Stdout != "[]\n" {
		t.Errorf("the next call sees %q in its workspace, want []", res.Stdout)
	}

	// Language names are forgiving about case and aliases.
	callOK(t, cs, "execute_code", map[string]any{"code": "print('py')", "language": "Python"}, &res)
	callOK(t, cs, "execute_code", map[string]any{"code": "print('py')", "language": "py"}, &res)
}

func TestExecuteCodeFailures(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{Policy: sandbox.Policy{Timeout: 20 * time.Second}})
	for _, tc := range []struct {
		name    string
		args    map[string]any
		outcome sandbox.Outcome
		hint    string
	}{
		{"exception", map[string]any{"code": "1/0", "language": "python"}, sandbox.OutcomeGuestError, "traceback"},
		{"syntax", map[string]any{"code": "def f(:\n", "language": "python"}, sandbox.OutcomeGuestError, "fix the code"},
		{"exit", map[string]any{"code": "import sys; sys.exit(3)", "language": "python"}, sandbox.OutcomeGuestError, "non-zero exit"},
		{"fuel", map[string]any{"code": "while True: pass", "language": "python", "fuel_budget": fuelBomb}, sandbox.OutcomeOutOfFuel, "at most 40,000,000,000"},
		{"fuel-exponent", map[string]any{"code": "while True: pass", "language": "python", "fuel_budget": 1.5e9}, sandbox.OutcomeOutOfFuel, "larger fuel_budget"},
		{"memory", map[string]any{"code": "x = bytearray(200 * 1024 * 1024)", "language": "python", "memory_bytes": 64 << 20}, sandbox.OutcomeMemoryLimit, "memory"},
		{"timeout", map[string]any{"code": "import time; time.sleep(30)", "language": "python", "timeout_seconds": 0.5}, sandbox.OutcomeTimeout, "at most 20"},
		{"trap", map[string]any{"code": "import os; os.abort()", "language": "python"}, sandbox.OutcomeTrap, "aborted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var res sandbox.Result
			r := callFailed(t, cs, "execute_code", tc.args, &res)
			if res.Outcome != tc.outcome || res.Success || res.Error == "" {
				t.Fatalf("execute_code(%v): outcome %s (success %v, error %q), want %s\nstderr: %.1000s", tc.args, res.Outcome, res.Success, res.Error, tc.outcome, res.Stderr)
			}
			if len(r.Content) != 2 {
				t.Fatalf("content has %d blocks, want 2 (the JSON and a hint)", len(r.Content))
			}
			hint := r.Content[1].(*mcp.TextContent).Text
			if !strings.Contains(hint, tc.hint) {
				t.Errorf("hint %q lacks %q", hint, tc.hint)
			}
		})
	}
}

func TestExecuteCodeBadArguments(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{Policy: sandbox.Policy{FuelBudget: 3_000_000_000, MaxCodeBytes: 1000, Timeout: 10 * time.Second}})
	for _, tc := range []struct {
		args map[string]any
		arg  string
	}{
		{map[string]any{"language": "python"}, "code"},
		{map[string]any{"code": "print(1)"}, "language"},
		{map[string]any{"code": nil, "language": "python"}, "code"},
		{map[string]any{"code": 42, "language": "python"}, "code"},
		{map[string]any{"code": "", "language": "python"}, "code"},
		{map[string]any{"code": "  \n", "language": "python"}, "code"},
		{map[string]any{"code": strings.Repeat("#", 1001), "language": "python"}, "code"},
		{map[string]any{"code": "print(1)", "language": "ruby"}, "language"},
		{map[string]any{"code": "print(1)", "language": []string{"python"}}, "language"},
		{map[string]any{"code": "print(1)", "language": "python", "lang": "python"}, "lang"},
		{map[string]any{"code": "print(1)", "language": "python", "fuel_budget": 3_000_000_001}, "fuel_budget"},
		{map[string]any{"code": "print(1)", "language": "python", "fuel_budget": -1}, "fuel_budget"},
		{map[string]any{"code": "print(1)", "language": "python", "fuel_budget": 1.5}, "fuel_budget"},
		{map[string]any{"code": "print(1)", "language": "python", "fuel_budget": "lots"}, "fuel_budget"},
		{map[string]any{"code": "print(1)", "language": "python", "memory_bytes": 1 << 20}, "memory_bytes"},
		{map[string]any{"code": "print(1)", "language": "python", "memory_bytes": 1 << 30}, "memory_bytes"},
		{map[string]any{"code": "print(1)", "language": "python", "timeout_seconds": 11}, "timeout_seconds"},
		{map[string]any{"code": "print(1)", "language": "python", "timeout_seconds": -1}, "timeout_seconds"},
		{map[string]any{"code": "print(1)", "language": "python", "session_id": 7}, "session_id"},
		{map[string]any{"code": "print(1)", "language": "python", "session_id": "../../etc"}, "session_id"},
	} {
		we := callBadArg(t, cs, "execute_code", tc.args, tc.arg)
		t.Logf("%v -> %s", tc.args, we.Message)
	}

	// Arguments that are not an object at all.
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_code", Arguments: []int{1}})
	if err != nil || !res.IsError || !strings.Contains(text(res), "JSON object") {
		t.Errorf("array arguments: %v, %+v; want a tool result with isError", err, res)
	}
	// An unknown tool is a protocol error too (the SDK's own).
	if _, err := call(t, cs, "run_code", map[string]any{}); err == nil {
		t.Error("unknown tool: no error")
	}
}

func TestJavaScript(t *testing.T) {
	t.Parallel()
	cs := connect(t, Config{})
	_, newErr := sandbox.New(sandbox.JavaScript, sandbox.WithRuntimeDir(testHome))
	var lr ListRuntimesOutput
	callOK(t, cs, "list_runtimes", nil, &lr)
	js := lr.Runtimes[slices.IndexFunc(lr.Runtimes, func(r RuntimeInfo) bool { return r.Language == "javascript" })]

	if errors.Is(newErr, sandbox.ErrNotImplemented) {
		// Until the JavaScript runtime lands, it is listed as unavailable
		// and running it is a tool error that says to use Python.
		if js.Available || !strings.Contains(js.UnavailableReason, "python") {
			t.Errorf("javascript = %+v, want unavailable with a reason", js)
		}
		r := callFailed(t, cs, "execute_code", map[string]any{"code": "console.log(1)", "language": "javascript"}, nil)
		if msg := text(r); !strings.Contains(msg, "javascript runtime is not available") || !strings.Contains(msg, "python") {
			t.Errorf("javascript tool error = %q", msg)
		}
		return
	}
	if newErr != nil {
		t.Fatalf("New(javascript): %v", newErr)
	}
	if !js.Available {
		t.Errorf("javascript = %+v, want available", js)
	}
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"code": "console.log(6 * 7)", "language": "javascript"}, &res)
	if res.Stdout != "42\n" || res.Runtime != sandbox.JavaScript {
		t.Errorf("result = %+v", res)
	}
	callFailed(t, cs, "execute_code", map[string]any{"code": "throw new Error('boom')", "language": "js"}, &res)
	if res.Outcome != sandbox.OutcomeGuestError || !strings.Contains(res.Stderr, "boom") {
		t.Errorf("result = %+v", res)
	}
}

func TestJavaScriptSession(t *testing.T) {
	t.Parallel()
	if _, err := sandbox.New(sandbox.JavaScript, sandbox.WithRuntimeDir(testHome)); err != nil {
		t.Skipf("javascript runtime: %v", err)
	}
	cs := connect(t, Config{SessionsDir: t.TempDir()})
	info := newSession(t, cs, map[string]any{"language": "javascript"})
	if info.Language != "javascript" {
		t.Errorf("create_session = %+v", info)
	}
	callOK(t, cs, "write_file", map[string]any{"session_id": info.SessionID, "path": "n.json", "content": `{"n": 41}`}, nil)
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "javascript",
		"code": "const fs = require('fs');\nconst n = JSON.parse(fs.readFileSync('n.json', 'utf8')).n;\nfs.writeFileSync('out.txt', String(n + 1));"}, &res)
	var rf ReadFileOutput
	callOK(t, cs, "read_file", map[string]any{"session_id": info.SessionID, "path": "out.txt"}, &rf)
	if rf.Content != "42" {
		t.Errorf("out.txt = %q", rf.Content)
	}
	callBadArg(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "python", "code": "print(1)"}, "language")
}

func TestListRuntimes(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cs := connect(t, Config{
		Policy:        sandbox.Policy{MemoryBytes: 64 << 20, Mounts: []sandbox.Mount{{Host: data, Guest: "/data"}}},
		MaxConcurrent: 3, MaxSessions: 7, SessionTTL: time.Hour,
	})
	var out ListRuntimesOutput
	callOK(t, cs, "list_runtimes", map[string]any{}, &out)
	if len(out.Runtimes) != 2 || out.Runtimes[0].Language != "python" || out.Runtimes[1].Language != "javascript" {
		t.Fatalf("runtimes = %+v", out.Runtimes)
	}
	py := out.Runtimes[0]
	if !py.Available || py.UnavailableReason != "" || !strings.Contains(py.Version, "3.12") || !strings.Contains(py.Libraries, "standard library") {
		t.Errorf("python = %+v", py)
	}
	if out.Network || out.Workspace != "/app" || len(out.Mounts) != 1 || out.Mounts[0] != (MountInfo{Path: "/data"}) {
		t.Errorf("environment = network %v, workspace %q, mounts %v", out.Network, out.Workspace, out.Mounts)
	}
	want := Limits{
		FuelBudget: sandbox.DefaultFuelBudget, MemoryBytes: 64 << 20, TimeoutSeconds: 30,
		StdoutMaxBytes: sandbox.DefaultStdoutMaxBytes, StderrMaxBytes: sandbox.DefaultStderrMaxBytes,
		MaxCodeBytes: sandbox.DefaultMaxCodeBytes, MaxFileBytes: DefaultMaxFileBytes, WorkspaceMaxBytes: sandbox.DefaultWorkspaceMaxBytes,
		MaxConcurrent: 3, MaxSessions: 7, SessionTTLSeconds: 3600,
	}
	if out.Limits != want {
		t.Errorf("limits = %+v\nwant %+v", out.Limits, want)
	}
	// It takes no arguments.
	callBadArg(t, cs, "list_runtimes", map[string]any{"language": "python"}, "language")
}

func TestMountsAreReadOnly(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "in.csv"), []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cs := connect(t, Config{Policy: sandbox.Policy{Mounts: []sandbox.Mount{{Host: data, Guest: "/data"}}}})
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"code": "print(open('/data/in.csv').read().splitlines()[1])", "language": "python"}, &res)
	if res.Stdout != "1,2\n" {
		t.Errorf("stdout = %q", res.Stdout)
	}
	callFailed(t, cs, "execute_code", map[string]any{"code": "open('/data/new.txt', 'w').write('x')", "language": "python"}, &res)
	if _, err := os.Stat(filepath.Join(data, "new.txt")); err == nil {
		t.Error("the guest wrote into a read-only mount")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{Policy: sandbox.Policy{FuelBudget: -1}},
		{Policy: sandbox.Policy{Workspace: t.TempDir()}},
		{Policy: sandbox.Policy{Mounts: []sandbox.Mount{{Host: "/does/not/exist", Guest: "/data"}}}},
	} {
		if _, err := New(cfg); !errors.Is(err, sandbox.ErrInvalidPolicy) {
			t.Errorf("New(%+v) = %v, want ErrInvalidPolicy", cfg.Policy, err)
		}
	}
}

// TestConcurrencyQueued runs more executions than --max-concurrent at once:
// they all succeed, and no more than the maximum ever run together.
func TestConcurrencyQueued(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	cs := connect(t, Config{MaxConcurrent: 2, Logger: slog.New(rec)})
	const calls = 6
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := call(t, cs, "execute_code", map[string]any{"code": "import time; time.sleep(0.2); print('done')", "language": "python"})
			switch {
			case err != nil:
				errs <- err
			case res.IsError:
				errs <- errors.New(text(res))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent call: %v", err)
	}
	running, peak := 0, 0
	for _, m := range rec.messages(sandbox.EventExecutionStart, sandbox.EventExecutionComplete) {
		if m == sandbox.EventExecutionStart {
			running++
		} else {
			running--
		}
		peak = max(peak, running)
	}
	if peak != 2 {
		t.Errorf("at most %d executions ran at once, want 2 (max_concurrent)", peak)
	}
}

// TestCancelStopsGuest cancels a call mid-execution, and then a client
// goes away mid-call: either way the guest stops at once and its slot is
// free for the next call.
func TestCancelStopsGuest(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	cfg := Config{MaxConcurrent: 1, Logger: slog.New(rec), RuntimeHome: testHome}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := connectServer(t, srv)
	spin := map[string]any{"code": "while True: pass", "language": "python"}

	// 1. The client cancels the call.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_code", Arguments: spin})
		done <- err
	}()
	rec.waitFor(t, sandbox.EventExecutionStart, 1, 30*time.Second)
	cancel()
	if err := <-done; err == nil {
		t.Error("cancelled call returned no error")
	}
	rec.waitFor(t, sandbox.EventExecutionComplete, 1, 30*time.Second)
	if v, _ := rec.attr(sandbox.EventExecutionComplete, 0, "duration_ms"); v.Int64() > 10_000 {
		t.Errorf("the cancelled guest ran %d ms", v.Int64())
	}

	// The slot is free again.
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"code": "print('next')", "language": "python"}, &res)

	// 2. A second client vanishes mid-call: its connection closes.
	cs2 := connectServer(t, srv)
	go func() {
		_, err := cs2.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_code", Arguments: spin})
		done <- err
	}()
	rec.waitFor(t, sandbox.EventExecutionStart, 3, 30*time.Second)
	cs2.Close()
	<-done
	rec.waitFor(t, sandbox.EventExecutionComplete, 3, 30*time.Second)
	callOK(t, cs, "execute_code", map[string]any{"code": "print('after')", "language": "python"}, &res)

	// 3. A call cancelled while it waits for the only slot never starts.
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_code", Arguments: spin})
		done <- err
	}()
	rec.waitFor(t, sandbox.EventExecutionStart, 5, 30*time.Second)
	waiting, stop := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer stop()
	if _, err := cs.CallTool(waiting, &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{"code": "print('queued')", "language": "python"}}); err == nil {
		t.Error("a call that timed out while queued returned no error")
	}
	cancel()
	<-done
	rec.waitFor(t, sandbox.EventExecutionComplete, 5, 30*time.Second)
	callOK(t, cs, "execute_code", map[string]any{"code": "print('last')", "language": "python"}, &res)
	if n := len(rec.messages(sandbox.EventExecutionStart)); n != 6 {
		t.Errorf("%d executions started, want 6: the queued call that was cancelled must not run", n)
	}
}
