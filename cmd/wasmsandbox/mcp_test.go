package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
)

func TestMCPUsage(t *testing.T) {
	t.Parallel()
	c := runCLI(t, "", "mcp", "--help").want(t, exitOK)
	for _, s := range []string{"--policy FILE", "--sessions-dir DIR", "--max-sessions N", "--session-ttl DUR", "--max-concurrent N", "--mount HOST:GUEST", "--log-file FILE", "execute_code"} {
		if !strings.Contains(c.stdout, s) {
			t.Errorf("mcp --help lacks %q:\n%s", s, c.stdout)
		}
	}
	if c := runCLI(t, "", "--help").want(t, exitOK); !strings.Contains(c.stdout, "mcp ") {
		t.Errorf("top-level help does not list mcp:\n%s", c.stdout)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("fuel_budget = -1\ncolour = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"mcp", "extra"}, "unexpected argument"},
		{[]string{"mcp", "--max-sessions", "0"}, "--max-sessions"},
		{[]string{"mcp", "--max-concurrent", "-1"}, "--max-concurrent"},
		{[]string{"mcp", "--session-ttl", "0"}, "--session-ttl"},
		{[]string{"mcp", "--session-ttl", "soon"}, "session-ttl"},
		{[]string{"mcp", "--log-level", "loud"}, "--log-level"},
		{[]string{"mcp", "--policy", bad}, "fuel_budget"},
		{[]string{"mcp", "--policy", filepath.Join(dir, "missing.toml")}, "missing.toml"},
		{[]string{"mcp", "--mount", dir + ":/data:rw"}, "read-only"},
		{[]string{"mcp", "--mount", dir + ":data"}, "absolute"},
		{[]string{"mcp", "--mount", dir + ":/data:rx"}, `"rx" is not a mode; use ro or rw, or omit it`},
		{[]string{"mcp", "--mount", filepath.Join(dir, "nope") + ":/data"}, "does not exist"},
	} {
		c := runCLI(t, "", tc.args...).want(t, exitUsage)
		if c.stdout != "" {
			t.Errorf("%v: stdout = %q, want nothing (stdout is the protocol channel)", tc.args, c.stdout)
		}
		if !strings.Contains(c.stderr, tc.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.want, c.stderr)
		}
	}
}

// TestMCPInProcess serves one client over pipes through the command
// itself: flags reach the server, stdout carries only protocol messages,
// and end of input ends the command with status 0.
func TestMCPInProcess(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "n.txt"), []byte("7"), 0o644); err != nil {
		t.Fatal(err)
	}
	policy := filepath.Join(t.TempDir(), "policy.toml")
	if err := os.WriteFile(policy, []byte("fuel_budget = 3_000_000_000\ntimeout = \"15s\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cin, sout := io.Pipe()
	sin, cout := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- mcpCmd(context.Background(), []string{"--policy", policy, "--mount", data + ":/data", "--sessions-dir", t.TempDir(),
			"--max-concurrent", "2", "--max-sessions", "3", "--home", testHome, "--log-level", "debug"}, sin, sout, &stderr)
		sout.Close()
	}()

	client := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil)
	ctx := context.Background()
	cs, err := client.Connect(ctx, &mcp.IOTransport{Reader: cin, Writer: cout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "list_runtimes", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("list_runtimes: %v %v", err, res)
	}
	var lr struct {
		Mounts []struct{ Path string } `json:"mounts"`
		Limits struct {
			FuelBudget     int64   `json:"fuel_budget"`
			TimeoutSeconds float64 `json:"timeout_seconds"`
			MaxConcurrent  int     `json:"max_concurrent"`
			MaxSessions    int     `json:"max_sessions"`
		} `json:"limits"`
	}
	remarshal(t, res.StructuredContent, &lr)
	if lr.Limits.FuelBudget != 3e9 || lr.Limits.TimeoutSeconds != 15 || lr.Limits.MaxConcurrent != 2 || lr.Limits.MaxSessions != 3 ||
		len(lr.Mounts) != 1 || lr.Mounts[0].Path != "/data" {
		t.Errorf("list_runtimes = %+v", lr)
	}
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{"language": "python", "code": "print(int(open('/data/n.txt').read()) * 6)"}})
	if err != nil || res.IsError {
		t.Fatalf("execute_code: %v %+v", err, res)
	}
	var r sandbox.Result
	remarshal(t, res.StructuredContent, &r)
	if r.Stdout != "42\n" {
		t.Errorf("stdout = %q", r.Stdout)
	}
	cs.Close()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit status %d after the client left, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not end after its input closed")
	}
	if !strings.Contains(stderr.String(), "execution.complete") {
		t.Errorf("stderr has no execution events:\n%s", stderr.String())
	}
}

// TestMCPBinary is the end-to-end test: it builds the binary, starts it as
// an MCP server over stdio the way a client application does, and talks to
// it with the SDK's client.
func TestMCPBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	sessions := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "mcp.log")
	cmd := exec.Command(bin, "mcp", "--sessions-dir", sessions, "--log-file", logFile, "--max-concurrent", "2")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\nstderr:\n%s", err, stderr.String())
	}
	defer cs.Close()

	callTool := func(name string, args map[string]any) *mcp.CallToolResult {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v\nstderr:\n%s", name, err, stderr.String())
		}
		return res
	}

	// The tools are all there.
	lt, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range lt.Tools {
		names = append(names, tool.Name)
	}
	for _, want := range []string{"execute_code", "list_runtimes", "create_session", "destroy_session", "list_files", "read_file", "write_file", "get_workspace_info", "reset_workspace"} {
		if !slices.Contains(names, want) {
			t.Errorf("tools %v lack %s", names, want)
		}
	}

	// A session, and Python in two turns: files persist.
	res := callTool("create_session", map[string]any{"language": "python"})
	if res.IsError {
		t.Fatalf("create_session: %+v", res.Content)
	}
	var info struct {
		SessionID string `json:"session_id"`
	}
	remarshal(t, res.StructuredContent, &info)
	if info.SessionID == "" {
		t.Fatal("no session_id")
	}
	var r sandbox.Result
	res = callTool("execute_code", map[string]any{"session_id": info.SessionID, "language": "python",
		"code": "open('notes.txt', 'w').write('first turn')\nprint('written')"})
	remarshal(t, res.StructuredContent, &r)
	if res.IsError || r.Stdout != "written\n" || !slices.Equal(r.FilesCreated, []string{"notes.txt"}) {
		t.Fatalf("turn 1: isError %v, %+v", res.IsError, r)
	}
	res = callTool("execute_code", map[string]any{"session_id": info.SessionID, "language": "python",
		"code": "print(open('notes.txt').read())"})
	remarshal(t, res.StructuredContent, &r)
	if res.IsError || r.Stdout != "first turn\n" || r.SessionID != info.SessionID {
		t.Fatalf("turn 2: isError %v, %+v", res.IsError, r)
	}

	// A fuel bomb: a tool result with isError, outcome out_of_fuel.
	res = callTool("execute_code", map[string]any{"language": "python", "code": "while True: pass", "fuel_budget": 1_500_000_000})
	remarshal(t, res.StructuredContent, &r)
	if !res.IsError || r.Outcome != sandbox.OutcomeOutOfFuel || r.Success {
		t.Fatalf("fuel bomb: isError %v, %+v", res.IsError, r)
	}

	// Destroy the session; it is gone from disk.
	res = callTool("destroy_session", map[string]any{"session_id": info.SessionID})
	if res.IsError {
		t.Fatalf("destroy_session: %+v", res.Content)
	}
	if _, err := os.Stat(filepath.Join(sessions, info.SessionID)); !os.IsNotExist(err) {
		t.Errorf("session directory after destroy: %v", err)
	}

	// Closing the client closes the server's stdin; it exits cleanly, and
	// it logged to the file only.
	if err := cs.Close(); err != nil {
		t.Errorf("close: %v\nstderr:\n%s", err, stderr.String())
	}
	if cmd.ProcessState == nil || !cmd.ProcessState.Success() {
		t.Errorf("server exit: %v\nstderr:\n%s", cmd.ProcessState, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr is not empty with --log-file:\n%s", stderr.String())
	}
	logs, _ := os.ReadFile(logFile)
	for _, s := range []string{`"msg":"execution.complete"`, `"outcome":"out_of_fuel"`, `"msg":"session.created"`, `"msg":"session.deleted"`} {
		if !bytes.Contains(logs, []byte(s)) {
			t.Errorf("log file lacks %s:\n%s", s, logs)
		}
	}
}

// remarshal converts v (a decoded JSON value) into out.
func remarshal(t *testing.T, v, out any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
}

// TestMCPBinaryMalformedLines sends the red-team report's malformed lines
// to the real binary: each used to end it with status 4. Each is answered
// with a JSON-RPC error with id null, a valid call after them is answered,
// and the end of input still ends the server with status 0.
func TestMCPBinaryMalformedLines(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "mcp", "--sessions-dir", t.TempDir(), "--no-install")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	bad := []struct {
		line string
		code int
	}{
		{"garbage", -32700}, {"{", -32700}, {"[]", -32600}, {"null", -32600},
		{`[{"jsonrpc":"2.0","id":5,"method":"ping"}]`, -32600}, {"\xff\xfe\xfd", -32700},
	}
	in := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"
	for _, b := range bad {
		in += b.line + "\n"
	}
	in += `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_runtimes","arguments":{}}}` + "\n"
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(stdin, in); err != nil {
		t.Fatalf("writing to the server: %v\nstderr:\n%s", err, stderr.String())
	}
	type message struct {
		ID    json.RawMessage `json:"id"`
		Error *struct {
			Code int `json:"code"`
		} `json:"error"`
		Result json.RawMessage `json:"result"`
	}
	// Read up to the answer to list_runtimes (the server drops what is in
	// flight when its input ends), then end the input.
	var msgs []message
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("output line %q is not JSON-RPC: %v", sc.Text(), err)
		}
		msgs = append(msgs, m)
		if string(m.ID) == "2" {
			break
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server: %v\nstderr:\n%s", err, stderr.String())
	}
	// One error with id null per bad line, in order (the SDK's answer to
	// initialize may come among them), and the answer to list_runtimes.
	var errs []message
	byID := map[string]message{}
	for _, m := range msgs {
		if string(m.ID) == "null" {
			errs = append(errs, m)
		} else {
			byID[string(m.ID)] = m
		}
	}
	if len(errs) != len(bad) || len(byID) != 2 {
		t.Fatalf("%d errors and %d answers, want %d and 2: %+v\nstderr:\n%s", len(errs), len(byID), len(bad), msgs, stderr.String())
	}
	for i, b := range bad {
		if m := errs[i]; m.Error == nil || m.Error.Code != b.code {
			t.Errorf("%q: answered with error %+v; want code %d", b.line, m.Error, b.code)
		}
	}
	if m := byID["2"]; m.Error != nil || !strings.Contains(string(m.Result), "python") {
		t.Errorf("list_runtimes: error %+v result %s", m.Error, m.Result)
	}
}
