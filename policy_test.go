package sandbox

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

func TestPolicyWithDefaults(t *testing.T) {
	want := Policy{
		FuelBudget:        40_000_000_000,
		MemoryBytes:       128 << 20,
		Timeout:           30 * time.Second,
		StdoutMaxBytes:    2_000_000,
		StderrMaxBytes:    1_000_000,
		MaxCodeBytes:      1 << 20,
		GuestWorkspace:    "/app",
		WorkspaceMaxBytes: 1 << 30,
	}
	if got := (Policy{}).WithDefaults(); !reflect.DeepEqual(got, want) {
		t.Errorf("Policy{}.WithDefaults() = %+v, want %+v", got, want)
	}
	// Set fields are kept, and WithDefaults is idempotent.
	p := Policy{FuelBudget: 7, Timeout: time.Second, GuestWorkspace: "/w", Env: map[string]string{}}
	got := p.WithDefaults()
	if got.FuelBudget != 7 || got.Timeout != time.Second || got.GuestWorkspace != "/w" || got.Env == nil {
		t.Errorf("WithDefaults() changed set fields: %+v", got)
	}
	if again := got.WithDefaults(); !reflect.DeepEqual(again, got) {
		t.Errorf("WithDefaults() is not idempotent: %+v then %+v", got, again)
	}
	if err := (Policy{}).Validate(); err != nil {
		t.Errorf("Policy{}.Validate() = %v, want nil", err)
	}
}

// policyFields returns the Field of every FieldError in err, failing the
// test unless err is a *PolicyError that wraps ErrInvalidPolicy.
func policyFields(t *testing.T, err error) []string {
	t.Helper()
	if !errors.Is(err, ErrInvalidPolicy) {
		t.Fatalf("error %v does not wrap ErrInvalidPolicy", err)
	}
	var pe *PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *PolicyError", err)
	}
	var fields []string
	for _, f := range pe.Fields {
		fields = append(fields, f.Field)
	}
	return fields
}

func TestPolicyValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	ws, data := filepath.Join(dir, "ws"), filepath.Join(dir, "data")
	for _, d := range []string{ws, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mnt := func(host, guest string) []Mount { return []Mount{{Host: host, Guest: guest}} }

	tests := []struct {
		name   string
		p      Policy
		field  string // "" means valid
		reason string // a part of the reason, when it matters
	}{
		{"zero", Policy{}, "", ""},
		{"all set", Policy{
			FuelBudget: 1, MemoryBytes: MinMemoryBytes, Timeout: time.Millisecond,
			StdoutMaxBytes: 1, StderrMaxBytes: 1, MaxCodeBytes: 1, WorkspaceMaxBytes: 1,
			Workspace: ws, GuestWorkspace: "/w",
			Mounts: []Mount{{Host: ws, Guest: "/data", Writable: true}, {Host: data, Guest: "/data2"}},
			Env:    map[string]string{"A": "b=c", "EMPTY": ""},
			Argv:   []string{"python", "-c", ""},
		}, "", ""},
		{"max memory", Policy{MemoryBytes: MaxMemoryBytes}, "", ""},
		{"sibling paths", Policy{GuestWorkspace: "/a", Mounts: mnt(dir, "/ab")}, "", ""},

		{"negative fuel", Policy{FuelBudget: -1}, "fuel_budget", "negative"},
		{"negative memory", Policy{MemoryBytes: -1}, "memory_bytes", "negative"},
		{"negative timeout", Policy{Timeout: -time.Second}, "timeout", "negative"},
		{"negative stdout", Policy{StdoutMaxBytes: -1}, "stdout_max_bytes", "negative"},
		{"negative stderr", Policy{StderrMaxBytes: -1}, "stderr_max_bytes", "negative"},
		{"negative code", Policy{MaxCodeBytes: -1}, "max_code_bytes", "negative"},
		{"negative workspace max", Policy{WorkspaceMaxBytes: -1}, "workspace_max_bytes", "negative"},
		{"memory too small", Policy{MemoryBytes: MinMemoryBytes - 1}, "memory_bytes", "16 MiB"},
		{"memory too large", Policy{MemoryBytes: MaxMemoryBytes + 1}, "memory_bytes", "4 GiB"},

		{"workspace guest relative", Policy{GuestWorkspace: "app"}, "guest_workspace", "absolute"},
		{"workspace guest root", Policy{GuestWorkspace: "/"}, "guest_workspace", `"/"`},
		{"workspace guest unclean", Policy{GuestWorkspace: "/app/../x"}, "guest_workspace", "clean"},
		{"workspace guest trailing slash", Policy{GuestWorkspace: "/app/"}, "guest_workspace", "clean"},
		{"workspace guest NUL", Policy{GuestWorkspace: "/a\x00b"}, "guest_workspace", "NUL"},
		{"workspace missing", Policy{Workspace: missing}, "workspace", "does not exist"},
		{"workspace file", Policy{Workspace: file}, "workspace", "is not a directory"},

		{"mount guest relative", Policy{Mounts: mnt(dir, "data")}, "mounts[0].guest", "absolute"},
		{"mount guest empty", Policy{Mounts: mnt(dir, "")}, "mounts[0].guest", "empty"},
		{"mount guest root", Policy{Mounts: mnt(dir, "/")}, "mounts[0].guest", `"/"`},
		{"mount guest dot", Policy{Mounts: mnt(dir, "/data/.")}, "mounts[0].guest", "clean"},
		{"mount guest double slash", Policy{Mounts: mnt(dir, "//data")}, "mounts[0].guest", "clean"},
		{"mount guest NUL", Policy{Mounts: mnt(dir, "/d\x00")}, "mounts[0].guest", "NUL"},
		{"mount host empty", Policy{Mounts: mnt("", "/data")}, "mounts[0].host", "host directory"},
		{"mount host missing", Policy{Mounts: mnt(missing, "/data")}, "mounts[0].host", "does not exist"},
		{"mount host file", Policy{Mounts: mnt(file, "/data")}, "mounts[0].host", "is not a directory"},
		{"mount host NUL", Policy{Mounts: mnt("a\x00b", "/data")}, "mounts[0].host", "NUL"},

		{"mount equals workspace", Policy{Mounts: mnt(dir, "/app")}, "mounts[0].guest", "guest_workspace"},
		{"mount inside workspace", Policy{Mounts: mnt(dir, "/app/data")}, "mounts[0].guest", "inside guest_workspace"},
		{"mount contains workspace", Policy{GuestWorkspace: "/srv/app", Mounts: mnt(dir, "/srv")}, "mounts[0].guest", "contains guest_workspace"},
		{"mounts equal", Policy{Mounts: []Mount{{Host: dir, Guest: "/d"}, {Host: dir, Guest: "/d"}}}, "mounts[1].guest", "same as mounts[0].guest"},
		{"mounts nested", Policy{Mounts: []Mount{{Host: dir, Guest: "/d/e"}, {Host: dir, Guest: "/d"}}}, "mounts[1].guest", "mounts[0].guest"},

		{"env empty key", Policy{Env: map[string]string{"": "x"}}, `env[""]`, "empty"},
		{"env key with =", Policy{Env: map[string]string{"A=B": "x"}}, `env["A=B"]`, `"="`},
		{"env key NUL", Policy{Env: map[string]string{"A\x00": "x"}}, `env["A\x00"]`, "NUL"},
		{"env value NUL", Policy{Env: map[string]string{"SECRET": "hunter2\x00"}}, "env.SECRET", "NUL"},
		{"argv NUL", Policy{Argv: []string{"ok", "a\x00"}}, "argv[1]", "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", tt.p, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%+v) = nil, want an error for %s", tt.p, tt.field)
			}
			fields := policyFields(t, err)
			if len(fields) != 1 || fields[0] != tt.field {
				t.Errorf("Validate(%+v) fields = %q, want [%q]", tt.p, fields, tt.field)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.field) || !strings.Contains(msg, tt.reason) {
				t.Errorf("Validate(%+v) = %q, want it to name %s and say %q", tt.p, msg, tt.field, tt.reason)
			}
		})
	}
}

func TestPolicyValidateReportsEveryField(t *testing.T) {
	p := Policy{
		FuelBudget:     -1,
		Timeout:        -time.Second,
		MemoryBytes:    1024,
		GuestWorkspace: "app",
		Mounts:         []Mount{{Host: filepath.Join(t.TempDir(), "nope"), Guest: "/"}},
	}
	err := p.Validate()
	want := []string{"fuel_budget", "timeout", "memory_bytes", "guest_workspace", "mounts[0].host", "mounts[0].guest"}
	got := policyFields(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Validate() fields = %q, want %q", got, want)
	}
	msg := err.Error()
	for _, s := range append(want, "-1", `"-1s"`, "1024", `"app"`, "6 problems", "does not exist") {
		if !strings.Contains(msg, s) {
			t.Errorf("Validate() message lacks %q: %s", s, msg)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("Validate() message spans lines: %q", msg)
	}
}

func TestPolicyValidateHidesEnvValues(t *testing.T) {
	err := Policy{Env: map[string]string{"TOKEN": "s3cr3t\x00"}}.Validate()
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("Validate() = %v, want an error that does not show the value", err)
	}
}

func TestPolicyValidateHostOverlap(t *testing.T) {
	base := t.TempDir()
	dirs := []string{"ws", "ws/sub", "wsx", "other", "other/sub", "ro"}
	for _, d := range dirs {
		if err := os.Mkdir(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	at := func(d string) string { return filepath.Join(base, d) }
	// link is another name for the workspace.
	link := at("link")
	if err := os.Symlink(at("ws"), link); err != nil {
		t.Skipf("cannot make a symbolic link: %v", err)
	}
	ro := func(host, guest string) Mount { return Mount{Host: host, Guest: guest} }
	rw := func(host, guest string) Mount { return Mount{Host: host, Guest: guest, Writable: true} }

	tests := []struct {
		name      string
		workspace string
		mounts    []Mount
		fields    []string // none means valid
		reason    string   // a part of the message, when it matters
	}{
		// Fine: nothing read-only can be reached through a writable path.
		{"disjoint", at("ws"), []Mount{ro(at("ro"), "/ro"), rw(at("other"), "/out")}, nil, ""},
		{"sibling with a common prefix", at("ws"), []Mount{ro(at("wsx"), "/ro")}, nil, ""},
		{"no workspace", "", []Mount{ro(base, "/ro")}, nil, ""},
		{"read-only mounts overlap", at("ws"), []Mount{ro(at("other"), "/a"), ro(at("other/sub"), "/b"), ro(at("other"), "/c")}, nil, ""},
		{"writable mounts overlap", at("ws"), []Mount{rw(at("other"), "/a"), rw(at("other/sub"), "/b"), rw(at("other"), "/c")}, nil, ""},
		{"writable mount inside the workspace", at("ws"), []Mount{rw(at("ws/sub"), "/sub")}, nil, ""},
		{"writable mount is the workspace", at("ws"), []Mount{rw(at("ws"), "/again")}, nil, ""},

		// A read-only mount and the workspace.
		{"read-only mount is the workspace", at("ws"), []Mount{ro(at("ws"), "/ro")}, []string{"mounts[0].host"}, "is the same directory as the workspace"},
		{"read-only mount inside the workspace", at("ws"), []Mount{ro(at("ws/sub"), "/ro")}, []string{"mounts[0].host"}, "is inside the workspace"},
		{"read-only mount contains the workspace", at("ws"), []Mount{ro(base, "/ro")}, []string{"mounts[0].host"}, "contains the workspace"},
		{"read-only mount through a symlink to the workspace", at("ws"), []Mount{ro(link, "/ro")}, []string{"mounts[0].host"}, "once symbolic links are resolved"},
		{"read-only mount inside a symlink to the workspace", at("ws"), []Mount{ro(filepath.Join(link, "sub"), "/ro")}, []string{"mounts[0].host"}, "is inside the workspace"},
		{"workspace through a symlink", link, []Mount{ro(at("ws/sub"), "/ro")}, []string{"mounts[0].host"}, "once symbolic links are resolved"},
		{"unclean read-only path", at("ws"), []Mount{ro(at("other")+"/../ws/./sub/", "/ro")}, []string{"mounts[0].host"}, "is inside the workspace"},
		{"the message names the guest path", at("ws"), []Mount{ro(at("ws"), "/ro")}, []string{"mounts[0].host"}, "through /app"},

		// A read-only mount and a writable one, in either order.
		{"read-only inside an earlier writable mount", at("ws"), []Mount{rw(at("other"), "/out"), ro(at("other/sub"), "/ro")}, []string{"mounts[1].host"}, "is inside mounts[0].host"},
		{"read-only inside a later writable mount", at("ws"), []Mount{ro(at("other/sub"), "/ro"), rw(at("other"), "/out")}, []string{"mounts[0].host"}, "through /out"},
		{"read-only contains a writable mount", "", []Mount{ro(at("other"), "/ro"), rw(at("other/sub"), "/out")}, []string{"mounts[0].host"}, "contains mounts[1].host"},
		{"read-only is a writable mount", "", []Mount{rw(link, "/out"), ro(at("ws"), "/ro")}, []string{"mounts[1].host"}, "make both read-only"},

		// Every read-only mount is reported, once.
		{"two read-only mounts", at("ws"), []Mount{ro(at("ws/sub"), "/a"), rw(at("other"), "/out"), ro(at("other/sub"), "/b")}, []string{"mounts[0].host", "mounts[2].host"}, ""},
		{"overlapping the workspace and a writable mount", at("ws"), []Mount{rw(at("ws/sub"), "/out"), ro(at("ws/sub"), "/ro")}, []string{"mounts[1].host"}, "the workspace"},
		// A host path that cannot be used is reported as such, not as an overlap.
		{"missing read-only mount", at("ws"), []Mount{ro(at("ws/missing"), "/ro")}, []string{"mounts[0].host"}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Workspace: tt.workspace, Mounts: tt.mounts}
			err := p.Validate()
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", p, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%+v) = nil, want an error for %q", p, tt.fields)
			}
			if fields := policyFields(t, err); !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("Validate(%+v) fields = %q, want %q", p, fields, tt.fields)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.reason) {
				t.Errorf("Validate(%+v) = %q, want it to say %q", p, msg, tt.reason)
			}
		})
	}
}

// TestPolicyValidateHostOverlapRelative resolves a relative host path
// against the working directory before comparing it.
func TestPolicyValidateHostOverlapRelative(t *testing.T) {
	base := t.TempDir()
	if err := os.MkdirAll(filepath.Join(base, "ws", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(base)
	err := Policy{Workspace: filepath.Join(base, "ws"), Mounts: []Mount{{Host: "ws/sub", Guest: "/ro"}}}.Validate()
	if fields := policyFields(t, err); !reflect.DeepEqual(fields, []string{"mounts[0].host"}) {
		t.Errorf("Validate() fields = %q, want [mounts[0].host]: %v", fields, err)
	}
}

// fullPolicy returns a policy that sets every key, with its directories
// created under dir.
func fullPolicy(t *testing.T, dir string) Policy {
	t.Helper()
	for _, d := range []string{"ws", "data", "out"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return Policy{
		FuelBudget:     1_000_000,
		MemoryBytes:    64 << 20,
		Timeout:        90*time.Second + 500*time.Millisecond,
		StdoutMaxBytes: 100,
		StderrMaxBytes: 200,
		MaxCodeBytes:   300,
		Workspace:      filepath.Join(dir, "ws"),
		GuestWorkspace: "/work",
		Mounts: []Mount{
			{Host: filepath.Join(dir, "data"), Guest: "/data"},
			{Host: filepath.Join(dir, "out"), Guest: "/out", Writable: true},
		},
		Env:               map[string]string{"LANG": "C.UTF-8", "X": "a=b"},
		Argv:              []string{"python", "-I"},
		WorkspaceMaxBytes: 4096,
		Packages:          []string{"default", "data-science"},
	}
}

func TestParsePolicyTOML(t *testing.T) {
	dir := t.TempDir()
	want := fullPolicy(t, dir)
	doc := `# a policy
fuel_budget = 1_000_000
memory_bytes = 67108864
timeout = "1m30.5s"
stdout_max_bytes = 100
stderr_max_bytes = 200
max_code_bytes = 300
workspace = "` + filepath.ToSlash(want.Workspace) + `"
guest_workspace = "/work"
argv = ["python", "-I"]
workspace_max_bytes = 4096
packages = ["default", "data-science"]

[env]
LANG = "C.UTF-8"
X = "a=b"

[[mounts]]
host = "` + want.Mounts[0].Host + `"
guest = "/data"

[[mounts]]
host = "` + want.Mounts[1].Host + `"
guest = "/out"
writable = true
`
	got, err := ParsePolicy([]byte(doc), "toml")
	if err != nil {
		t.Fatalf("ParsePolicy(toml) error: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePolicy(toml) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	dir := t.TempDir()
	full := fullPolicy(t, dir)
	noEnv := Policy{Env: map[string]string{}, Argv: []string{}}
	for _, p := range []Policy{{}, full, noEnv, {Timeout: time.Nanosecond}, {Timeout: 2 * time.Hour}} {
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("json.Marshal(%+v): %v", p, err)
		}
		if p.Timeout != 0 && !strings.Contains(string(data), `"timeout":"`+p.Timeout.String()+`"`) {
			t.Errorf("json.Marshal(%+v) = %s, want timeout as a duration string", p, data)
		}
		got, err := ParsePolicy(data, "json")
		if err != nil {
			t.Fatalf("ParsePolicy(%s): %v", data, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("ParsePolicy(json.Marshal(p)) = %+v, want %+v (JSON %s)", got, p, data)
		}
		var viaStd Policy
		if err := json.Unmarshal(data, &viaStd); err != nil || !reflect.DeepEqual(viaStd, p) {
			t.Errorf("json.Unmarshal(%s) = %+v, %v; want %+v", data, viaStd, err, p)
		}
	}
	if data, _ := json.Marshal(Policy{}); string(data) != "{}" {
		t.Errorf("json.Marshal(Policy{}) = %s, want {}", data)
	}
	// An empty env means "no variables", unlike an absent one: keep it.
	if data, _ := json.Marshal(noEnv); string(data) != `{"env":{},"argv":[]}` {
		t.Errorf("json.Marshal(%+v) = %s", noEnv, data)
	}
}

// TestPolicyTOMLRoundTrip checks that the TOML and JSON forms have the same
// keys and values: the JSON form converted to TOML parses to the same policy.
func TestPolicyTOMLRoundTrip(t *testing.T) {
	p := fullPolicy(t, t.TempDir())
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	for k, v := range tree {
		if f, ok := v.(float64); ok {
			tree[k] = int64(f)
		}
	}
	doc, err := toml.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePolicy(doc, "toml")
	if err != nil {
		t.Fatalf("ParsePolicy(%s): %v", doc, err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("ParsePolicy(toml) =\n%+v\nwant\n%+v\nTOML:\n%s", got, p, doc)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name   string
		format string
		doc    string
		fields []string // every Field reported, in order
		msg    []string // parts of the message
	}{
		{"toml unknown key", "toml", "fuel_budgett = 1\n", []string{"fuel_budgett"},
			[]string{`unknown key "fuel_budgett"`, `did you mean "fuel_budget"?`}},
		{"json unknown key", "json", `{"fuel_budgett": 1}`, []string{"fuel_budgett"},
			[]string{`unknown key "fuel_budgett"`}},
		{"unknown key far from any", "toml", "colour = 1\n", []string{"colour"},
			[]string{`unknown key "colour"`, "known keys: fuel_budget"}},
		{"toml unknown mount key", "toml", "[[mounts]]\nhostt = \"/x\"\nguest = \"/d\"\n", []string{"mounts[0].hostt", "mounts[0].host"},
			[]string{`unknown key "mounts[0].hostt"`, `did you mean "host"?`}},
		{"json unknown mount key", "json", `{"mounts": [{"host": ".", "guest": "/d", "rw": true}]}`, []string{"mounts[0].rw"},
			[]string{`unknown key "mounts[0].rw"`}},

		{"toml wrong type int", "toml", `fuel_budget = "lots"`, []string{"fuel_budget"}, []string{"must be an integer, not a string"}},
		{"json wrong type int", "json", `{"memory_bytes": true}`, []string{"memory_bytes"}, []string{"memory_bytes = true: must be an integer"}},
		{"toml timeout number", "toml", `timeout = 30`, []string{"timeout"}, []string{`timeout = 30: must be a duration string such as "30s"`}},
		{"json timeout number", "json", `{"timeout": 30}`, []string{"timeout"}, []string{"timeout = 30"}},
		{"timeout not a duration", "toml", `timeout = "30 seconds"`, []string{"timeout"}, []string{"is not a duration"}},
		{"toml timeout time", "toml", `timeout = 00:00:30`, []string{"timeout"}, []string{"not a date or time"}},
		{"fractional", "json", `{"fuel_budget": 1.5}`, []string{"fuel_budget"}, []string{"whole number"}},
		{"too large", "json", `{"fuel_budget": 1e30}`, []string{"fuel_budget"}, []string{"out of range"}},
		{"mounts not array", "toml", `mounts = "/x:/y"`, []string{"mounts"}, []string{"must be an array"}},
		{"mount not table", "json", `{"mounts": ["/x"]}`, []string{"mounts[0]"}, []string{"must be a table"}},
		{"writable not bool", "toml", "[[mounts]]\nhost = \".\"\nguest = \"/d\"\nwritable = \"yes\"\n", []string{"mounts[0].writable"}, []string{"true or false"}},
		{"env not table", "json", `{"env": ["A=b"]}`, []string{"env"}, nil},
		{"env value not string", "toml", "[env]\nA = 1\n", []string{"env.A"}, []string{"must be a string"}},
		{"argv not array", "json", `{"argv": "python"}`, []string{"argv"}, nil},
		{"argv item not string", "json", `{"argv": ["python", 3]}`, []string{"argv[1]"}, nil},
		{"packages not array", "toml", `packages = "default"`, []string{"packages"}, []string{"must be an array"}},
		{"packages item not string", "json", `{"packages": ["default", 3]}`, []string{"packages[1]"}, []string{"must be a string"}},
		{"packages bad name", "toml", `packages = ["Data Science", "../x", ""]`, []string{"packages[0]", "packages[1]", "packages[2]"}, []string{"lower-case letters"}},
		{"packages twice", "json", `{"packages": ["default", "default"]}`, []string{"packages[1]"}, []string{"same as packages[0]"}},
		{"packages too many", "json", `{"packages": ["a", "b", "c", "d", "e", "f", "g", "h", "i"]}`, []string{"packages"}, []string{"more than 8"}},
		{"packages over a mount", "toml", "packages = [\"default\"]\n[[mounts]]\nhost = \".\"\nguest = \"/packages\"\n", []string{"packages[0]"}, []string{`is inside mounts[0].guest "/packages"`}},
		{"json duplicate key", "json", `{"fuel_budget": 1, "fuel_budget": 2}`, []string{"fuel_budget"}, []string{"more than once"}},

		{"toml negative", "toml", "fuel_budget = -1\n", []string{"fuel_budget"}, []string{"fuel_budget = -1: must not be negative"}},
		{"json negative", "json", `{"stdout_max_bytes": -5}`, []string{"stdout_max_bytes"}, []string{"stdout_max_bytes = -5"}},
		{"negative timeout", "toml", `timeout = "-5s"`, []string{"timeout"}, []string{`timeout = "-5s": must not be negative`}},
		{"small memory", "json", `{"memory_bytes": 1000}`, []string{"memory_bytes"}, []string{"16 MiB"}},
		{"missing mount host", "toml", "[[mounts]]\nguest = \"/d\"\n", []string{"mounts[0].host"}, nil},

		{"many at once", "toml", `
fuel_budget = -1
fuel_budgett = 5
timeout = 5
memory_bytes = "big"
guest_workspace = "app"
[[mounts]]
host = 7
guest = "x"
[env]
"" = "x"
`, []string{"fuel_budget", "memory_bytes", "timeout", "guest_workspace", "mounts[0].host", "mounts[0].guest", `env[""]`, "fuel_budgett"}, []string{"8 problems"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tt.doc), tt.format)
			if err == nil {
				t.Fatalf("ParsePolicy(%q, %s) = nil error, want one for %q", tt.doc, tt.format, tt.fields)
			}
			if got := policyFields(t, err); !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("ParsePolicy(%q) fields = %q, want %q\n(error: %v)", tt.doc, got, tt.fields, err)
			}
			msg := err.Error()
			for _, s := range append(tt.msg, tt.fields...) {
				if !strings.Contains(msg, s) {
					t.Errorf("ParsePolicy(%q) error %q lacks %q", tt.doc, msg, s)
				}
			}
		})
	}
}

func TestParsePolicySyntaxErrors(t *testing.T) {
	tests := []struct{ format, doc, msg string }{
		{"toml", "fuel_budget = 1\nfuel_budget = 2\n", "line 2"},
		{"toml", "fuel_budget = \n", "line 1"},
		{"toml", "fuel_budget = 99999999999999999999\n", "line 1"},
		{"json", "{\n  \"fuel_budget\": 1,\n}", "line 3"},
		{"json", `{"fuel_budget": 1`, "invalid JSON"},
		{"json", `{"argv": ` + strings.Repeat("[", 1e5) + strings.Repeat("]", 1e5) + `}`, "nests more than"},
		{"toml", `argv = ` + strings.Repeat("[", 1e5) + strings.Repeat("]", 1e5), "TOML"},
		{"json", `{"fuel_budget": 1} {}`, "after the policy object"},
		{"json", `[1, 2]`, "must be an object"},
		{"json", ``, "empty JSON document"},
		{"yaml", `fuel_budget: 1`, `unknown policy format "yaml"`},
	}
	for _, tt := range tests {
		_, err := ParsePolicy([]byte(tt.doc), tt.format)
		if !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParsePolicy(%q, %s) = %v, want an invalid-policy error containing %q", tt.doc, tt.format, err, tt.msg)
		}
	}
}

func TestParsePolicyLenient(t *testing.T) {
	tests := []struct {
		format, doc string
		want        Policy
	}{
		{"toml", "", Policy{}},
		{"json", `{}`, Policy{}},
		{"json", `{"fuel_budget": null, "env": null}`, Policy{}},
		{"json", `{"fuel_budget": 5e9}`, Policy{FuelBudget: 5e9}},
		{"toml", `fuel_budget = 5e9`, Policy{FuelBudget: 5e9}},
		{"toml", `timeout = "0s"`, Policy{}},
		{"json", `{"env": {}}`, Policy{Env: map[string]string{}}},
		{"", `{"timeout": "2m"}`, Policy{Timeout: 2 * time.Minute}},
		{"", `timeout = "2m"`, Policy{Timeout: 2 * time.Minute}},
		{".TOML", `timeout = "2m"`, Policy{Timeout: 2 * time.Minute}},
		{"", "\uFEFF{\"timeout\": \"2m\"}", Policy{Timeout: 2 * time.Minute}},
		{"toml", "\uFEFFtimeout = \"2m\"", Policy{Timeout: 2 * time.Minute}},
	}
	for _, tt := range tests {
		got, err := ParsePolicy([]byte(tt.doc), tt.format)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePolicy(%q, %q) = %+v, %v; want %+v", tt.doc, tt.format, got, err, tt.want)
		}
	}
}

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"data", "ws", filepath.Join("sub", "in")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("relative host paths", func(t *testing.T) {
		path := write("p.toml", `workspace = "ws"
[[mounts]]
host = "data"
guest = "/data"
[[mounts]]
host = "./sub/in/.."
guest = "/sub"
`)
		// Load from another working directory to show the paths do not
		// depend on it.
		t.Chdir(t.TempDir())
		got, err := LoadPolicy(path)
		if err != nil {
			t.Fatalf("LoadPolicy: %v", err)
		}
		want := Policy{Workspace: filepath.Join(dir, "ws"), Mounts: []Mount{
			{Host: filepath.Join(dir, "data"), Guest: "/data"},
			{Host: filepath.Join(dir, "sub"), Guest: "/sub"},
		}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("LoadPolicy(%s) = %+v, want %+v", path, got, want)
		}
	})

	t.Run("relative path that does not exist", func(t *testing.T) {
		path := write("bad.json", `{"mounts": [{"host": "nope", "guest": "/n"}]}`)
		_, err := LoadPolicy(path)
		if got := policyFields(t, err); !reflect.DeepEqual(got, []string{"mounts[0].host"}) {
			t.Errorf("LoadPolicy fields = %q", got)
		}
		if msg := err.Error(); !strings.Contains(msg, filepath.Join(dir, "nope")) || !strings.Contains(msg, path) {
			t.Errorf("LoadPolicy error %q should name the file and the resolved path", msg)
		}
	})

	t.Run("format by extension or content", func(t *testing.T) {
		for name, content := range map[string]string{
			"a.json":   `{"timeout": "1s"}`,
			"a.JSON":   `{"timeout": "1s"}`,
			"a.toml":   `timeout = "1s"`,
			"a.policy": `{"timeout": "1s"}`,
			"policy":   `timeout = "1s"`,
		} {
			got, err := LoadPolicy(write(name, content))
			if err != nil || got.Timeout != time.Second {
				t.Errorf("LoadPolicy(%s) = %+v, %v; want timeout 1s", name, got, err)
			}
		}
		// The extension wins over the content.
		if _, err := LoadPolicy(write("b.toml", `{"timeout": "1s"}`)); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("LoadPolicy(JSON in .toml) = %v, want ErrInvalidPolicy", err)
		}
		_, err := LoadPolicy(write("c.yaml", `timeout: 1s`))
		if !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), ".toml or .json") {
			t.Errorf("LoadPolicy(.yaml) = %v, want a clear refusal", err)
		}
	})

	t.Run("missing file", func(t *testing.T) {
		_, err := LoadPolicy(filepath.Join(dir, "none.toml"))
		if !errors.Is(err, ErrInvalidPolicy) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("LoadPolicy(missing) = %v, want ErrInvalidPolicy and fs.ErrNotExist", err)
		}
	})
}

func TestPolicyUnmarshalJSONIsStrict(t *testing.T) {
	var v struct {
		Policy Policy `json:"policy"`
	}
	err := json.Unmarshal([]byte(`{"policy": {"fuel_budget": 1, "mounts": [{"host": "/", "guest": "/x", "mode": "rw"}]}}`), &v)
	if err == nil || !strings.Contains(err.Error(), `unknown key "mounts[0].mode"`) || !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("json.Unmarshal with an unknown key = %v, want it named", err)
	}
	if err := json.Unmarshal([]byte(`{"policy": null}`), &v); err != nil {
		t.Errorf("json.Unmarshal(null policy) = %v", err)
	}
}

func TestFieldErrorMessage(t *testing.T) {
	tests := []struct {
		fe   FieldError
		want string
	}{
		{FieldError{"fuel_budget", int64(-1), "must not be negative"}, "fuel_budget = -1: must not be negative"},
		{FieldError{"timeout", -time.Second, "must not be negative"}, `timeout = "-1s": must not be negative`},
		{FieldError{"guest_workspace", "app", "must be absolute"}, `guest_workspace = "app": must be absolute`},
		{FieldError{"colour", int64(1), reasonUnknownKey}, `unknown key "colour"`},
		{FieldError{"x", nil, "is wrong"}, "x: is wrong"},
		{FieldError{"argv[0]", strings.Repeat("a", 200), "r"}, `argv[0] = "` + strings.Repeat("a", 77) + `...": r`},
	}
	for _, tt := range tests {
		if got := tt.fe.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.fe, got, tt.want)
		}
	}
	one := &PolicyError{Fields: []FieldError{tests[0].fe}}
	if got, want := one.Error(), "invalid policy: fuel_budget = -1: must not be negative"; got != want {
		t.Errorf("PolicyError.Error() = %q, want %q", got, want)
	}
}

// TestPolicyKeysMatchJSONForm keeps policyJSON (the marshalled form) in step
// with Policy: same keys, same order.
func TestPolicyKeysMatchJSONForm(t *testing.T) {
	if got, want := structKeys(reflect.TypeFor[policyJSON]()), policyKeys; !reflect.DeepEqual(got, want) {
		t.Errorf("policyJSON keys = %q, Policy keys = %q", got, want)
	}
	for i := range reflect.TypeFor[Policy]().NumField() {
		f := reflect.TypeFor[Policy]().Field(i)
		if tomlName, _, _ := strings.Cut(f.Tag.Get("toml"), ","); tomlName != jsonName(f) {
			t.Errorf("Policy.%s: toml key %q differs from json key %q", f.Name, tomlName, jsonName(f))
		}
	}
}
