package session

import (
	"os"
	"path/filepath"
	"testing"
)

// A creation directory whose creator died (its lock file can be locked) is
// cleaned at once; one whose creator is still at work is left alone.
func TestEntriesCleansAbandonedCreations(t *testing.T) {
	if !flockWorks {
		t.Skip("no flock here: abandoned creations are cleaned after an hour")
	}
	root := t.TempDir()
	dead, busy := filepath.Join(root, ".tmp-dead"), filepath.Join(root, ".tmp-busy")
	for _, d := range []string{dead, busy} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dead, "lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	lock, err := lockedLockFile(busy)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := Entries(root, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("abandoned creation still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(busy, "lock")); err != nil {
		t.Errorf("creation in progress was removed: %v", err)
	}
	// A made session keeps no stray files from its creation.
	dir, err := Make(root, "s1", func(string) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, ".lock-*"))
	if len(names) != 0 {
		t.Errorf("left %v", names)
	}
}
