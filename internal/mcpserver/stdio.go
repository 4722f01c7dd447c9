package mcpserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// The go-sdk's stdio transport (mcp.IOTransport, v1.8.0) ends the
// connection on the first inbound frame it cannot decode: text that is not
// JSON, a JSON value that is not a JSON-RPC message (null, [] or a
// number), a batch under protocol 2025-06-18 and later, or a frame over
// its size limit. The server would then exit and cancel the executions in
// flight. JSON-RPC 2.0 asks for an error response instead (-32700 for
// text that is not JSON, -32600 for JSON that is not a valid request, with
// id null when the id cannot be read), and the server should go on.
//
// stdioFilter stands in front of the transport's reader and does that: it
// reads the input one line at a time (MCP's stdio framing: one message per
// line, no embedded newlines), answers a malformed line itself on the
// shared output, and passes on only lines that hold one well-formed
// JSON-RPC message. The transport thus never sees anything it would stop
// on.
type stdioFilter struct {
	in  *bufio.Reader
	out *lockedWriter
	// max is the longest line accepted, without its line break.
	max int
	// pending is the rest of the line being handed to the transport.
	pending []byte
	line    []byte
	err     error
}

func newStdioFilter(in io.Reader, out *lockedWriter, max int) *stdioFilter {
	return &stdioFilter{in: bufio.NewReaderSize(in, 64<<10), out: out, max: max}
}

// lockedWriter makes each Write one atomic message on the shared output,
// so the filter's error responses never interleave with the transport's.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (*lockedWriter) Close() error { return nil }

func (f *stdioFilter) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		if err := f.nextLine(); err != nil {
			return 0, err
		}
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// nextLine reads one line and either queues it for the transport or
// answers it with an error. An error it returns is one from writing that
// answer; one from reading ends the input after the line read so far.
func (f *stdioFilter) nextLine() error {
	f.line = f.line[:0]
	over := false
	for {
		chunk, err := f.in.ReadSlice('\n')
		if !over {
			if len(f.line)+len(chunk) > f.max+2 { // room for "\r\n"
				over, f.line = true, f.line[:0]
			} else {
				f.line = append(f.line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			f.err = err
		}
		break
	}
	if over {
		return f.reject(nil, jsonrpc.CodeInvalidRequest, fmt.Sprintf(
			"message longer than the server's limit of %d bytes (the limit follows max_code_bytes and --max-file-bytes); send less", f.max))
	}
	msg := bytes.Trim(f.line, " \t\r\n") // JSON's whitespace
	if len(msg) == 0 {
		return nil // a blank line, or the end of the input
	}
	if code, why := check(msg); code == jsonrpc.CodeParseError {
		return f.reject(nil, code, why) // its id cannot be read
	} else if code != 0 {
		return f.reject(msg, code, why)
	}
	f.pending = append(msg, '\n')
	return nil
}

// check reports why msg, one line of input, is not one JSON-RPC message
// (as a JSON-RPC error code and a message), or 0 when it is one.
func check(msg []byte) (code int64, why string) {
	if !utf8.Valid(msg) {
		return jsonrpc.CodeParseError, "parse error: the message is not valid UTF-8"
	}
	var v json.RawMessage
	if err := json.Unmarshal(msg, &v); err != nil {
		return jsonrpc.CodeParseError, "parse error: the message is not JSON (" + err.Error() + "); send one JSON-RPC message per line"
	}
	switch msg[0] {
	case '{':
	case '[':
		return jsonrpc.CodeInvalidRequest, "invalid request: JSON-RPC batches are not supported (MCP dropped them in 2025-06-18); send one message per line"
	default:
		return jsonrpc.CodeInvalidRequest, "invalid request: a JSON-RPC message is a JSON object"
	}
	if _, err := jsonrpc.DecodeMessage(msg); err != nil {
		return jsonrpc.CodeInvalidRequest, "invalid request: " + err.Error()
	}
	return 0, ""
}

// reject writes a JSON-RPC error response for msg, with msg's id when it
// has a valid one, else null.
func (f *stdioFilter) reject(msg []byte, code int64, why string) error {
	id := json.RawMessage("null")
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if msg != nil && json.Unmarshal(msg, &m) == nil && len(m.ID) > 0 && (m.ID[0] == '"' || m.ID[0] == '-' || m.ID[0] >= '0' && m.ID[0] <= '9') {
		id = m.ID
	}
	b, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc.Error   `json:"error"`
	}{"2.0", id, jsonrpc.Error{Code: code, Message: why}})
	if err != nil {
		return err
	}
	if _, err := f.out.Write(append(b, '\n')); err != nil {
		return errors.Join(errors.New("writing an error response"), err)
	}
	return nil
}
