package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Parsing a policy document into the generic tree that decodeValue walks:
// TOML, and JSON with duplicate keys caught and error positions given as
// line and column.

// tomlTree parses a TOML document into a generic tree.
func tomlTree(data []byte) (map[string]any, error) {
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			msg := strings.TrimPrefix(de.Error(), "toml: ")
			return nil, fmt.Errorf("%w: TOML syntax error at line %d, column %d: %s", ErrInvalidPolicy, line, col, msg)
		}
		return nil, fmt.Errorf("%w: TOML: %w", ErrInvalidPolicy, err)
	}
	if tree == nil {
		tree = map[string]any{}
	}
	return tree, nil
}

// jsonTree parses a JSON document, which must be one object, into a generic
// tree in which numbers are json.Number. A key given twice in one object is
// returned as a FieldError; the later value wins.
func jsonTree(data []byte) (map[string]any, []FieldError, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var dups []FieldError
	v, err := jsonValue(dec, "", 0, &dups)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the policy object")
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		line, col := lineCol(data, dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col = lineCol(data, se.Offset)
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, nil, fmt.Errorf("%w: empty JSON document (an empty policy is {})", ErrInvalidPolicy)
		}
		return nil, nil, fmt.Errorf("%w: invalid JSON at line %d, column %d: %s", ErrInvalidPolicy, line, col, msg)
	}
	tree, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: a JSON policy must be an object, got %s", ErrInvalidPolicy, typeName(v))
	}
	return tree, dups, nil
}

// maxJSONDepth bounds the nesting of a JSON policy (a real one nests three
// deep), so that a hostile document cannot make jsonValue recurse without end.
const maxJSONDepth = 32

// jsonValue reads one JSON value, nested depth deep, from dec; path names it
// in errors.
func jsonValue(dec *json.Decoder, path string, depth int, dups *[]FieldError) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') && depth >= maxJSONDepth {
		return nil, fmt.Errorf("%s nests more than %d levels deep", path, maxJSONDepth)
	}
	switch tok {
	case json.Delim('{'):
		m := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k := kt.(string) // Token returns object keys as strings
			kp := keyPath(path, k)
			v, err := jsonValue(dec, kp, depth+1, dups)
			if err != nil {
				return nil, err
			}
			if _, dup := m[k]; dup {
				*dups = append(*dups, FieldError{Field: kp, Value: v, Reason: "is given more than once (give each key once)"})
			}
			m[k] = v
		}
		_, err := dec.Token() // '}'
		return m, err
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := jsonValue(dec, fmt.Sprintf("%s[%d]", path, len(a)), depth+1, dups)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token() // ']'
		return a, err
	}
	return tok, nil // string, json.Number, bool or nil
}

// lineCol converts a byte offset in data to a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	return line, len(before) - bytes.LastIndexByte(before, '\n')
}
