package sandbox

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
)

var update = flag.Bool("update", false, "rewrite the generated files under schema/")

// TestSchemas keeps the committed schema files equal to what PolicySchema
// and ResultSchema generate.
func TestSchemas(t *testing.T) {
	for file, gen := range map[string]func() ([]byte, error){
		"policy.schema.json": PolicySchema,
		"result.schema.json": ResultSchema,
	} {
		got, err := gen()
		if err != nil {
			t.Fatalf("generate %s: %v", file, err)
		}
		path := filepath.Join("schema", file)
		if *update {
			if err := os.MkdirAll("schema", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v; generate it with: go test -run TestSchemas -update .", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with the Go types; regenerate it with: go test -run TestSchemas -update . (or go generate .)", path)
		}
	}
}

// resolved parses and resolves a generated schema.
func resolved(t *testing.T, gen func() ([]byte, error)) (*jsonschema.Schema, *jsonschema.Resolved) {
	t.Helper()
	data, err := gen()
	if err != nil {
		t.Fatal(err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("schema does not parse: %v\n%s", err, data)
	}
	rs, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("schema does not resolve: %v", err)
	}
	return &s, rs
}

// asInstance turns a value into the generic JSON a schema validates.
func asInstance(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var inst any
	if err := json.Unmarshal(data, &inst); err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestPolicySchema(t *testing.T) {
	s, rs := resolved(t, PolicySchema)

	// Every key is documented, and the schema has exactly the policy's keys.
	var keys []string
	for k, prop := range s.Properties {
		keys = append(keys, k)
		if prop.Description == "" {
			t.Errorf("policy schema: %s has no description", k)
		}
	}
	if len(keys) != len(policyKeys) {
		t.Errorf("policy schema keys = %q, want %q", keys, policyKeys)
	}
	if got := string(s.Properties["timeout"].Default); got != `"30s"` {
		t.Errorf("timeout default = %s, want \"30s\"", got)
	}
	if s.Properties["timeout"].Type != "string" {
		t.Errorf("timeout type = %q, want string", s.Properties["timeout"].Type)
	}

	full := fullPolicy(t, t.TempDir())
	for _, p := range []Policy{{}, Policy{}.WithDefaults(), full, {Timeout: 1500 * time.Millisecond}, {Env: map[string]string{}}} {
		if err := rs.Validate(asInstance(t, p)); err != nil {
			t.Errorf("policy schema rejects %+v: %v", p, err)
		}
	}
	for _, doc := range []string{
		`{"fuel_budgett": 1}`,
		`{"fuel_budget": -1}`,
		`{"fuel_budget": "1"}`,
		`{"timeout": 30}`,
		`{"timeout": "30 seconds"}`,
		`{"timeout": "-5s"}`,
		`{"memory_bytes": 5000000000}`,
		`{"guest_workspace": "app"}`,
		`{"mounts": [{"host": "/x"}]}`,
		`{"mounts": [{"host": "/x", "guest": "/"}]}`,
		`{"mounts": [{"host": "/x", "guest": "/d", "rw": true}]}`,
		`{"env": {"A": 1}}`,
		`{"packages": "default"}`,
		`{"packages": ["Default"]}`,
		`{"packages": ["a", "a"]}`,
		`{"packages": ["a", "b", "c", "d", "e", "f", "g", "h", "i"]}`,
	} {
		var inst any
		if err := json.Unmarshal([]byte(doc), &inst); err != nil {
			t.Fatal(err)
		}
		if err := rs.Validate(inst); err == nil {
			t.Errorf("policy schema accepts %s", doc)
		}
	}
	// The duration pattern accepts what time.ParseDuration does.
	for _, d := range []string{"0", "30s", "1m30s", "1.5h", "500ms", "10us", "10µs", ".5s", "1h2m3s4ms5us6ns"} {
		if _, err := time.ParseDuration(d); err != nil {
			t.Fatalf("bad test duration %q: %v", d, err)
		}
		if err := rs.Validate(map[string]any{"timeout": d}); err != nil {
			t.Errorf("policy schema rejects timeout %q: %v", d, err)
		}
	}
}

func TestResultSchema(t *testing.T) {
	s, rs := resolved(t, ResultSchema)
	rt := reflect.TypeFor[Result]()
	optional := 0 // fields left out of the JSON when empty, such as globals_not_persisted
	for i := range rt.NumField() {
		if strings.Contains(rt.Field(i).Tag.Get("json"), ",omitempty") {
			optional++
		}
	}
	if len(s.Properties) != rt.NumField() || len(s.Required) != rt.NumField()-optional {
		t.Errorf("result schema has %d properties, %d required; Result has %d fields, %d optional", len(s.Properties), len(s.Required), rt.NumField(), optional)
	}
	for k, prop := range s.Properties {
		if prop.Description == "" {
			t.Errorf("result schema: %s has no description", k)
		}
	}
	if got := s.Properties["outcome"].Enum; len(got) != 6 {
		t.Errorf("outcome enum = %v, want the 6 outcomes", got)
	}

	results := []Result{
		{Outcome: OutcomeGuestError, ExitCode: 1, Runtime: Python, Error: "NameError"},
		{Success: true, Outcome: OutcomeOK, Stdout: "hi\n", FuelConsumed: 10, FuelBudget: 100, Runtime: JavaScript,
			FilesCreated: []string{"a.txt"}, FilesModified: []string{}, FilesDeleted: []string{}, SessionID: "s1"},
	}
	for _, o := range outcomes {
		results = append(results, Result{Outcome: o, Runtime: Python})
	}
	for _, r := range results {
		if err := rs.Validate(asInstance(t, r)); err != nil {
			t.Errorf("result schema rejects %+v: %v", r, err)
		}
	}
	for _, bad := range []Result{{Outcome: "exploded", Runtime: Python}, {Outcome: OutcomeOK, Runtime: "cobol"}} {
		if err := rs.Validate(asInstance(t, bad)); err == nil {
			t.Errorf("result schema accepts %+v", bad)
		}
	}
	inst := asInstance(t, results[0]).(map[string]any)
	delete(inst, "outcome")
	if err := rs.Validate(inst); err == nil || !strings.Contains(err.Error(), "outcome") {
		t.Errorf("result schema without outcome: %v, want an error naming it", err)
	}
}
