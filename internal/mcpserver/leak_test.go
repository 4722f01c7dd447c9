package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
)

// answer calls a tool and returns everything the client sees of the
// answer: the text blocks, the structured content and any protocol error.
func answer(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, *mcp.CallToolResult) {
	t.Helper()
	res, err := call(t, cs, name, args)
	if err != nil {
		var we *jsonrpc.Error
		if errors.As(err, &we) {
			return we.Message + " " + string(we.Data), nil
		}
		return err.Error(), nil
	}
	b, jerr := json.Marshal(res.StructuredContent)
	if jerr != nil {
		t.Fatal(jerr)
	}
	return text(res) + "\n" + string(b), res
}

// noHostPaths fails the test when s names any of the host paths.
func noHostPaths(t *testing.T, what, s string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if strings.Contains(s, p) {
			t.Errorf("%s shows the host path %s:\n%s", what, p, s)
		}
	}
}

// logged reports whether a record of rec has an error attribute that
// contains s: the details the client does not see go to the log.
func (r *recorder) logged(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.recs {
		found := false
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "error" && strings.Contains(a.Value.String(), s) {
				found = true
				return false
			}
			return true
		})
		if found {
			return true
		}
	}
	return false
}

// TestMissingRuntimeHidesHostPaths points the server at an empty runtime
// home, with auto-install off: the tools say to install the runtimes, and
// neither the home nor any other host path reaches the client.
func TestMissingRuntimeHidesHostPaths(t *testing.T) {
	t.Parallel()
	home, sessions := t.TempDir(), t.TempDir()
	rec := newRecorder()
	cs := connect(t, Config{RuntimeHome: home, SessionsDir: sessions, Logger: slog.New(rec)})
	paths := []string{home, sessions, testHome}

	for _, lang := range []string{"python", "javascript"} {
		for _, c := range []struct {
			tool string
			args map[string]any
		}{
			{"execute_code", map[string]any{"code": "print(1)", "language": lang}},
			{"create_session", map[string]any{"language": lang}},
		} {
			got, res := answer(t, cs, c.tool, c.args)
			noHostPaths(t, c.tool+" "+lang, got, paths...)
			if res == nil || !res.IsError {
				t.Errorf("%s %s: want a tool error, got %s", c.tool, lang, got)
			}
			if !strings.Contains(got, "the "+lang+" runtime is not installed on the server") || !strings.Contains(got, "wasmsandbox runtimes install") {
				t.Errorf("%s %s: the error does not say to install the runtime: %s", c.tool, lang, got)
			}
		}
	}
	if !rec.logged(home) {
		t.Error("the server did not log the full error, with the runtime's host path")
	}

	got, _ := answer(t, cs, "list_runtimes", map[string]any{})
	noHostPaths(t, "list_runtimes", got, paths...)
	var out ListRuntimesOutput
	callOK(t, cs, "list_runtimes", map[string]any{}, &out)
	for _, rt := range out.Runtimes {
		if rt.Available || !strings.Contains(rt.UnavailableReason, "wasmsandbox runtimes install") {
			t.Errorf("%s: available %v, reason %q; want unavailable, saying to install it", rt.Language, rt.Available, rt.UnavailableReason)
		}
	}
}

// TestInternalFailureHidesHostPaths breaks the session store under the
// server (a session's workspace, then the store itself, replaced by
// files: the cheapest I/O failure that works as root too) and checks that
// every tool reports it without host paths, pointing to the log, which
// has the details.
func TestInternalFailureHidesHostPaths(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	sessions := filepath.Join(root, "sessions")
	rec := newRecorder()
	cs := connect(t, Config{SessionsDir: sessions, Logger: slog.New(rec)})
	paths := []string{root, testHome}
	info := newSession(t, cs, map[string]any{"language": "python"})
	id := info.SessionID

	replaceWithFile := func(dir string) {
		t.Helper()
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	type toolCall struct {
		tool string
		args map[string]any
	}
	check := func(calls []toolCall, mustFail ...string) {
		t.Helper()
		for _, c := range calls {
			got, res := answer(t, cs, c.tool, c.args)
			noHostPaths(t, c.tool, got, paths...)
			for _, m := range mustFail {
				if m != c.tool {
					continue
				}
				if res == nil || !res.IsError || !strings.Contains(got, internalDetail) {
					t.Errorf("%s: want a tool error that points to the server log, got %s", c.tool, got)
				}
			}
		}
	}

	// A session whose workspace is a file.
	replaceWithFile(filepath.Join(sessions, id, "workspace"))
	check([]toolCall{
		{"execute_code", map[string]any{"session_id": id, "language": "python", "code": "print(1)"}},
		{"list_files", map[string]any{"session_id": id}},
		{"read_file", map[string]any{"session_id": id, "path": "x.txt"}},
		{"write_file", map[string]any{"session_id": id, "path": "x.txt", "content": "x"}},
		{"get_workspace_info", map[string]any{"session_id": id}},
		{"reset_workspace", map[string]any{"session_id": id}},
	}, "execute_code", "list_files", "read_file", "write_file")

	// A store whose directory is a file.
	replaceWithFile(sessions)
	check([]toolCall{
		{"create_session", map[string]any{"language": "python"}},
		{"execute_code", map[string]any{"session_id": id, "language": "python", "code": "print(1)"}},
		{"list_files", map[string]any{"session_id": id}},
		{"destroy_session", map[string]any{"session_id": id}},
	}, "create_session", "execute_code", "list_files", "destroy_session")

	if !rec.logged(sessions) {
		t.Error("the server did not log the full errors, with their host paths")
	}
}

// TestLeakyBackstop checks that addTool hides the details of a server
// failure that a handler let through, and logs them.
func TestLeakyBackstop(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "secret")
	rec := newRecorder()
	srv := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	for _, c := range []struct {
		name string
		err  error
	}{
		{"internal", errors.Join(sandbox.ErrInternal, errors.New(secret))},
		{"path", &os.PathError{Op: "open", Path: secret, Err: os.ErrPermission}},
	} {
		addTool(srv, slog.New(rec), &mcp.Tool{Name: c.name}, func(context.Context, *ListRuntimesInput) (*ListRuntimesOutput, error) {
			return nil, c.err
		})
	}
	cs := connectServer(t, srv)
	for _, name := range []string{"internal", "path"} {
		got, res := answer(t, cs, name, map[string]any{})
		noHostPaths(t, name, got, secret)
		if res == nil || !res.IsError || !strings.Contains(got, internalDetail) {
			t.Errorf("%s: want a tool error that points to the server log, got %s", name, got)
		}
	}
	if !rec.logged(secret) {
		t.Error("the server did not log the hidden errors")
	}
}
