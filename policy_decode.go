package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Decoding a generic tree against the Policy type: every unknown key
// (with a suggestion), wrong type and malformed duration is collected with
// its key path.

// policyKeys lists the keys of a policy file in declaration order.
var policyKeys = structKeys(reflect.TypeFor[Policy]())

// structKeys lists the JSON names of t's fields in declaration order.
func structKeys(t reflect.Type) []string {
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i] = jsonName(t.Field(i))
	}
	return keys
}

// jsonName is the key of a struct field in a policy file.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

var durationType = reflect.TypeFor[time.Duration]()

// decodeValue stores raw, a value of a generic tree, in dst, recording every
// problem (unknown key, wrong type, bad duration) in errs under path. A null
// leaves dst as it is, as if the key were absent.
func decodeValue(dst reflect.Value, raw any, path string, errs *[]FieldError) {
	if raw == nil {
		return
	}
	bad := func(reason string) {
		*errs = append(*errs, FieldError{Field: path, Value: raw, Reason: reason})
	}
	wrongType := func(want string) {
		bad(fmt.Sprintf("must be %s, not %s", want, typeName(raw)))
	}

	if dst.Type() == durationType {
		s, ok := raw.(string)
		if !ok {
			wrongType(`a duration string such as "30s" or "1m30s"`)
			return
		}
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			bad(`is not a duration (write it like "30s", "1m30s" or "500ms")`)
			return
		}
		dst.SetInt(int64(d))
		return
	}

	switch dst.Kind() {
	case reflect.Int, reflect.Int64:
		n, reason := toInt64(raw)
		if reason != "" {
			bad(reason)
			return
		}
		dst.SetInt(n)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			wrongType("a string")
			return
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			wrongType("true or false")
			return
		}
		dst.SetBool(b)
	case reflect.Slice:
		a, ok := raw.([]any)
		if !ok {
			wrongType("an array")
			return
		}
		s := reflect.MakeSlice(dst.Type(), len(a), len(a))
		for i, v := range a {
			decodeValue(s.Index(i), v, fmt.Sprintf("%s[%d]", path, i), errs)
		}
		dst.Set(s)
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			wrongType("a table of names to values")
			return
		}
		mv := reflect.MakeMapWithSize(dst.Type(), len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			ev := reflect.New(dst.Type().Elem()).Elem()
			decodeValue(ev, m[k], keyPath(path, k), errs)
			mv.SetMapIndex(reflect.ValueOf(k), ev)
		}
		dst.Set(mv)
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			wrongType("a table (an object)")
			return
		}
		keys := structKeys(dst.Type())
		for i, k := range keys {
			if v, ok := m[k]; ok {
				decodeValue(dst.Field(i), v, keyPath(path, k), errs)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !slices.Contains(keys, k) {
				*errs = append(*errs, FieldError{Field: keyPath(path, k), Value: m[k], Reason: reasonUnknownKey + suggest(k, keys)})
			}
		}
	default:
		panic(fmt.Sprintf("sandbox: policy decoding does not handle %s at %s", dst.Type(), path))
	}
}

// toInt64 converts a number of a generic tree to an int64, or says why not.
// Integral floating-point values such as 5e9 are accepted.
func toInt64(raw any) (int64, string) {
	var f float64
	switch v := raw.(type) {
	case int64:
		return v, ""
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, ""
		}
		var err error
		if f, err = strconv.ParseFloat(string(v), 64); err != nil {
			return 0, "is out of range for a 64-bit integer"
		}
	case float64:
		f = v
	default:
		return 0, "must be an integer, not " + typeName(raw)
	}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		return 0, "must be a whole number"
	case f < math.MinInt64 || f >= math.MaxInt64:
		return 0, "is out of range for a 64-bit integer"
	}
	return int64(f), ""
}

// typeName describes the type of a generic tree value for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table (an object)"
	case time.Time, toml.LocalDate, toml.LocalTime, toml.LocalDateTime:
		return "a date or time"
	}
	return fmt.Sprintf("%T", v)
}

// suggest returns ` (did you mean "k"?)` for the known key closest to an
// unknown one, or "" when none is close.
func suggest(unknown string, known []string) string {
	best, bestDist := "", 3 // at most two edits away
	if len(unknown) <= 3 {
		bestDist = 2
	}
	for _, k := range known {
		if d := editDistance(strings.ToLower(unknown), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return fmt.Sprintf(" (known keys: %s)", strings.Join(known, ", "))
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

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
