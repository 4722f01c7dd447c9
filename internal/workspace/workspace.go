// Package workspace measures the directories a guest may write: scans that
// add up a workspace's bytes and entries through an os.Root, the diff of two
// scans (a Result's files lists), and the watchdog that stops a guest whose
// workspace goes over its limits while it runs.
package workspace

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Scans.
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

// MaxEntries caps the number of entries (files, directories,
// links) a workspace may hold, whatever their size: past it an execution is
// stopped like one over workspace_max_bytes. A variable so that tests can
// lower it.
var MaxEntries int64 = 100_000

// MaxDepth is how deeply directories may nest in a workspace. A
// scan holds one descriptor per level, so deeper trees are not scanned: the
// scan fails, which counts as over the limit.
const MaxDepth = 256

// MaxFilesListed caps each of a Result's files_created, files_modified and
// files_deleted; Result.FilesTruncated says when one was cut.
const MaxFilesListed = 1000

// MaxStageEntries bounds the files a guest may leave in a session's state
// stage, which normally holds three.
const MaxStageEntries = 100

// Watchdog timing: the first check comes after WatchInterval, and the
// watchdog never spends more than about a tenth of the wall time walking:
// the pause after a walk is watchPauseFactor times as long as the walk,
// and at least WatchInterval. (A variable so that tests can keep the
// watchdog from looking at all.)
var WatchInterval = 100 * time.Millisecond

const watchPauseFactor = 10

// MaxUnmeteredPause caps the pause between walks of a workspace whose
// writes no Meter sees (see Watchdog.Unmetered): there the watchdog alone
// bounds the overshoot, to what the guest writes during one walk (at most
// MaxEntries entries) and one such pause, however slow the guest makes
// its walks.
const MaxUnmeteredPause = time.Second

// nextPause is the pause after a walk that took walk.
func nextPause(walk time.Duration, unmetered bool) time.Duration {
	p := max(WatchInterval, watchPauseFactor*walk)
	if unmetered {
		p = min(p, max(WatchInterval, MaxUnmeteredPause))
	}
	return p
}

// FileState is what a workspace scan records of one regular file or symlink.
type FileState struct {
	Size  int64
	MTime time.Time
	Mode  fs.FileMode
}

// Scan walks a workspace and adds it up.
type Scan struct {
	// Files, when not nil, receives every entry that is not a directory,
	// by workspace-relative slash-separated path.
	Files map[string]FileState
	// Bytes is the total size of the entries that are not directories.
	Bytes int64
	// Entries counts everything below the root: files, directories, links.
	Entries int64
	// stop, when not nil, is asked after every entry whether to end the
	// scan early; the scan then fails with errScanStopped.
	stop func(*Scan) bool
}

var errScanStopped = errors.New("workspace scan stopped")

// scan adds up everything below dir.
func (s *Scan) scan(dir string) error {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	return s.walk(r, "", 0)
}

// walk scans the directory r, which is rel in the workspace ("" for the
// root) and depth levels below it.
func (s *Scan) walk(r *os.Root, rel string, depth int) error {
	f, err := r.Open(".")
	if err != nil {
		return s.fail(rel, depth, err)
	}
	var dirs []string
	for {
		infos, rerr := f.Readdir(256)
		for _, fi := range infos {
			s.Entries++
			if fi.IsDir() {
				dirs = append(dirs, fi.Name())
			} else {
				s.Bytes += fi.Size()
				if s.Files != nil {
					s.Files[join(rel, fi.Name())] = FileState{Size: fi.Size(), MTime: fi.ModTime(), Mode: fi.Mode()}
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
		if depth+1 > MaxDepth {
			return fmt.Errorf("at %s: directories nested deeper than %d levels", shortPath(p), MaxDepth)
		}
		sub, err := r.OpenRoot(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed or renamed meanwhile
			}
			return fmt.Errorf("at %s: %v", shortPath(p), Cause(err))
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
func (s *Scan) fail(rel string, depth int, err error) error {
	if depth > 0 && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if rel == "" {
		return err // the workspace itself: its host path is the caller's
	}
	return fmt.Errorf("at %s: %v", shortPath(rel), Cause(err))
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// Cause drops the host path that os errors carry, keeping the reason.
func Cause(err error) error {
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

// Snapshot records every file under root (symlinks are not followed) and
// the totals.
func Snapshot(root string) (*Scan, error) {
	s := &Scan{Files: map[string]FileState{}}
	err := s.scan(root)
	return s, err
}

// Diff lists created, modified and deleted paths, each sorted,
// never nil (so they encode as JSON arrays) and cut at MaxFilesListed
// entries; truncated says whether any was cut.
func Diff(before, after map[string]FileState) (created, modified, deleted []string, truncated bool) {
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
		if len(l) > MaxFilesListed {
			truncated = true
			return l[:MaxFilesListed:MaxFilesListed]
		}
		return l
	}
	return cut(created), cut(modified), cut(deleted), truncated
}

// Use is what a scan found against the limits of an execution.
type Use struct {
	Bytes, Entries int64
	// StageLimit is set when it is the session's state stage, not the
	// workspace, that went over: this limit.
	StageLimit int64
	// Err is set when the scan failed; the workspace counts as over.
	Err error
}

// Over reports whether use breaks workspace_max_bytes or the entry cap.
func (u Use) Over(limit int64) bool {
	return u.Err != nil || u.Bytes > limit || u.Entries > MaxEntries
}

// Size adds up the sizes of everything below dir except directories,
// without following symbolic links. It walks through an os.Root (see
// Scan), so deep paths are counted too; an error means the workspace could
// not be measured, and callers treat it as full.
func Size(dir string) (int64, error) {
	s := &Scan{}
	err := s.scan(dir)
	return s.Bytes, err
}

// Watchdog measures an execution's workspace while the guest runs and
// stops the guest once the workspace is over its byte limit or MaxEntries,
// or cannot be measured.
type Watchdog struct {
	done  chan struct{}
	wg    sync.WaitGroup
	dir   string
	limit int64
	stop  func()
	// mu guards use, what stopped the guest, and once it is set, stopped.
	mu      sync.Mutex
	use     Use
	stopped bool
	// unmetered says that no Meter sees the guest's writes.
	unmetered atomic.Bool
}

// Unmetered tells the watchdog that no Meter sees the guest's writes, so
// that it walks at least every MaxUnmeteredPause.
func (w *Watchdog) Unmetered() { w.unmetered.Store(true) }

// found records use as what stopped the guest and stops it, unless it was
// stopped already.
func (w *Watchdog) found(use Use) {
	w.mu.Lock()
	first := !w.stopped
	if first {
		w.stopped, w.use = true, use
	}
	w.mu.Unlock()
	if first {
		w.stop()
	}
}

// Watch starts a watchdog over dir with a limit of limit bytes; stop is
// called once, from the watchdog's goroutine or from a Meter's caller,
// when either finds dir over. A
// session's state stage, when stage is not empty, is watched too, against
// its own limit of stageLimit bytes (it holds the saved globals, which are
// not the workspace's).
func Watch(dir string, limit int64, stage string, stageLimit int64, stop func()) *Watchdog {
	w := &Watchdog{done: make(chan struct{}), dir: dir, limit: limit, stop: stop}
	w.wg.Go(func() {
		pause := WatchInterval
		t := time.NewTimer(pause)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-t.C:
			}
			began := time.Now()
			s := &Scan{stop: func(s *Scan) bool {
				if s.Entries%64 == 0 {
					select {
					case <-w.done:
						return true
					default:
					}
				}
				return s.Bytes > limit || s.Entries > MaxEntries
			}}
			err := s.scan(dir)
			use := Use{Bytes: s.Bytes, Entries: s.Entries}
			if err != nil && err != errScanStopped {
				use.Err = err
			}
			if !use.Over(limit) && stage != "" {
				st := &Scan{stop: func(st *Scan) bool { return st.Bytes > stageLimit || st.Entries > MaxStageEntries }}
				err := st.scan(stage)
				use = Use{Bytes: st.Bytes, Entries: st.Entries, StageLimit: stageLimit}
				if err != nil && err != errScanStopped {
					use.Err = err
				}
				if !use.Over(stageLimit) && use.Entries <= MaxStageEntries {
					use = Use{}
				}
			}
			if use.Over(limit) || use.StageLimit > 0 {
				select {
				case <-w.done:
					return // the guest has ended: the caller measures again
				default:
				}
				w.found(use)
				return
			}
			pause = nextPause(time.Since(began), w.unmetered.Load())
			t.Reset(pause)
		}
	})
	return w
}

// Stop ends the watchdog, waits for it, and returns what it found over a
// limit (the zero Use when it found nothing).
func (w *Watchdog) Stop() Use {
	close(w.done)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.use
}
