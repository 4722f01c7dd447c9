package session

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/errs"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// MaxIDLen is the longest session ID accepted.
const MaxIDLen = 64

// idPattern: letters, digits, "-" and "_", starting with a letter or digit
// (so an ID is never mistaken for a flag or a hidden file).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// ValidateID reports whether id can name a session (see
// sandbox.ValidateSessionID). Only IDs that pass are ever used to build a
// path, so no ID can reach outside the store.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty (use letters, digits, '-' and '_', at most %d)", errs.InvalidSessionID, MaxIDLen)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: %d characters long, at most %d allowed", errs.InvalidSessionID, len(id), MaxIDLen)
	case !idPattern.MatchString(id):
		return fmt.Errorf("%w: %q (use letters, digits, '-' and '_', starting with a letter or digit, at most %d)",
			errs.InvalidSessionID, id, MaxIDLen)
	}
	return nil
}

// NewID returns a random (version 4) UUID.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// DefaultDir returns the default store directory: $env when set, else
// $XDG_DATA_HOME/wasmsandbox/sessions when XDG_DATA_HOME is absolute, else
// ~/.local/share/wasmsandbox/sessions, made absolute.
func DefaultDir(env string) (string, error) {
	dir := os.Getenv(env)
	if dir == "" {
		if xdg := os.Getenv("XDG_DATA_HOME"); xdg != "" && filepath.IsAbs(xdg) {
			dir = filepath.Join(xdg, "wasmsandbox", "sessions")
		}
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%w: cannot find the home directory (%v); set %s", errs.Internal, err, env)
		}
		dir = filepath.Join(home, ".local", "share", "wasmsandbox", "sessions")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%w: session directory %q: %v", errs.Internal, dir, err)
	}
	return abs, nil
}

// Paths of a session directory's parts.
func WorkspaceDir(dir string) string { return filepath.Join(dir, "workspace") }
func StateDir(dir string) string     { return filepath.Join(dir, "state") }
func StageDir(dir string) string     { return filepath.Join(dir, "stage") }

// Make creates the session id in root: its directory is built under a
// temporary name (an empty workspace and state, the lock file, and what
// write adds, such as the metadata), then renamed into place, so a session
// is never seen half made and two creators of one ID cannot both win.
func Make(root, id string, write func(tmp string) error) (string, error) {
	dir := filepath.Join(root, id)
	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return "", fmt.Errorf("%w: creating session %s: %v", errs.Internal, id, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, d := range []string{WorkspaceDir(tmp), StateDir(tmp)} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return "", fmt.Errorf("%w: creating session %s: %v", errs.Internal, id, err)
		}
	}
	// The lock file is flock'ed before it gets its name, and stays locked
	// until the directory is in place: a cleaner that can lock it knows
	// its creator died (see Entries).
	lock, err := lockedLockFile(tmp)
	if err != nil {
		return "", fmt.Errorf("%w: creating session %s: %v", errs.Internal, id, err)
	}
	defer func() {
		funlock(lock)
		lock.Close()
	}()
	if err := write(tmp); err != nil {
		return "", fmt.Errorf("%w: creating session %s: %v", errs.Internal, id, err)
	}
	if _, err := os.Lstat(dir); err == nil {
		return "", fmt.Errorf("%w: %s", errs.SessionExists, id)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Lstat(dir); serr == nil {
			return "", fmt.Errorf("%w: %s", errs.SessionExists, id)
		}
		return "", fmt.Errorf("%w: creating session %s: %v", errs.Internal, id, err)
	}
	return dir, nil
}

// Remove deletes the locked session directory dir of root and releases the
// lock, returning the bytes freed. The directory is first renamed out of
// the way, so no one can open the session once this starts.
func Remove(root, dir, id string, unlock func()) (int64, error) {
	bytes, _ := workspace.Size(dir)
	trash := filepath.Join(root, ".trash-"+id+"-"+NewID()[:8])
	err := os.Rename(dir, trash)
	unlock()
	if err != nil {
		return 0, fmt.Errorf("%w: deleting session %s: %v", errs.Internal, id, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return bytes, fmt.Errorf("%w: deleting session %s: %v", errs.Internal, id, err)
	}
	return bytes, nil
}

// EmptyWorkspace removes everything in the session's workspace (symbolic
// links are removed, never followed) and returns the bytes it held.
func EmptyWorkspace(dir string) (int64, error) {
	ws := WorkspaceDir(dir)
	freed, _ := workspace.Size(ws)
	entries, err := os.ReadDir(ws)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(ws, e.Name())); err != nil {
			return 0, err
		}
	}
	return freed, os.MkdirAll(ws, 0o700)
}

// ClearState discards the saved globals in the session directory dir,
// with what an interrupted save or execution left (temporary state files,
// the stage).
func ClearState(dir, id string) error {
	if err := os.Remove(filepath.Join(StateDir(dir), StateFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: clearing the state of session %s: %v", errs.Internal, id, err)
	}
	CleanLeftovers(dir)
	return nil
}

// CleanLeftovers removes what a process killed during an execution or a
// save of the session in dir left behind: temporary state files (written
// then renamed over the state, so never the state itself) and the stage.
// The caller holds the session's lock.
func CleanLeftovers(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(StateDir(dir), StateFile+".tmp-*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	os.RemoveAll(StageDir(dir))
}

// staleTempAge is how old a ".tmp-*" directory must be before Entries
// removes it without asking its lock (where flock is missing, or when the
// directory has no lock file).
const staleTempAge = time.Hour

// lockedLockFile creates dir's lock file, flock'ed: under a temporary name
// first, so that no one sees "lock" unlocked.
func lockedLockFile(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".lock-")
	if err != nil {
		return nil, err
	}
	ok, err := flockTry(f)
	if err == nil && !ok {
		err = errors.New("a new lock file is locked by someone else")
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, "lock"))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// abandoned reports whether the ".tmp-*" directory dir, last changed at
// mod, is a Make whose process died: its lock file can be locked now.
func abandoned(dir string, mod time.Time) bool {
	if time.Since(mod) > staleTempAge {
		return true
	}
	if !flockWorks {
		return false
	}
	f, err := os.Open(filepath.Join(dir, "lock"))
	if err != nil {
		return false // not made yet, or not ours
	}
	defer f.Close()
	ok, err := flockTry(f)
	if ok {
		funlock(f)
	}
	return ok && err == nil
}

// Entry is a session directory found in a store.
type Entry struct {
	ID, Dir string
	// ModTime is when the directory last changed.
	ModTime time.Time
}

// Entries lists the session directories of root. With clean it also
// removes what crashed Makes and Removes left behind.
func Entries(root string, clean bool) ([]Entry, error) {
	des, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("%w: listing sessions: %v", errs.Internal, err)
	}
	var out []Entry
	for _, e := range des {
		name, dir := e.Name(), filepath.Join(root, e.Name())
		if !e.IsDir() {
			continue
		}
		switch {
		case clean && strings.HasPrefix(name, ".trash-"):
			os.RemoveAll(dir)
			continue
		case clean && strings.HasPrefix(name, ".tmp-"):
			if fi, err := e.Info(); err == nil && abandoned(dir, fi.ModTime()) {
				os.RemoveAll(dir)
			}
			continue
		case ValidateID(name) != nil:
			continue // ".tmp-*", ".trash-*" and anything that is not ours
		}
		ent := Entry{ID: name, Dir: dir}
		if fi, err := e.Info(); err == nil {
			ent.ModTime = fi.ModTime()
		}
		out = append(out, ent)
	}
	return out, nil
}
