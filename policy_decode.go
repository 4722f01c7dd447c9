package sandbox

import (
	"encoding/json"
	"fmt"
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
