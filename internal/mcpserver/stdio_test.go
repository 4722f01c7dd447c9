package mcpserver

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

// rpcMsg is one JSON-RPC message as the server writes it.
type rpcMsg struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// rawServer runs Serve on pipes and speaks raw JSON-RPC lines to it.
type rawServer struct {
	t      *testing.T
	in     *io.PipeWriter
	msgs   chan rpcMsg
	served chan error
}

func startRawServer(t *testing.T, cfg Config) *rawServer {
	t.Helper()
	cin, sout := io.Pipe()
	sin, cout := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &rawServer{t: t, in: cout, msgs: make(chan rpcMsg, 100), served: make(chan error, 1)}
	go func() { s.served <- Serve(ctx, cfg, sin, sout); sout.Close() }()
	go func() {
		sc := bufio.NewScanner(cin)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m rpcMsg
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("the server wrote a line that is not JSON-RPC: %q", sc.Text())
				continue
			}
			s.msgs <- m
		}
		close(s.msgs)
	}()
	return s
}

func (s *rawServer) send(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatalf("writing %.80q: %v (the server stopped reading)", line, err)
	}
}

// next returns the server's next message; the deadline only keeps a
// broken server from hanging the test.
func (s *rawServer) next() rpcMsg {
	s.t.Helper()
	select {
	case m, ok := <-s.msgs:
		if !ok {
			s.t.Fatalf("the server closed its output (Serve returned %v)", <-s.served)
		}
		return m
	case <-time.After(time.Minute):
		s.t.Fatal("no message from the server")
	}
	return rpcMsg{}
}

// TestServeMalformedLines is the red-team report's attack on the stdio
// server: one malformed line used to end the connection (the command
// exited with status 4) and cancel the execution in flight. Each must be
// answered with a JSON-RPC error, the execution must finish, and the
// server must go on answering.
func TestServeMalformedLines(t *testing.T) {
	t.Parallel()
	s := startRawServer(t, Config{RuntimeHome: testHome})
	s.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	if m := s.next(); string(m.ID) != "1" || m.Error != nil {
		t.Fatalf("initialize: %+v", m)
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	// An execution in flight while the bad lines arrive.
	s.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_code","arguments":{"language":"javascript","code":"await new Promise(r => setTimeout(r, 300)); console.log('survived')"}}}`)

	got := map[string]rpcMsg{}
	huge := `{"jsonrpc":"2.0","id":30,"method":"ping","params":{"pad":"` + strings.Repeat("x", 17<<20) + `"}}`
	for _, tc := range []struct {
		line string
		code int64
		id   string
		why  string
	}{
		{"garbage", -32700, "null", "not JSON"},
		{"{", -32700, "null", "not JSON"},
		{"[]", -32600, "null", "batches are not supported"},
		{"null", -32600, "null", "is a JSON object"},
		{"42", -32600, "null", "is a JSON object"},
		{`[{"jsonrpc":"2.0","id":10,"method":"ping"}]`, -32600, "null", "batches are not supported"},
		{"\xff\xfe{}", -32700, "null", "UTF-8"},
		{"{\"jsonrpc\":\"2.0\",\"id\":\"s\xff\",\"method\":\"ping\"}", -32700, "null", "UTF-8"},
		{`{"jsonrpc":"2.0","id":11,"method":"ping"} {"jsonrpc":"2.0","id":12,"method":"ping"}`, -32700, "null", "not JSON"},
		{`{"jsonrpc":"1.0","id":13,"method":"ping"}`, -32600, "13", "version"},
		{`{"id":"fourteen"}`, -32600, `"fourteen"`, "version"},
		{`{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`, -32600, "null", "invalid"},
		{`{"jsonrpc":"2.0","id":15,"method":7}`, -32600, "15", "invalid"},
		{huge, -32600, "null", "longer than the server's limit"},
	} {
		s.send(tc.line)
		m := s.next()
		if string(m.ID) == "2" {
			t.Logf("the execution ended before all the bad lines were sent (at %.40q)", tc.line)
			got["2"] = m
			m = s.next()
		}
		if m.Error == nil || m.Error.Code != tc.code || string(m.ID) != tc.id || !strings.Contains(m.Error.Message, tc.why) {
			t.Errorf("%.60q: got id %s error %+v, want id %s code %d with %q", tc.line, m.ID, m.Error, tc.id, tc.code, tc.why)
		}
	}
	// Well-formed messages the server must also live through.
	// (Responses the server never asked for are dropped by the SDK.)
	s.send(`{"jsonrpc":"2.0","id":99,"result":{}}`)
	s.send(`{"jsonrpc":"2.0","id":16}`)
	s.send("")
	s.send(`  {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_runtimes","arguments":{}}}  ` + "\r")

	for len(got) < 2 {
		m := s.next()
		got[string(m.ID)] = m
	}
	if m := got["3"]; m.Error != nil || !strings.Contains(string(m.Result), "javascript") {
		t.Errorf("list_runtimes after the bad lines: %+v %s", m.Error, m.Result)
	}
	if m := got["2"]; m.Error != nil || !strings.Contains(string(m.Result), "survived") || strings.Contains(string(m.Result), `"isError":true`) {
		t.Errorf("the execution in flight: %+v %s", m.Error, m.Result)
	}
	s.in.Close()
	if err := <-s.served; err != nil {
		t.Errorf("Serve at the end of input = %v, want nil", err)
	}
}
