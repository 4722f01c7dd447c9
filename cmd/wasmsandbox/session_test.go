package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox"
)

// decodeJSON decodes stdout as exactly one JSON value into v.
func (c cli) decodeJSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(c.stdout), v); err != nil {
		t.Fatalf("stdout is not JSON: %v\nstdout:\n%s\nstderr:\n%s", err, c.stdout, c.stderr)
	}
}

func TestSessionCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sd := []string{"--sessions-dir", dir}
	session := func(args ...string) []string { return append(append([]string{"session"}, args...), sd...) }

	var created sandbox.SessionInfo
	runCLI(t, "", session("create", "--id", "s1", "--auto-persist-globals", "--fuel", smallFuel, "--workspace-max", "1MiB", "--json")...).
		want(t, exitOK).decodeJSON(t, &created)
	if created.ID != "s1" || !created.AutoPersistGlobals || created.Policy == nil || created.Policy.FuelBudget != 1_500_000_000 ||
		created.WorkspaceMaxBytes != 1<<20 || created.Runtime != sandbox.Python {
		t.Fatalf("created = %+v", created)
	}
	c := runCLI(t, "", session("create")...).want(t, exitOK)
	other := strings.TrimSpace(c.stdout)
	if err := sandbox.ValidateSessionID(other); err != nil || len(other) != 36 {
		t.Fatalf("create printed %q", c.stdout)
	}

	// Two runs: files and globals survive.
	run1 := runCLI(t, "", append([]string{"run", "--session", "s1", "--json", "-c", "x = 41\nopen('a.txt', 'w').write('hi')"}, sd...)...).want(t, exitOK).result(t)
	if run1.SessionID != "s1" || run1.FuelBudget != 1_500_000_000 || len(run1.FilesCreated) != 1 {
		t.Fatalf("run 1 = %+v", run1)
	}
	c = runCLI(t, "", append([]string{"run", "--session", "s1", "-c", "print(x + 1, open('a.txt').read())"}, sd...)...).want(t, exitOK)
	if c.stdout != "42 hi\n" || !strings.Contains(c.stderr, "ok in") {
		t.Fatalf("run 2: stdout %q stderr %q", c.stdout, c.stderr)
	}

	// Files in and out.
	local := writeFile(t, t.TempDir(), "in.csv", "a,b\n")
	runCLI(t, "", session("put", "s1", local, "data/")...).want(t, exitOK)
	runCLI(t, "from stdin", session("put", "s1", "-", "/app/std.txt")...).want(t, exitOK)
	c = runCLI(t, "", session("ls", "s1")...).want(t, exitOK)
	for _, w := range []string{"a.txt", "data/", "data/in.csv", "std.txt"} {
		if !strings.Contains(c.stdout, w) {
			t.Errorf("ls lacks %q:\n%s", w, c.stdout)
		}
	}
	var ls struct {
		ID    string                `json:"session_id"`
		Files []sandbox.SessionFile `json:"files"`
	}
	runCLI(t, "", session("ls", "s1", "data", "--json")...).want(t, exitOK).decodeJSON(t, &ls)
	if ls.ID != "s1" || len(ls.Files) != 1 || ls.Files[0].Path != "data/in.csv" || ls.Files[0].Size != 4 {
		t.Errorf("ls --json = %+v", ls)
	}
	// "/app" and the like name the whole workspace, as no DIR does.
	all := runCLI(t, "", session("ls", "s1")...).want(t, exitOK).stdout
	for _, d := range []string{"/app", "/app/", ".", "data/..", "/app/data/.."} {
		if c := runCLI(t, "", session("ls", "s1", d)...).want(t, exitOK); c.stdout != all {
			t.Errorf("ls %s:\n%s\nwant the whole workspace:\n%s", d, c.stdout, all)
		}
	}
	if c := runCLI(t, "", session("get", "s1", "std.txt", "-")...).want(t, exitOK); c.stdout != "from stdin" {
		t.Errorf("get - = %q", c.stdout)
	}
	var got map[string]any
	runCLI(t, "", session("get", "s1", "/app/data/in.csv", "-", "--json")...).want(t, exitOK).decodeJSON(t, &got)
	if got["content"] != "a,b\n" || got["path"] != "data/in.csv" {
		t.Errorf("get --json = %v", got)
	}
	runCLI(t, "", session("rm-file", "s1", "std.txt")...).want(t, exitOK)
	runCLI(t, "", session("rm-file", "s1", "std.txt")...).want(t, exitUsage)
	if c := runCLI(t, "", session("ls", "s1")...).want(t, exitOK); strings.Contains(c.stdout, "std.txt") {
		t.Errorf("rm-file left std.txt:\n%s", c.stdout)
	}
	dest := filepath.Join(t.TempDir(), "out.txt")
	runCLI(t, "", session("get", "s1", "a.txt", dest)...).want(t, exitOK)
	if data, err := os.ReadFile(dest); err != nil || string(data) != "hi" {
		t.Errorf("get to a file: %q %v", data, err)
	}

	var info sandbox.SessionInfo
	runCLI(t, "", session("info", "s1", "--json")...).want(t, exitOK).decodeJSON(t, &info)
	if info.Executions != 2 || info.WorkspaceBytes != 2+4 || info.StateBytes == 0 {
		t.Errorf("info = %+v", info)
	}
	if c := runCLI(t, "", session("info", "s1")...).want(t, exitOK); !strings.Contains(c.stdout, "executions:   2") {
		t.Errorf("info:\n%s", c.stdout)
	}
	var list struct {
		Sessions []sandbox.SessionInfo `json:"sessions"`
	}
	runCLI(t, "", session("list", "--json")...).want(t, exitOK).decodeJSON(t, &list)
	if len(list.Sessions) != 2 || list.Sessions[0].ID != "s1" {
		t.Errorf("list = %+v", list)
	}
	if c := runCLI(t, "", session("list")...).want(t, exitOK); !strings.Contains(c.stdout, "s1") || !strings.Contains(c.stdout, other) {
		t.Errorf("list:\n%s", c.stdout)
	}

	// Reset empties the workspace and the globals.
	runCLI(t, "", session("reset", "s1")...).want(t, exitOK)
	if c := runCLI(t, "", session("ls", "s1")...).want(t, exitOK); c.stdout != "" {
		t.Errorf("ls after reset:\n%s", c.stdout)
	}

	// Prune by count keeps the most recently used (s1, just reset).
	var rep sandbox.PruneReport
	runCLI(t, "", session("prune", "--keep", "1", "--json")...).want(t, exitOK).decodeJSON(t, &rep)
	if len(rep.Deleted) != 1 || rep.Deleted[0].ID != other {
		t.Errorf("prune = %+v", rep)
	}
	time.Sleep(10 * time.Millisecond)
	if c := runCLI(t, "", session("prune", "--older-than", "1ms")...).want(t, exitOK); !strings.Contains(c.stderr, "pruned 1 session") {
		t.Errorf("prune --older-than: %q", c.stderr)
	}
	var empty struct {
		Sessions []sandbox.SessionInfo `json:"sessions"`
	}
	runCLI(t, "", session("list", "--json")...).want(t, exitOK).decodeJSON(t, &empty)
	if empty.Sessions == nil || len(empty.Sessions) != 0 {
		t.Errorf("list after prune = %s", runCLI(t, "", session("list", "--json")...).stdout)
	}
	runCLI(t, "", session("create", "--id", "gone")...).want(t, exitOK)
	var rm map[string]any
	runCLI(t, "", session("rm", "gone", "--json")...).want(t, exitOK).decodeJSON(t, &rm)
	if rm["session_id"] != "gone" || rm["deleted"] != true {
		t.Errorf("rm --json = %v", rm)
	}
}

func TestSessionCommandErrorsExit3(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sd := []string{"--sessions-dir", dir}
	runCLI(t, "", "session", "create", "--id", "py", "--sessions-dir", dir).want(t, exitOK)
	outside := filepath.Join(dir, "..", "escaped")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"no subcommand", []string{"session"}, []string{"Usage"}},
		{"unknown subcommand", []string{"session", "frob"}, []string{`"frob"`}},
		{"malformed info", append([]string{"session", "info", "../escaped"}, sd...), []string{"invalid session ID"}},
		{"unknown info", append([]string{"session", "info", "nope"}, sd...), []string{"session not found: nope"}},
		{"too long", append([]string{"session", "rm", strings.Repeat("a", 65)}, sd...), []string{"invalid session ID", "65"}},
		{"odd characters", append([]string{"session", "reset", "a b"}, sd...), []string{"invalid session ID"}},
		{"unknown rm", append([]string{"session", "rm", "nope"}, sd...), []string{"session not found"}},
		{"create malformed", append([]string{"session", "create", "--id", "../escaped"}, sd...), []string{"--id", "invalid session ID"}},
		{"create exists", append([]string{"session", "create", "--id", "py"}, sd...), []string{"already exists"}},
		{"create bad lang", append([]string{"session", "create", "--lang", "cobol"}, sd...), []string{"cobol"}},
		{"create bad policy", append([]string{"session", "create", "--memory", "1MiB"}, sd...), []string{"memory_bytes"}},
		{"missing argument", append([]string{"session", "ls"}, sd...), []string{"missing argument"}},
		{"prune no rule", append([]string{"session", "prune"}, sd...), []string{"--older-than"}},
		{"prune bad age", append([]string{"session", "prune", "--older-than", "soon"}, sd...), []string{"7d"}},
		{"ls root", append([]string{"session", "ls", "py", "/"}, sd...), []string{`"/" is outside the workspace /app; give a directory in it`}},
		{"ls parent", append([]string{"session", "ls", "py", ".."}, sd...), []string{`".." is outside the workspace /app`}},
		{"ls /app/..", append([]string{"session", "ls", "py", "/app/.."}, sd...), []string{`"/app/.." is outside the workspace /app`}},
		{"ls /etc", append([]string{"session", "ls", "py", "/etc"}, sd...), []string{`"/etc" is outside the workspace /app`}},
		{"ls /application", append([]string{"session", "ls", "py", "/application"}, sd...), []string{`"/application" is outside the workspace /app`}},
		{"get outside", append([]string{"session", "get", "py", "../meta.json", "-"}, sd...), []string{"outside the workspace /app"}},
		{"get absolute", append([]string{"session", "get", "py", "/etc/passwd", "-"}, sd...), []string{"outside the workspace /app"}},
		{"put outside", append([]string{"session", "put", "py", writeFile(t, t.TempDir(), "x", "x"), "../../escaped"}, sd...), []string{"outside the workspace /app", "../../escaped"}},
		{"put missing", append([]string{"session", "put", "py", filepath.Join(dir, "none")}, sd...), []string{"none"}},
		{"run malformed", append([]string{"run", "--session", "a/b", "-c", "1"}, sd...), []string{"invalid session ID"}},
		{"run unknown", append([]string{"run", "--session", "nope", "-c", "1"}, sd...), []string{"session not found"}},
		{"run with policy flag", append([]string{"run", "--session", "py", "--fuel", "1G", "-c", "1"}, sd...), []string{"--fuel cannot be used with --session"}},
		{"run other language", append([]string{"run", "--session", "py", "--lang", "javascript", "-c", "1"}, sd...), []string{"runs python, not javascript"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, jsonFlag := range [][]string{nil, {"--json"}} {
				args := append(append([]string(nil), tc.args...), jsonFlag...)
				c := runCLI(t, "", args...).want(t, exitUsage)
				if jsonFlag != nil {
					c.jsonError(t)
				} else if c.stdout != "" {
					t.Errorf("%v: stdout = %q, want nothing", jsonFlag, c.stdout)
				}
				for _, s := range tc.want {
					if !strings.Contains(c.stderr, s) {
						t.Errorf("%v: stderr lacks %q:\n%s", jsonFlag, s, c.stderr)
					}
				}
			}
		})
	}
	if _, err := os.Lstat(outside); err == nil {
		t.Errorf("%s was created", outside)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("store holds %d entries, want only the session py", len(entries))
	}
}

func TestAgeFlag(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "1.5d": 36 * time.Hour, "90m": 90 * time.Minute} {
		var a ageFlag
		if err := a.Set(in); err != nil || time.Duration(a) != want {
			t.Errorf("Set(%q) = %v, %v; want %v", in, time.Duration(a), err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1d", "d"} {
		var a ageFlag
		if err := a.Set(in); err == nil {
			t.Errorf("Set(%q) accepted", in)
		}
	}
}
