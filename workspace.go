package sandbox

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync"
	"time"
)

// Workspace scans.
//
// Every scan walks the workspace through an os.Root, one directory at a
// time (openat and fstatat relative to the directory's descriptor), so a
// path the guest built is never turned into one long host path: a guest
// path under PATH_MAX grows past it once the host directory is prefixed,
// and a walk by host path would fail there (ENAMETOOLONG) and miss the
// whole subtree. Symbolic links are recorded, never followed.
//
// A scan never skips what it cannot read: only an entry that disappears
// while it is scanned (fs.ErrNotExist) is left out; any other error fails
// the scan, and callers treat a failed scan as a workspace over its limit.

// maxWorkspaceEntries caps the number of entries (files, directories,
// links) a workspace may hold, whatever their size: past it an execution is
// stopped like one over workspace_max_bytes. A variable so that tests can
// lower it.
var maxWorkspaceEntries int64 = 100_000

// maxWorkspaceDepth is how deeply directories may nest in a workspace. A
// scan holds one descriptor per level, so deeper trees are not scanned: the
// scan fails, which counts as over the limit.
const maxWorkspaceDepth = 256

// maxFilesListed caps each of a Result's files_created, files_modified and
// files_deleted; Result.FilesTruncated says when one was cut.
const maxFilesListed = 1000

// maxStageEntries bounds the files a guest may leave in a session's state
// stage, which normally holds three.
const maxStageEntries = 100

// Watchdog timing: the first check comes after watchInterval, and the
// watchdog never spends more than about a tenth of the wall time walking:
// the pause after a walk is watchPauseFactor times as long as the walk,
// and at least watchInterval. (A variable so that tests can keep the
// watchdog from looking at all.)
var watchInterval = 100 * time.Millisecond

const watchPauseFactor = 10

// fileState is what a workspace scan records of one regular file or symlink.
type fileState struct {
	size  int64
	mtime time.Time
	mode  fs.FileMode
}

// wsScan walks a workspace and adds it up.
type wsScan struct {
	// files, when not nil, receives every entry that is not a directory,
	// by workspace-relative slash-separated path.
	files map[string]fileState
	// bytes is the total size of the entries that are not directories.
	bytes int64
	// entries counts everything below the root: files, directories, links.
	entries int64
	// stop, when not nil, is asked after every entry whether to end the
	// scan early; the scan then fails with errScanStopped.
	stop func(*wsScan) bool
}

var errScanStopped = errors.New("workspace scan stopped")

// scan adds up everything below dir.
func (s *wsScan) scan(dir string) error {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	return s.walk(r, "", 0)
}

// walk scans the directory r, which is rel in the workspace ("" for the
// root) and depth levels below it.
func (s *wsScan) walk(r *os.Root, rel string, depth int) error {
	f, err := r.Open(".")
	if err != nil {
		return s.fail(rel, depth, err)
	}
	var dirs []string
	for {
		infos, rerr := f.Readdir(256)
		for _, fi := range infos {
			s.entries++
			if fi.IsDir() {
				dirs = append(dirs, fi.Name())
			} else {
				s.bytes += fi.Size()
				if s.files != nil {
					s.files[join(rel, fi.Name())] = fileState{size: fi.Size(), mtime: fi.ModTime(), mode: fi.Mode()}
				}
			}
			if s.stop != nil && s.stop(s) {
				f.Close()
				return errScanStopped
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close()
			return s.fail(rel, depth, rerr)
		}
	}
	f.Close()
	for _, name := range dirs {
		p := join(rel, name)
		if depth+1 > maxWorkspaceDepth {
			return fmt.Errorf("at %s: directories nested deeper than %d levels", shortPath(p), maxWorkspaceDepth)
		}
		sub, err := r.OpenRoot(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed or renamed meanwhile
			}
			return fmt.Errorf("at %s: %v", shortPath(p), cause(err))
		}
		err = s.walk(sub, p, depth+1)
		sub.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// fail is the error of a directory that could not be read: nil when it
// disappeared (other than the root), else one naming the directory by its
// workspace path.
func (s *wsScan) fail(rel string, depth int, err error) error {
	if depth > 0 && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if rel == "" {
		return err // the workspace itself: its host path is the caller's
	}
	return fmt.Errorf("at %s: %v", shortPath(rel), cause(err))
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// cause drops the host path that os errors carry, keeping the reason.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// shortPath quotes a workspace path for an error message, eliding the
// middle of a long one (guest paths may be thousands of bytes long and hold
// any byte).
func shortPath(p string) string {
	if len(p) > 120 {
		p = p[:50] + "..." + p[len(p)-50:]
	}
	return fmt.Sprintf("%q", p)
}

// snapshot records every file under root (symlinks are not followed) and
// the totals.
func snapshot(root string) (*wsScan, error) {
	s := &wsScan{files: map[string]fileState{}}
	err := s.scan(root)
	return s, err
}

// diffSnapshots lists created, modified and deleted paths, each sorted,
// never nil (so they encode as JSON arrays) and cut at maxFilesListed
// entries; truncated says whether any was cut.
func diffSnapshots(before, after map[string]fileState) (created, modified, deleted []string, truncated bool) {
	created, modified, deleted = []string{}, []string{}, []string{}
	for p, a := range after {
		b, ok := before[p]
		switch {
		case !ok:
			created = append(created, p)
		case a != b:
			modified = append(modified, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			deleted = append(deleted, p)
		}
	}
	cut := func(l []string) []string {
		sort.Strings(l)
		if len(l) > maxFilesListed {
			truncated = true
			return l[:maxFilesListed:maxFilesListed]
		}
		return l
	}
	return cut(created), cut(modified), cut(deleted), truncated
}

// workspaceUse is what a scan found against the limits of an execution.
type workspaceUse struct {
	bytes, entries int64
	// stageLimit is set when it is the session's state stage, not the
	// workspace, that went over: this limit.
	stageLimit int64
	// err is set when the scan failed; the workspace counts as over.
	err error
}

// over reports whether use breaks workspace_max_bytes or the entry cap.
func (u workspaceUse) over(limit int64) bool {
	return u.err != nil || u.bytes > limit || u.entries > maxWorkspaceEntries
}

// watchdog measures an execution's workspace while the guest runs and stops
// the guest (stopWorkspace) once it is over workspace_max_bytes or
// maxWorkspaceEntries, or cannot be measured.
type watchdog struct {
	done chan struct{}
	wg   sync.WaitGroup
	// use is what stopped the guest; read it only after stop.
	use workspaceUse
}

// watchWorkspace starts the watchdog of x, whose workspace is dir. A
// session's state stage, when stage is not empty, is watched too, against
// its own limit of stageLimit bytes (it holds the saved globals, which are
// not the workspace's).
func watchWorkspace(x *execution, dir, stage string, stageLimit int64) *watchdog {
	w := &watchdog{done: make(chan struct{})}
	limit := x.policy.WorkspaceMaxBytes
	w.wg.Go(func() {
		pause := watchInterval
		t := time.NewTimer(pause)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-t.C:
			}
			began := time.Now()
			s := &wsScan{stop: func(s *wsScan) bool {
				if s.entries%64 == 0 {
					select {
					case <-w.done:
						return true
					default:
					}
				}
				return s.bytes > limit || s.entries > maxWorkspaceEntries
			}}
			err := s.scan(dir)
			use := workspaceUse{bytes: s.bytes, entries: s.entries}
			if err != nil && err != errScanStopped {
				use.err = err
			}
			if !use.over(limit) && stage != "" {
				st := &wsScan{stop: func(st *wsScan) bool { return st.bytes > stageLimit || st.entries > maxStageEntries }}
				err := st.scan(stage)
				use = workspaceUse{bytes: st.bytes, entries: st.entries, stageLimit: stageLimit}
				if err != nil && err != errScanStopped {
					use.err = err
				}
				if !use.over(stageLimit) && use.entries <= maxStageEntries {
					use = workspaceUse{}
				}
			}
			if use.over(limit) || use.stageLimit > 0 {
				select {
				case <-w.done:
					return // the guest has ended: execute measures again
				default:
				}
				w.use = use
				x.stop(stopWorkspace)
				return
			}
			pause = max(watchInterval, watchPauseFactor*time.Since(began))
			t.Reset(pause)
		}
	})
	return w
}

// stop ends the watchdog and waits for it.
func (w *watchdog) stop() {
	close(w.done)
	w.wg.Wait()
}
