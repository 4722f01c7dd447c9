package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/wasmsandbox/sandbox/internal/packages"
)

// The committed files schema/policy.schema.json and schema/result.schema.json
// hold the output of PolicySchema and ResultSchema; a test keeps them equal.
//go:generate go test -run TestSchemas -update .

// jsonSchemaDialect is the JSON Schema draft the generated schemas follow.
const jsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// goDurationPattern matches the non-negative durations time.ParseDuration
// accepts: "0", or numbers with units such as "30s", "1m30s", "1.5h", "500ms".
const goDurationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// PolicySchema returns the JSON Schema (draft 2020-12) of a policy as
// ParsePolicy reads it in JSON, and as json.Marshal writes it: every key is
// optional and an absent one takes its default, unknown keys are not
// allowed, and timeout is a Go duration string. The schema carries each
// key's description, default and bounds, so it can be handed to an LLM or a
// form builder. Some rules (guest paths must not overlap, host directories
// must exist) are beyond a schema; Validate checks them.
func PolicySchema() ([]byte, error) {
	s, err := jsonschema.For[Policy](&jsonschema.ForOptions{
		TypeSchemas: map[reflect.Type]*jsonschema.Schema{
			durationType: {Type: "string", Pattern: goDurationPattern},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("policy schema: %w", err)
	}
	s.Schema = jsonSchemaDialect
	s.Title = "wasmsandbox policy"
	s.Description = "Limits and mounts for running untrusted code in a wasmsandbox WebAssembly sandbox. Every key is optional; an absent key, or 0, takes its default."

	defaults := Policy{}.WithDefaults()
	zero := 0.0
	for key, d := range map[string]any{
		"fuel_budget":         defaults.FuelBudget,
		"memory_bytes":        defaults.MemoryBytes,
		"timeout":             defaults.Timeout.String(),
		"stdout_max_bytes":    defaults.StdoutMaxBytes,
		"stderr_max_bytes":    defaults.StderrMaxBytes,
		"max_code_bytes":      defaults.MaxCodeBytes,
		"guest_workspace":     defaults.GuestWorkspace,
		"workspace_max_bytes": defaults.WorkspaceMaxBytes,
	} {
		prop := s.Properties[key]
		if prop == nil {
			return nil, fmt.Errorf("policy schema: no property %q", key)
		}
		if prop.Default, err = json.Marshal(d); err != nil {
			return nil, fmt.Errorf("policy schema: default of %s: %w", key, err)
		}
		if prop.Type == "integer" {
			prop.Minimum = &zero
		}
	}
	maxMem := float64(MaxMemoryBytes)
	s.Properties["memory_bytes"].Maximum = &maxMem
	s.Properties["guest_workspace"].Pattern = "^/"
	s.Properties["mounts"].Items.Properties["guest"].Pattern = "^/."
	s.Properties["mounts"].Items.Properties["writable"].Default = json.RawMessage("false")
	maxSets := packages.MaxSets
	s.Properties["packages"].MaxItems = &maxSets
	s.Properties["packages"].UniqueItems = true
	s.Properties["packages"].Items.Pattern = packages.SetNamePattern
	return marshalSchema(s)
}

// ResultSchema returns the JSON Schema (draft 2020-12) of a Result as
// json.Marshal writes it (the `--json` output of the command line and the
// structured content of the MCP execute_code tool), with a description of
// every field and the possible outcome and runtime values.
func ResultSchema() ([]byte, error) {
	outcomeEnum := make([]any, len(outcomes))
	for i, o := range outcomes {
		outcomeEnum[i] = string(o)
	}
	var runtimeEnum []any
	for _, r := range Runtimes() {
		runtimeEnum = append(runtimeEnum, string(r))
	}
	s, err := jsonschema.For[Result](&jsonschema.ForOptions{
		TypeSchemas: map[reflect.Type]*jsonschema.Schema{
			reflect.TypeFor[Outcome](): {Type: "string", Enum: outcomeEnum},
			reflect.TypeFor[Runtime](): {Type: "string", Enum: runtimeEnum},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("result schema: %w", err)
	}
	s.Schema = jsonSchemaDialect
	s.Title = "wasmsandbox result"
	s.Description = "What untrusted code did during one execution in a wasmsandbox WebAssembly sandbox. A limit that stopped the guest is an outcome, not an error."
	return marshalSchema(s)
}

// marshalSchema renders a schema as indented JSON with a final newline, its
// "$schema", "title" and "description" first so that a reader meets them
// before the properties (Schema.MarshalJSON puts them last).
func marshalSchema(s *jsonschema.Schema) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("marshal schema: %w", err)
	}
	type member struct {
		key   string
		value json.RawMessage
	}
	var top []member
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, fmt.Errorf("reorder schema: %w", err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("reorder schema: %w", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("reorder schema: %w", err)
		}
		top = append(top, member{k.(string), v})
	}
	first := []string{"$schema", "title", "description"}
	rank := func(k string) int {
		if i := slices.Index(first, k); i >= 0 {
			return i
		}
		return len(first)
	}
	slices.SortStableFunc(top, func(a, b member) int { return rank(a.key) - rank(b.key) })

	var ordered bytes.Buffer
	ordered.WriteByte('{')
	for i, kv := range top {
		if i > 0 {
			ordered.WriteByte(',')
		}
		k, _ := json.Marshal(kv.key)
		ordered.Write(k)
		ordered.WriteByte(':')
		ordered.Write(kv.value)
	}
	ordered.WriteByte('}')

	var buf bytes.Buffer
	if err := json.Indent(&buf, ordered.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("indent schema: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
