package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/tzdata"
)

func TestRuntimesPrune(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	put := func(p string, n int) string {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cache := modcache.Dir(home)
	var kept []string
	for _, a := range runtimes.All {
		kept = append(kept,
			put(engine.ModulePath(cache, a), 10),
			put(sandbox.CompiledModulePath(sandbox.Runtime(a.Name), home), 10),
			put(a.Path(home), 10))
	}
	kept = append(kept,
		put(runtimes.TZData.Path(home), 10),
		put(filepath.Join(tzdata.Dir(home), "UTC"), 10),
		put(filepath.Join(cache, strings.Repeat("a", 64)+modcache.Ext+".lock"), 0))
	stale := []string{
		put(filepath.Join(cache, strings.Repeat("b", 64)+modcache.Ext), 1000),
		put(filepath.Join(home, "runtimes", "python-3.11.0", "python.wasm"), 100),
		put(filepath.Join(home, "tzdata", "0.6.5-000000000000-t1", "zoneinfo", "UTC"), 10),
	}

	var report struct {
		Removed []prunedEntry `json:"removed"`
		Freed   int64         `json:"freed_bytes"`
		DryRun  bool          `json:"dry_run"`
	}
	runCLI(t, "", "runtimes", "prune", "--home", home, "--dry-run", "--json").want(t, exitOK).decodeJSON(t, &report)
	if len(report.Removed) != 3 || report.Freed != 1110 || !report.DryRun {
		t.Fatalf("dry run: %+v", report)
	}
	for _, p := range append(kept, stale...) {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("dry run removed %s", p)
		}
	}
	c := runCLI(t, "", "runtimes", "prune", "--home", home).want(t, exitOK)
	if !strings.Contains(c.stdout, "removed 3 entries") {
		t.Fatalf("stdout %q", c.stdout)
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("pruned %s, which this binary uses", p)
		}
	}
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
}
