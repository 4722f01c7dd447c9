package mcpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// Bad arguments are tool results with isError set (MCP 2025-11-25,
// SEP-1303), whose text names the argument and says what to do, so that
// the model sees them and can correct its call; only malformed JSON-RPC is
// a protocol error. decodeArgs below checks the arguments against the
// input struct: unknown names, missing required ones and wrong types are
// each reported with the argument's name, which the SDK's schema
// validation does not do. What a schema cannot say (a language we do not
// know, a limit above the server's, code that is too large) is checked by
// the handlers with argError. addTool turns both into tool results
// (argResult).

// argError returns the error for a bad argument: a message that starts
// with the argument's name, carried as a JSON-RPC invalid-params error
// (with {"argument": name} as its data) until addTool turns it into a tool
// result.
func argError(name, format string, a ...any) error {
	data, _ := json.Marshal(map[string]string{"argument": name})
	return &jsonrpc.Error{
		Code:    jsonrpc.CodeInvalidParams,
		Message: fmt.Sprintf("invalid argument %q: %s", name, fmt.Sprintf(format, a...)),
		Data:    data,
	}
}

// argsError is the protocol error for arguments that are not an object at all.
func argsError(format string, a ...any) error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "invalid arguments: " + fmt.Sprintf(format, a...)}
}

// argField is one argument of a tool: a field of its input struct.
type argField struct {
	name     string
	index    []int
	required bool
}

// argFields lists the arguments of input struct type t, from its json tags,
// with the fields of embedded structs in line as encoding/json has them. A
// field without omitempty (or omitzero) is required.
func argFields(t reflect.Type) []argField {
	var out []argField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			for _, sub := range argFields(f.Type) {
				sub.index = append([]int{i}, sub.index...)
				out = append(out, sub)
			}
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		flags := strings.Split(opts, ",")
		optional := slices.Contains(flags, "omitempty") || slices.Contains(flags, "omitzero")
		out = append(out, argField{name: name, index: []int{i}, required: !optional})
	}
	return out
}

// decodeArgs decodes the raw arguments of a tool call into in, a pointer to
// the tool's input struct. Absent arguments, and arguments given as null,
// keep their zero value. Every error is an argError (or argsError) naming
// what is wrong.
func decodeArgs(raw json.RawMessage, in any) error {
	v := reflect.ValueOf(in).Elem()
	fields := argFields(v.Type())
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}

	var m map[string]json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		if raw[0] != '{' {
			return argsError("the arguments must be a JSON object with the keys %s", strings.Join(names, ", "))
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return argsError("not a valid JSON object: %v", err)
		}
	}

	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(names, k) {
			if len(names) == 0 {
				return argError(k, "unknown argument: this tool takes no arguments")
			}
			return argError(k, "unknown argument: this tool takes %s", strings.Join(names, ", "))
		}
	}
	for _, f := range fields {
		r, ok := m[f.name]
		if !ok || bytes.Equal(bytes.TrimSpace(r), []byte("null")) {
			if f.required {
				return argError(f.name, "missing: it is required")
			}
			continue
		}
		if err := decodeValue(r, v.FieldByIndex(f.index)); err != nil {
			return argError(f.name, "%v", err)
		}
	}
	return nil
}

// decodeValue decodes one argument into dst, with an error that says which
// JSON type was expected. Integers may be written in exponent form (1.5e9)
// as long as they are whole.
func decodeValue(r json.RawMessage, dst reflect.Value) error {
	switch dst.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		var f float64
		if err := json.Unmarshal(r, &f); err != nil {
			return fmt.Errorf("must be an integer, not %s", jsonKind(r))
		}
		if f != math.Trunc(f) || math.IsInf(f, 0) || f < math.MinInt64 || f >= math.MaxInt64 {
			return fmt.Errorf("must be a whole number, not %s", string(r))
		}
		// Decode again exactly when the literal is a plain integer, so that
		// large values keep every digit.
		var n int64
		if err := json.Unmarshal(r, &n); err != nil {
			n = int64(f)
		}
		if dst.OverflowInt(n) {
			return fmt.Errorf("%d is out of range", n)
		}
		dst.SetInt(n)
		return nil
	case reflect.Float64:
		var f float64
		if err := json.Unmarshal(r, &f); err != nil {
			return fmt.Errorf("must be a number, not %s", jsonKind(r))
		}
		dst.SetFloat(f)
		return nil
	case reflect.String:
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			return fmt.Errorf("must be a string, not %s", jsonKind(r))
		}
		dst.SetString(s)
		return nil
	case reflect.Bool:
		var b bool
		if err := json.Unmarshal(r, &b); err != nil {
			return fmt.Errorf("must be true or false, not %s", jsonKind(r))
		}
		dst.SetBool(b)
		return nil
	}
	if err := json.Unmarshal(r, dst.Addr().Interface()); err != nil {
		return fmt.Errorf("malformed value: %v", err)
	}
	return nil
}

// jsonKind names the JSON type of r for an error message.
func jsonKind(r json.RawMessage) string {
	r = bytes.TrimSpace(r)
	if len(r) == 0 {
		return "nothing"
	}
	switch r[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number (" + string(r) + ")"
}
