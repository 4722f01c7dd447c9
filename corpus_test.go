package sandbox

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var record = flag.Bool("record", false, "record the native output of testdata/agents with python3 and node")

// Agent-style programs print exactly what they print natively (see
// testdata/agents/README.md).
func TestAgentCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/agents/*.[jp][sy]")
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs in testdata/agents (%v)", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		rt, native := Python, "python3"
		if filepath.Ext(f) == ".js" {
			rt, native = JavaScript, "node"
		}
		t.Run(name, func(t *testing.T) {
			code, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(f, filepath.Ext(f)) + ".out"
			if *record {
				// In a directory of its own, as the sandbox runs it, so
				// the files it writes stay out of the tree.
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), code, 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(native, filepath.Base(f))
				cmd.Dir = dir
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s %s: %v", native, f, err)
				}
				if err := os.WriteFile(want, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (record it with -record)", err)
			}
			res := run(t, newSandbox(t, rt, Policy{}), string(code))
			wantOutcome(t, res, OutcomeOK)
			if res.Stdout != string(exp) {
				t.Fatalf("stdout differs from native %s:\n got: %q\nwant: %q", native, res.Stdout, exp)
			}
		})
	}
}
