// Package wasifs is a confined WASI preview1 file system served from Go:
// the descriptor table and the fd_* and path_* calls of one guest, over
// host directories opened with os.Root.
//
// wasmtime's own WASI hands every file call to an async runtime's
// blocking-thread pool and waits for the answer, which costs tens of
// microseconds a call (a stat costs about fifty times its system call).
// Served here, on the guest's own thread, a call costs about as much as
// its system calls.
//
// What the guest sees is exactly the mounts it is given, each at its
// guest path and each through an os.Root: no path, "..", or symbolic link
// (absolute, escaping, or swapped in during the call) reaches outside its
// mount; such a path fails with EPERM, as it does under wasmtime's WASI.
// A read-only mount refuses every change with EPERM. Everything the guest
// controls is bounded: path lengths (MaxPathBytes), iovec counts
// (MaxIovecs), open descriptors (MaxOpen) and directory reads (one
// bounded batch of entries per call).
//
// Writes to a metered mount (the workspace) are reported to a Meter
// before they happen, so a limit on what the guest adds can stop it
// before it writes past the limit.
package wasifs

import (
	"io"
	"os"
)

// Bounds on what a guest passes.
const (
	// MaxPathBytes is the longest path a call accepts (ENAMETOOLONG).
	MaxPathBytes = 4096
	// MaxIovecs is the most iovecs one read or write takes (POSIX's
	// IOV_MAX); EINVAL beyond.
	MaxIovecs = 1024
	// MaxOpen is how many descriptors a guest may hold at once (EMFILE).
	MaxOpen = 1024
)

// Mount is one host directory the guest sees at Guest. The first preopened
// descriptors are the mounts in order (3, 4, ...).
type Mount struct {
	Host, Guest string
	Writable    bool
	// Metered says that what the guest adds below this mount is reported
	// to the FS's Meter.
	Metered bool
}

// Meter is told what the guest is about to add to a metered mount: bytes
// it writes (an upper bound on how much the files grow) and entries it
// creates. It answers false when the guest must stop instead.
type Meter interface {
	Add(bytes, entries int64) bool
}

type kind uint8

const (
	kindStdin kind = iota + 1
	kindStdout
	kindStderr
	kindDir
	kindFile
)

type mount struct {
	root     *os.Root
	dir      *os.File // the root directory, opened at its first statName
	guest    string
	writable bool
	metered  bool
}

// entry is one open descriptor.
type entry struct {
	kind kind
	m    *mount
	// rel is the entry's path relative to its mount's root ("." for the
	// mount itself); paths passed with a directory descriptor are
	// resolved from it.
	rel     string
	preopen bool
	file    *os.File
	// read and write are the access the descriptor was opened with;
	// appending says that writes go to the end of the file.
	read, write, appending bool
	dir                    *dirState
}

// FS is the file system and descriptor table of one guest. It is not safe
// for concurrent use: a guest makes its calls one at a time.
type FS struct {
	fds    []*entry
	open   int
	mounts []*mount
	stdin  []byte
	inPos  int
	stdout io.Writer
	stderr io.Writer
	meter  Meter
	// refused is set once the Meter refused a change: the guest must stop.
	refused bool
	// iov is the scratch slice of iovecs (see iovecs).
	iov [][]byte
	// oneNameStats counts the stats answered by mount.statName.
	oneNameStats int
}

// New opens every mount with os.OpenRoot and lays out the descriptor
// table: 0, 1 and 2 are stdin (reading stdin), stdout and stderr, then
// one preopened directory per mount. meter may be nil when no mount is
// metered.
func New(mounts []Mount, stdin []byte, stdout, stderr io.Writer, meter Meter) (*FS, error) {
	f := &FS{stdin: stdin, stdout: stdout, stderr: stderr, meter: meter}
	f.fds = append(f.fds, &entry{kind: kindStdin, read: true}, &entry{kind: kindStdout, write: true}, &entry{kind: kindStderr, write: true})
	for _, m := range mounts {
		r, err := os.OpenRoot(m.Host)
		if err != nil {
			f.Close()
			return nil, err
		}
		mt := &mount{root: r, guest: m.Guest, writable: m.Writable, metered: m.Metered && meter != nil}
		f.mounts = append(f.mounts, mt)
		f.fds = append(f.fds, &entry{kind: kindDir, m: mt, rel: ".", preopen: true, read: true, write: m.Writable})
	}
	f.open = len(f.fds)
	return f, nil
}

// Close closes every descriptor and mount.
func (f *FS) Close() error {
	for i, e := range f.fds {
		if e != nil && e.file != nil {
			e.file.Close()
		}
		f.fds[i] = nil
	}
	for _, m := range f.mounts {
		if m.dir != nil {
			m.dir.Close()
		}
		m.root.Close()
	}
	f.mounts = nil
	return nil
}

// Refused reports whether the Meter refused a change, after which the
// guest must be stopped.
func (f *FS) Refused() bool { return f.refused }

// IsStdio reports whether fd is still the standard stream std (1 or 2).
func (f *FS) IsStdio(fd int32, std int32) bool {
	e := f.get(fd)
	return e != nil && (std == 1 && e.kind == kindStdout || std == 2 && e.kind == kindStderr)
}

func (f *FS) get(fd int32) *entry {
	if fd < 0 || int(fd) >= len(f.fds) {
		return nil
	}
	return f.fds[fd]
}

// add puts e in the lowest free descriptor above the preopens.
func (f *FS) add(e *entry) (int32, Errno) {
	if f.open >= MaxOpen {
		return 0, EMFILE
	}
	f.open++
	for i := 3 + len(f.mounts); i < len(f.fds); i++ {
		if f.fds[i] == nil {
			f.fds[i] = e
			return int32(i), ESUCCESS
		}
	}
	f.fds = append(f.fds, e)
	return int32(len(f.fds) - 1), ESUCCESS
}

// charge reports what a change adds to a metered mount, before it is made.
func (f *FS) charge(m *mount, bytes, entries int64) Errno {
	if m == nil || !m.metered || (bytes <= 0 && entries <= 0) {
		return ESUCCESS
	}
	if f.refused || !f.meter.Add(max(bytes, 0), max(entries, 0)) {
		f.refused = true
		return EDQUOT
	}
	return ESUCCESS
}
