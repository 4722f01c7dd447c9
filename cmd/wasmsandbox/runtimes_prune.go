package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/tzdata"
)

// prunedEntry is one removed (or, with --dry-run, removable) path.
type prunedEntry struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
}

// runtimesPrune implements `wasmsandbox runtimes prune`.
func runtimesPrune(args []string, stdout, stderr io.Writer) int {
	var (
		home           string
		asJSON, dryRun bool
	)
	fs := newFlagSet("runtimes prune", "[--home DIR] [--dry-run] [--json]",
		`Removes what this binary no longer uses from the home directory: compiled
modules of other runtime versions, snapshot recipes or engine settings (each
50-200 MB), runtimes and time-zone data of other versions, and the time-zone
trees built from them. What this binary uses is kept, and so is npm's download
cache. Another wasmsandbox version sharing the directory recompiles what it
needs on its next use. Processes running now are not disturbed: a removed
module stays mapped in them until they exit.`)
	fs.after = exitStatusHelp
	homeFlag(fs, &home)
	fs.BoolVar(&dryRun, "dry-run", false, "list what would be removed, remove nothing")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object {home, removed: [{path, bytes}], freed_bytes}")
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return fs.fail(stderr, "unexpected argument %q", pos[0])
	}
	dir, err := runtimes.Home(home)
	if err != nil {
		printError(stderr, "runtimes prune", err)
		return exitInternal
	}
	stale, err := staleHomeEntries(dir)
	if err != nil {
		printError(stderr, "runtimes prune", err)
		return exitInternal
	}
	var freed int64
	status = exitOK
	for _, e := range stale {
		if !dryRun {
			if err := os.RemoveAll(e.Path); err != nil {
				printError(stderr, "runtimes prune", err)
				status = exitInternal
				continue
			}
		}
		freed += e.Bytes
	}
	if asJSON {
		return max(status, printJSON(stdout, stderr, "runtimes prune", struct {
			Home    string        `json:"home"`
			DryRun  bool          `json:"dry_run,omitempty"`
			Removed []prunedEntry `json:"removed"`
			Freed   int64         `json:"freed_bytes"`
		}{dir, dryRun, stale, freed}))
	}
	verb := "removed"
	if dryRun {
		verb = "would remove"
	}
	for _, e := range stale {
		fmt.Fprintf(stdout, "%s\t%s\n", formatBytes(e.Bytes), e.Path)
	}
	fmt.Fprintf(stdout, "%s %d entries, %s\n", verb, len(stale), formatBytes(freed))
	return status
}

// staleHomeEntries lists what in home this binary does not use: cache
// entries (and their locks) under modules/, runtime directories under
// runtimes/ and time-zone trees under tzdata/.
func staleHomeEntries(home string) ([]prunedEntry, error) {
	cache := modcache.Dir(home)
	keep := map[string]bool{}
	for _, a := range runtimes.All {
		keep[engine.ModulePath(cache, a)] = true
		keep[a.Dir(home)] = true
		keep[sandbox.CompiledModulePath(sandbox.Runtime(a.Name), home)] = true
	}
	keep[runtimes.TZData.Dir(home)] = true
	keep[filepath.Dir(tzdata.Dir(home))] = true

	var out []prunedEntry
	for _, d := range []string{cache, filepath.Join(home, "runtimes"), filepath.Join(home, "tzdata")} {
		ents, err := os.ReadDir(d)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		for _, e := range ents {
			p := filepath.Join(d, e.Name())
			// Lock files stay (another process may hold one right now), and
			// so do recent temporary files (an install or a compile under way).
			if keep[p] || strings.HasSuffix(e.Name(), ".lock") || recentTemp(e) {
				continue
			}
			out = append(out, prunedEntry{Path: p, Bytes: treeBytes(p)})
		}
	}
	return out, nil
}

// recentTemp reports whether e is a temporary entry (its name starts with
// a dot) changed within the last hour.
func recentTemp(e fs.DirEntry) bool {
	if !strings.HasPrefix(e.Name(), ".") {
		return false
	}
	fi, err := e.Info()
	return err == nil && time.Since(fi.ModTime()) < time.Hour
}

// treeBytes is the size of the file or directory tree at p.
func treeBytes(p string) int64 {
	var n int64
	filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
