package workspace

import "sync"

// Meter bounds what a guest adds to its workspace where the host performs
// the guest's writes (the host's WASI file system for Python, the fs
// module's host functions for JavaScript): each change is announced
// before it is made, with an upper bound of the bytes and entries it can
// add, and refused (the guest stopped) if it would take the workspace over
// workspace_max_bytes or MaxEntries.
//
// The meter keeps an estimate that only grows (overwriting a file counts
// its bytes again; deleting counts nothing). When a change would take the
// estimate over a limit, the meter measures the workspace instead (the
// guest waits in the host call, so nothing changes meanwhile) and starts
// again from what it finds: only a workspace that really would go over
// stops the guest. So through these paths the workspace never holds more
// than its limits: the overshoot is zero, whatever the guest does, and a
// guest close to its limit pays for it with measurements, in its own time.
type Meter struct {
	w      *Watchdog
	mu     sync.Mutex
	bytes  int64
	ents   int64
	closed bool
}

// Meter returns the meter of the watched workspace, which holds bytes
// bytes in entries entries as the execution starts.
func (w *Watchdog) Meter(bytes, entries int64) *Meter {
	return &Meter{w: w, bytes: bytes, ents: entries}
}

// Add announces a change that adds at most bytes bytes and entries
// entries. It reports false, after stopping the guest, when the change
// would take the workspace over a limit; the change must then not be made.
func (m *Meter) Add(bytes, entries int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	if m.bytes+bytes <= m.w.limit && m.ents+entries <= MaxEntries {
		m.bytes += bytes
		m.ents += entries
		return true
	}
	// A whole scan (up to the entry cap), so that the stop reports what
	// the workspace holds.
	s := &Scan{stop: func(s *Scan) bool { return s.Entries+entries > MaxEntries }}
	err := s.scan(m.w.dir)
	use := Use{Bytes: s.Bytes + bytes, Entries: s.Entries + entries}
	if err != nil && err != errScanStopped {
		use.Err = err
	}
	if !use.Over(m.w.limit) {
		m.bytes, m.ents = use.Bytes, use.Entries
		return true
	}
	m.closed = true
	m.w.found(use)
	return false
}
