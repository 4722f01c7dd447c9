package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/testenv"
)

// testHome is the runtime directory every test shares: the one the CLI
// resolves by default, so the runtimes are fetched and compiled once per
// machine, not once per test run.
var testHome string

func TestMain(m *testing.M) {
	home := testenv.Home()
	testHome = home
	// Compile (or load) the Python module once, before any test times anything.
	if _, err := sandbox.New(sandbox.Python, sandbox.WithRuntimeDir(home)); err != nil {
		fmt.Fprintln(os.Stderr, "loading the python runtime:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// fuelBomb is a budget small enough for an endless loop to run out quickly,
// and big enough for Python to start (about 250 million).
const fuelBomb = 1_500_000_000

// recorder is a slog.Handler that keeps every record, for tests that look
// at the events of executions.
type recorder struct {
	mu   sync.Mutex
	recs []slog.Record
	// changed is signalled (without blocking) whenever a record arrives.
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.recs = append(r.recs, rec.Clone())
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
	return nil
}

// messages returns the messages of the records so far that are in names.
func (r *recorder) messages(names ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.recs {
		if slices.Contains(names, rec.Message) {
			out = append(out, rec.Message)
		}
	}
	return out
}

// attr returns the value of attribute key of the n-th record named msg.
func (r *recorder) attr(msg string, n int, key string) (slog.Value, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.recs {
		if rec.Message != msg {
			continue
		}
		if n > 0 {
			n--
			continue
		}
		var v slog.Value
		found := false
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				v, found = a.Value, true
				return false
			}
			return true
		})
		return v, found
	}
	return slog.Value{}, false
}

// waitFor waits until at least n records named msg have arrived.
func (r *recorder) waitFor(t *testing.T, msg string, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for len(r.messages(msg)) < n {
		select {
		case <-r.changed:
		case <-deadline:
			t.Fatalf("no %d %q records within %v; got %v", n, msg, within, r.messages(msg))
		}
	}
}

// connect starts a server with cfg (RuntimeHome defaulting to testHome)
// and returns a client session connected to it in memory.
func connect(t *testing.T, cfg Config) *mcp.ClientSession {
	t.Helper()
	if cfg.RuntimeHome == "" {
		cfg.RuntimeHome = testHome
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return connectServer(t, srv)
}

func connectServer(t *testing.T, srv *mcp.Server) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	ct, st := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatalf("server Connect: %v", err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil)
	cs, err := client.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatalf("client Connect: %v", err)
	}
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
	})
	return cs
}

// call calls a tool and returns its result or error as they came.
func call(t *testing.T, cs *mcp.ClientSession, name string, args any) (*mcp.CallToolResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
}

// callOK calls a tool and fails the test unless it succeeded; it decodes
// the structured content into out (strictly: no unknown fields) and checks
// it against the tool's output schema.
func callOK(t *testing.T, cs *mcp.ClientSession, name string, args, out any) *mcp.CallToolResult {
	t.Helper()
	res, err := call(t, cs, name, args)
	if err != nil {
		t.Fatalf("%s(%v): protocol error %v", name, args, err)
	}
	if res.IsError {
		t.Fatalf("%s(%v): isError, content:\n%s", name, args, text(res))
	}
	decodeStructured(t, cs, name, res, out)
	return res
}

// callFailed calls a tool and fails the test unless the result has
// isError set; it decodes any structured content into out.
func callFailed(t *testing.T, cs *mcp.ClientSession, name string, args, out any) *mcp.CallToolResult {
	t.Helper()
	res, err := call(t, cs, name, args)
	if err != nil {
		t.Fatalf("%s(%v): protocol error %v, want a tool result with isError", name, args, err)
	}
	if !res.IsError {
		t.Fatalf("%s(%v): isError not set, content:\n%s", name, args, text(res))
	}
	if out != nil {
		decodeStructured(t, cs, name, res, out)
	}
	return res
}

// badArg is what the model sees of a refused call.
type badArg struct{ Message string }

// callBadArg calls a tool and fails the test unless it was refused with a
// tool result with isError set (not a protocol error, which many clients
// hide from the model) whose text names arg.
func callBadArg(t *testing.T, cs *mcp.ClientSession, name string, args any, arg string) *badArg {
	t.Helper()
	res, err := call(t, cs, name, args)
	if err != nil {
		t.Fatalf("%s(%v): protocol error %v, want a tool result with isError naming %q", name, args, err, arg)
	}
	msg := text(res)
	if !res.IsError {
		t.Fatalf("%s(%v): not an error; content:\n%s", name, args, msg)
	}
	if arg != "" && !strings.Contains(msg, fmt.Sprintf("%q", arg)) {
		t.Errorf("%s(%v): error %q does not name the argument %q", name, args, msg, arg)
	}
	return &badArg{Message: msg}
}

// text joins the text blocks of a tool result.
func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

var (
	toolsMu sync.Mutex
	// schemas caches the resolved output schemas per client session.
	schemas = map[*mcp.ClientSession]map[string]*jsonschema.Resolved{}
)

// outputSchema returns the resolved output schema of tool name.
func outputSchema(t *testing.T, cs *mcp.ClientSession, name string) *jsonschema.Resolved {
	t.Helper()
	toolsMu.Lock()
	defer toolsMu.Unlock()
	if m, ok := schemas[cs]; ok {
		return m[name]
	}
	lt, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	m := map[string]*jsonschema.Resolved{}
	for _, tool := range lt.Tools {
		b, err := json.Marshal(tool.OutputSchema)
		if err != nil {
			t.Fatalf("output schema of %s: %v", tool.Name, err)
		}
		var s jsonschema.Schema
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("output schema of %s: %v", tool.Name, err)
		}
		r, err := s.Resolve(nil)
		if err != nil {
			t.Fatalf("resolving the output schema of %s: %v", tool.Name, err)
		}
		m[tool.Name] = r
	}
	schemas[cs] = m
	return m[name]
}

// decodeStructured checks res's structured content against the tool's
// output schema and decodes it into out, refusing unknown fields.
func decodeStructured(t *testing.T, cs *mcp.ClientSession, name string, res *mcp.CallToolResult, out any) {
	t.Helper()
	if res.StructuredContent == nil {
		t.Fatalf("%s: no structured content; text:\n%s", name, text(res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	if r := outputSchema(t, cs, name); r == nil {
		t.Fatalf("%s: no output schema", name)
	} else if err := r.Validate(generic); err != nil {
		t.Errorf("%s: structured content does not match the output schema: %v\n%s", name, err, b)
	}
	if len(res.Content) == 0 {
		t.Errorf("%s: no text content", name)
	} else if tc, ok := res.Content[0].(*mcp.TextContent); !ok || !json.Valid([]byte(tc.Text)) {
		t.Errorf("%s: the first content block is not the JSON of the structured content", name)
	}
	if out == nil {
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s: structured content does not decode into %T: %v\n%s", name, out, err, b)
	}
}
