package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Temporary workspaces.
//
// An execution without a workspace of its own gets a fresh directory,
// removed when it ends. A process killed meanwhile (kill -9, a crash)
// cannot remove it, so each temporary workspace has a lock file beside it
// that its process holds: CleanTemps removes every temporary workspace
// whose lock nobody holds any more.

// tempPrefix starts the name of every temporary workspace.
const tempPrefix = "wasmsandbox-ws-"

// lockSuffix ends the name of a temporary workspace's lock file.
const lockSuffix = ".lock"

// newSuffix ends the name of a lock file while NewTemp sets it up.
const newSuffix = ".new"

// staleAge is how old a temporary workspace without a lock file (one whose
// process died between making the two) must be before CleanTemps removes it.
const staleAge = time.Hour

// NewTemp makes a temporary workspace under dir (os.TempDir() when empty)
// and returns it with the function that removes it.
func NewTemp(dir string) (string, func(), error) {
	if dir == "" {
		dir = os.TempDir()
	}
	// The lock file is made and locked under a name CleanTemps leaves
	// alone (newSuffix), and takes its own name only once it is held and
	// its workspace exists: a cleaner never sees it unheld.
	lock, err := os.CreateTemp(dir, tempPrefix+"*"+lockSuffix+newSuffix)
	if err != nil {
		return "", nil, err
	}
	fail := func(err error) (string, func(), error) {
		lock.Close()
		os.Remove(lock.Name())
		return "", nil, err
	}
	if !holdLock(lock) {
		return fail(fmt.Errorf("locking %s: another process holds a lock on a file just made", lock.Name()))
	}
	name := strings.TrimSuffix(lock.Name(), newSuffix)
	ws := strings.TrimSuffix(name, lockSuffix)
	if err := os.Mkdir(ws, 0o700); err != nil {
		return fail(err)
	}
	if err := os.Rename(lock.Name(), name); err != nil {
		os.Remove(ws)
		return fail(err)
	}
	return ws, func() {
		os.RemoveAll(ws)
		os.Remove(name)
		lock.Close()
	}, nil
}

// CleanTemps removes the temporary workspaces under dir (os.TempDir() when
// empty) that no live process holds, and returns how many it removed.
func CleanTemps(dir string) int {
	if !canLock {
		return 0
	}
	if dir == "" {
		dir = os.TempDir()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	locks := map[string]bool{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && strings.HasSuffix(e.Name(), lockSuffix) {
			locks[strings.TrimSuffix(e.Name(), lockSuffix)] = true
		}
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tempPrefix) || strings.HasSuffix(name, lockSuffix) {
			continue
		}
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, newSuffix) {
			// A lock file being set up; its process died if it is old.
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleAge {
				os.Remove(path)
			}
			continue
		}
		if !locks[name] {
			// No lock file: made by a process that died before it had one
			// (or by an older version); give a live one time to finish.
			if fi, err := e.Info(); err == nil && e.IsDir() && time.Since(fi.ModTime()) > staleAge {
				os.RemoveAll(path)
				n++
			}
			continue
		}
		f, err := os.OpenFile(path+lockSuffix, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if holdLock(f) {
			os.RemoveAll(path)
			os.Remove(path + lockSuffix)
			n++
		}
		f.Close()
	}
	// Lock files whose workspace is gone.
	for stem := range locks {
		if _, err := os.Lstat(filepath.Join(dir, stem)); os.IsNotExist(err) {
			f, err := os.OpenFile(filepath.Join(dir, stem+lockSuffix), os.O_RDWR, 0)
			if err == nil {
				if holdLock(f) {
					os.Remove(f.Name())
				}
				f.Close()
			}
		}
	}
	return n
}
