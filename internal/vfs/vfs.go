// Package vfs is the confined filesystem that guest runtimes and host-side
// file operations see: a set of host directories mounted at guest paths.
//
// Every operation takes a guest path (absolute, or relative to the working
// directory, "/app" by default), cleans it lexically, picks the mount with the
// longest matching prefix and performs the operation through an os.Root opened
// on the mount's host directory, so neither ".." nor symbolic links can reach
// outside the mount. Paths outside every mount do not exist (ENOENT); the
// ancestors of mount points appear as read-only directories that list only
// the mount points below them.
//
// Errors are *Error values carrying a Node-style code ("ENOENT", "EROFS", ...),
// the operation and the guest path. They never contain host paths.
package vfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// Limits on guest paths, matching common Linux values.
const (
	// MaxPathBytes is the longest guest path accepted (ENAMETOOLONG beyond).
	MaxPathBytes = 4096
	// MaxNameBytes is the longest path component accepted (ENAMETOOLONG beyond).
	MaxNameBytes = 255
	// DefaultCwd is the working directory used to resolve relative guest paths.
	DefaultCwd = "/app"
)

// Mount maps a host directory to an absolute guest path.
type Mount struct {
	// Guest is the absolute guest path where the directory appears.
	Guest string
	// Host is the host directory. It must exist.
	Host string
	// Writable allows the guest to create, modify and delete files below Guest.
	Writable bool
	// Metered says that changes below Guest are announced to the FS's
	// Meter before they are made (see SetMeter).
	Metered bool
}

// Meter is told what a change to a metered mount can add, before it is
// made: an upper bound of its bytes and entries. It answers false when
// the change must not be made (the caller then fails with ErrLimit).
type Meter interface {
	Add(bytes, entries int64) bool
}

// ErrLimit is the error of a change the Meter refused: the guest went
// over a limit and is being stopped.
var ErrLimit = errors.New("vfs: the workspace is over its limit")

// Info describes a file or directory.
type Info struct {
	// Name is the last element of the path.
	Name string
	// Size is the length in bytes for regular files.
	Size int64
	// Mode holds the type and permission bits.
	Mode fs.FileMode
	// ModTime is the modification time.
	ModTime time.Time
}

// IsDir reports whether the entry is a directory.
func (i Info) IsDir() bool { return i.Mode.IsDir() }

// IsRegular reports whether the entry is a regular file.
func (i Info) IsRegular() bool { return i.Mode.IsRegular() }

// IsSymlink reports whether the entry is a symbolic link (only ReadDir
// reports links; the other operations follow them).
func (i Info) IsSymlink() bool { return i.Mode&fs.ModeSymlink != 0 }

type mount struct {
	guest    string
	root     *os.Root
	writable bool
	metered  bool
}

// FS is a set of mounts. Its methods are safe for concurrent use.
type FS struct {
	mounts []*mount // sorted by descending guest path length
	cwd    string
	meter  Meter
}

// SetMeter makes m the meter of the metered mounts.
func (f *FS) SetMeter(m Meter) { f.meter = m }

// charge announces a change to t's mount that adds at most bytes bytes and
// entries entries.
func (f *FS) charge(t target, bytes, entries int64) error {
	if !t.m.metered || f.meter == nil || f.meter.Add(bytes, entries) {
		return nil
	}
	return ErrLimit
}

// New opens every mount's host directory with os.OpenRoot. Guest paths must
// be absolute and distinct.
func New(mounts []Mount) (*FS, error) {
	f := &FS{cwd: DefaultCwd}
	seen := map[string]bool{}
	for _, m := range mounts {
		if !path.IsAbs(m.Guest) || strings.ContainsRune(m.Guest, 0) {
			f.Close()
			return nil, fmt.Errorf("vfs: guest path %q is not absolute", m.Guest)
		}
		g := path.Clean(m.Guest)
		if seen[g] {
			f.Close()
			return nil, fmt.Errorf("vfs: guest path %q mounted twice", g)
		}
		seen[g] = true
		r, err := os.OpenRoot(m.Host)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("vfs: mount %s: %w", g, err)
		}
		f.mounts = append(f.mounts, &mount{guest: g, root: r, writable: m.Writable, metered: m.Metered})
	}
	sort.SliceStable(f.mounts, func(i, j int) bool { return len(f.mounts[i].guest) > len(f.mounts[j].guest) })
	return f, nil
}

// Close releases the mounts' directory handles.
func (f *FS) Close() error {
	var first error
	for _, m := range f.mounts {
		if err := m.root.Close(); err != nil && first == nil {
			first = err
		}
	}
	f.mounts = nil
	return first
}

// SetCwd sets the directory against which relative guest paths resolve
// (DefaultCwd unless set). It must be absolute.
func (f *FS) SetCwd(dir string) {
	if path.IsAbs(dir) {
		f.cwd = path.Clean(dir)
	}
}

// Cwd returns the directory against which relative guest paths resolve.
func (f *FS) Cwd() string { return f.cwd }

// Mounts returns the guest mount points, longest first.
func (f *FS) Mounts() []string {
	out := make([]string, len(f.mounts))
	for i, m := range f.mounts {
		out[i] = m.guest
	}
	return out
}
