package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// failure is the error a handler returns when the call did its job but the
// outcome is a failure the model should see and act on, such as code that
// raised an exception or ran out of fuel. The tool result has isError set,
// the handler's output as its structured content, and hint as a second
// text block that says what to do next.
type failure struct {
	hint string
}

func (f *failure) Error() string { return f.hint }

// handler is a typed tool handler. It returns the tool's output, or:
//   - an argError: the call is refused with a JSON-RPC invalid-params error;
//   - a *failure: the output is returned as a tool result with isError set;
//   - any other error: a tool result with isError set whose text is the
//     error (the server could not do what was asked: a session that is
//     gone, a runtime that is not available). A failure that is the
//     server's own problem (an I/O error, sandbox.ErrInternal) should come
//     from server.internalError, which logs it and hides the details; as a
//     backstop, addTool does the same to any such error a handler returns.
type handler[In, Out any] func(ctx context.Context, in *In) (*Out, error)

// addTool registers a tool whose input schema is inferred from In (unless
// t.InputSchema is set) and whose output schema is inferred from Out
// (unless t.OutputSchema is set), using decodeArgs for the arguments. See
// args.go for why it does not use mcp.AddTool. Errors that may carry host
// details (see leaky) are logged to log and replaced by a generic message.
func addTool[In, Out any](s *mcp.Server, log *slog.Logger, t *mcp.Tool, h handler[In, Out]) {
	if t.InputSchema == nil {
		t.InputSchema = mustSchema[In]()
	}
	if t.OutputSchema == nil {
		t.OutputSchema = mustSchema[Out]()
	}
	s.AddTool(t, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in In
		if err := decodeArgs(req.Params.Arguments, &in); err != nil {
			return argResult(err), nil
		}
		out, err := h(ctx, &in)
		var wire *jsonrpc.Error
		var fail *failure
		switch {
		case errors.As(err, &wire):
			return argResult(wire), nil
		case err != nil && ctx.Err() != nil:
			// The client cancelled the call or went away; nobody will read
			// the answer, and a protocol error is the honest one.
			return nil, fmt.Errorf("%s: cancelled: %w", t.Name, ctx.Err())
		case errors.As(err, &fail) && out != nil:
			return structured(out, true, fail.hint)
		case err != nil && leaky(err):
			log.Error(t.Name+" failed", "error", err)
			err = fmt.Errorf("%s failed %s", t.Name, internalDetail)
			fallthrough
		case err != nil:
			return &mcp.CallToolResult{
				IsError: true,
				Content: []mcp.Content{&mcp.TextContent{Text: err.Error()}},
			}, nil
		}
		return structured(out, false, "")
	})
}

// structured returns a tool result carrying out as structured content and,
// as the specification recommends, as JSON text; hint, when not empty,
// follows as a second text block.
func structured(out any, isError bool, hint string) (*mcp.CallToolResult, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encoding the tool output: %w", err)
	}
	res := &mcp.CallToolResult{
		IsError:           isError,
		StructuredContent: json.RawMessage(b),
		Content:           []mcp.Content{&mcp.TextContent{Text: string(b)}},
	}
	if hint != "" {
		res.Content = append(res.Content, &mcp.TextContent{Text: hint})
	}
	return res, nil
}

// mustSchema infers the JSON Schema of T from its json and jsonschema
// tags; it panics on a type that has none, which is a programming error.
func mustSchema[T any]() *jsonschema.Schema {
	s, err := jsonschema.For[T](&jsonschema.ForOptions{})
	if err != nil {
		panic(fmt.Sprintf("mcpserver: schema of %v: %v", reflect.TypeFor[T](), err))
	}
	return s
}

// boolPtr returns a pointer to b, for tool annotations.
func boolPtr(b bool) *bool { return &b }

// argResult is the answer to a call with a bad argument: a tool result with
// isError set whose text names the argument and says what to do, so that
// the model sees it and can correct the call (MCP 2025-11-25, SEP-1303);
// only malformed JSON-RPC is a protocol error.
func argResult(err error) *mcp.CallToolResult {
	msg := err.Error()
	var wire *jsonrpc.Error
	if errors.As(err, &wire) {
		msg = wire.Message
	}
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}
}
