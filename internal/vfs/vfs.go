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
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"
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
}

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

// Error is the error returned by every FS operation.
type Error struct {
	// Code is a Node/POSIX error code such as "ENOENT" or "EROFS".
	Code string
	// Op is the operation, named like Node's syscall ("open", "scandir", ...).
	Op string
	// Path is the guest path the operation was given (cleaned).
	Path string
	// Dest is the destination guest path for rename, else empty.
	Dest string
}

// Error formats the error like Node: "ENOENT: no such file or directory, open '/app/x'".
func (e *Error) Error() string {
	s := e.Code + ": " + Describe(e.Code) + ", " + e.Op + " '" + e.Path + "'"
	if e.Dest != "" {
		s += " -> '" + e.Dest + "'"
	}
	return s
}

// Unwrap lets errors.Is match the io/fs sentinel errors (fs.ErrNotExist,
// fs.ErrExist, fs.ErrPermission, fs.ErrInvalid) where one applies.
func (e *Error) Unwrap() error {
	switch e.Code {
	case "ENOENT":
		return fs.ErrNotExist
	case "EEXIST":
		return fs.ErrExist
	case "EACCES", "EPERM", "EROFS":
		return fs.ErrPermission
	case "EINVAL":
		return fs.ErrInvalid
	}
	return nil
}

var descriptions = map[string]string{
	"ENOENT":       "no such file or directory",
	"EACCES":       "permission denied",
	"EPERM":        "operation not permitted",
	"EROFS":        "read-only file system",
	"EISDIR":       "illegal operation on a directory",
	"ENOTDIR":      "not a directory",
	"EEXIST":       "file already exists",
	"ENOTEMPTY":    "directory not empty",
	"EINVAL":       "invalid argument",
	"ENAMETOOLONG": "name too long",
	"EXDEV":        "cross-device link not permitted",
	"EBUSY":        "resource busy or locked",
	"ELOOP":        "too many symbolic links encountered",
	"EFBIG":        "file too large",
	"ENOSPC":       "no space left on device",
	"EIO":          "i/o error",
}

// Describe returns the human text for an error code, as Node prints it.
func Describe(code string) string {
	if d, ok := descriptions[code]; ok {
		return d
	}
	return "unknown error"
}

type mount struct {
	guest    string
	root     *os.Root
	writable bool
}

// FS is a set of mounts. Its methods are safe for concurrent use.
type FS struct {
	mounts []*mount // sorted by descending guest path length
	cwd    string
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
		f.mounts = append(f.mounts, &mount{guest: g, root: r, writable: m.Writable})
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

// Clean returns the absolute, lexically cleaned guest path for p, or an
// *Error (EINVAL for an empty path or one with NUL bytes, ENAMETOOLONG for
// overlong paths or components).
func (f *FS) Clean(op, p string) (string, error) {
	if p == "" {
		return "", &Error{Code: "ENOENT", Op: op, Path: p}
	}
	if strings.IndexByte(p, 0) >= 0 {
		return "", &Error{Code: "EINVAL", Op: op, Path: strings.ReplaceAll(p, "\x00", "\\0")}
	}
	if len(p) > MaxPathBytes {
		return "", &Error{Code: "ENAMETOOLONG", Op: op, Path: p[:64] + "..."}
	}
	for _, c := range strings.Split(p, "/") {
		if len(c) > MaxNameBytes {
			return "", &Error{Code: "ENAMETOOLONG", Op: op, Path: p}
		}
	}
	if !path.IsAbs(p) {
		p = path.Join(f.cwd, p)
	}
	return path.Clean(p), nil
}

// target is a resolved guest path.
type target struct {
	guest string // cleaned guest path
	m     *mount // nil when the path is outside every mount
	rel   string // path relative to the mount root ("." for the root)
}

func (f *FS) resolve(op, p string) (target, error) {
	g, err := f.Clean(op, p)
	if err != nil {
		return target{}, err
	}
	for _, m := range f.mounts {
		if g == m.guest {
			return target{guest: g, m: m, rel: "."}, nil
		}
		prefix := m.guest
		if prefix != "/" {
			prefix += "/"
		}
		if strings.HasPrefix(g, prefix) {
			return target{guest: g, m: m, rel: g[len(prefix):]}, nil
		}
	}
	return target{guest: g}, nil
}

// virtualChildren returns the names directly below g that lead to mount
// points, and whether g is a strict ancestor of some mount point.
func (f *FS) virtualChildren(g string) ([]string, bool) {
	prefix := g
	if prefix != "/" {
		prefix += "/"
	}
	set := map[string]bool{}
	for _, m := range f.mounts {
		if m.guest != g && strings.HasPrefix(m.guest, prefix) {
			rest := m.guest[len(prefix):]
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				rest = rest[:i]
			}
			set[rest] = true
		}
	}
	if len(set) == 0 {
		return nil, false
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, true
}

func (f *FS) writable(op string, t target) error {
	if t.m == nil {
		_, self := f.virtualChildren(t.guest)
		_, parent := f.virtualChildren(path.Dir(t.guest))
		if self || parent {
			// Ancestors of mount points are read-only directories.
			return &Error{Code: "EROFS", Op: op, Path: t.guest}
		}
		return &Error{Code: "ENOENT", Op: op, Path: t.guest}
	}
	if !t.m.writable {
		return &Error{Code: "EROFS", Op: op, Path: t.guest}
	}
	return nil
}

// mapErr converts an error from os.Root into an *Error for the guest path.
func mapErr(op, guest string, err error) error {
	if err == nil {
		return nil
	}
	var ve *Error
	if errors.As(err, &ve) {
		return ve
	}
	return &Error{Code: codeOf(err), Op: op, Path: guest}
}

func codeOf(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOENT:
			return "ENOENT"
		case syscall.EACCES:
			return "EACCES"
		case syscall.EPERM:
			return "EPERM"
		case syscall.EROFS:
			return "EROFS"
		case syscall.EISDIR:
			return "EISDIR"
		case syscall.ENOTDIR:
			return "ENOTDIR"
		case syscall.EEXIST:
			return "EEXIST"
		case syscall.ENOTEMPTY:
			return "ENOTEMPTY"
		case syscall.EINVAL:
			return "EINVAL"
		case syscall.ENAMETOOLONG:
			return "ENAMETOOLONG"
		case syscall.EXDEV:
			return "EXDEV"
		case syscall.EBUSY:
			return "EBUSY"
		case syscall.ELOOP:
			// A symlink loop, or (with os.Root) a symlink that cannot be followed.
			return "EACCES"
		case syscall.EFBIG:
			return "EFBIG"
		case syscall.ENOSPC, syscall.EDQUOT:
			return "ENOSPC"
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "ENOENT"
	case errors.Is(err, fs.ErrExist):
		return "EEXIST"
	case errors.Is(err, fs.ErrPermission):
		return "EACCES"
	case strings.Contains(err.Error(), "escapes from parent"):
		// os.Root refused a path (through "..", or a symlink) that leaves the mount.
		return "EACCES"
	case errors.Is(err, fs.ErrInvalid):
		return "EINVAL"
	}
	return "EIO"
}

// Stat follows symbolic links (inside the mount) and describes p.
func (f *FS) Stat(p string) (Info, error) {
	t, err := f.resolve("stat", p)
	if err != nil {
		return Info{}, err
	}
	if t.m == nil {
		if _, ok := f.virtualChildren(t.guest); ok {
			return Info{Name: path.Base(t.guest), Mode: fs.ModeDir | 0o555}, nil
		}
		return Info{}, &Error{Code: "ENOENT", Op: "stat", Path: t.guest}
	}
	fi, err := t.m.root.Stat(t.rel)
	if err != nil {
		return Info{}, mapErr("stat", t.guest, err)
	}
	return toInfo(path.Base(t.guest), fi), nil
}

func toInfo(name string, fi fs.FileInfo) Info {
	return Info{Name: name, Size: fi.Size(), Mode: fi.Mode(), ModTime: fi.ModTime()}
}

// Exists reports whether p names an existing file or directory.
func (f *FS) Exists(p string) bool {
	_, err := f.Stat(p)
	return err == nil
}

// ReadFile returns the contents of the regular file p. When maxBytes > 0 and
// the file is larger, it fails with EFBIG.
func (f *FS) ReadFile(p string, maxBytes int64) ([]byte, error) {
	t, err := f.resolve("open", p)
	if err != nil {
		return nil, err
	}
	if t.m == nil {
		if _, ok := f.virtualChildren(t.guest); ok {
			return nil, &Error{Code: "EISDIR", Op: "read", Path: t.guest}
		}
		return nil, &Error{Code: "ENOENT", Op: "open", Path: t.guest}
	}
	file, err := t.m.root.Open(t.rel)
	if err != nil {
		return nil, mapErr("open", t.guest, err)
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return nil, mapErr("open", t.guest, err)
	}
	if fi.IsDir() {
		return nil, &Error{Code: "EISDIR", Op: "read", Path: t.guest}
	}
	var r io.Reader = file
	if maxBytes > 0 {
		if fi.Size() > maxBytes {
			return nil, &Error{Code: "EFBIG", Op: "read", Path: t.guest}
		}
		r = io.LimitReader(file, maxBytes+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, mapErr("read", t.guest, err)
	}
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return nil, &Error{Code: "EFBIG", Op: "read", Path: t.guest}
	}
	return data, nil
}

// WriteFile creates or truncates p (or appends to it when append is true)
// and writes data. The parent directory must exist.
func (f *FS) WriteFile(p string, data []byte, append bool) error {
	t, err := f.resolve("open", p)
	if err != nil {
		return err
	}
	if err := f.writable("open", t); err != nil {
		return err
	}
	if t.rel == "." {
		return &Error{Code: "EISDIR", Op: "open", Path: t.guest}
	}
	flag := os.O_WRONLY | os.O_CREATE
	if append {
		flag |= os.O_APPEND
	} else {
		flag |= os.O_TRUNC
	}
	file, err := t.m.root.OpenFile(t.rel, flag, 0o644)
	if err != nil {
		return mapErr("open", t.guest, err)
	}
	_, werr := file.Write(data)
	cerr := file.Close()
	if werr != nil {
		return mapErr("write", t.guest, werr)
	}
	return mapErr("close", t.guest, cerr)
}

// ReadDir lists the directory p sorted by name. Symbolic links are reported
// as links (Mode has fs.ModeSymlink), not followed.
func (f *FS) ReadDir(p string) ([]Info, error) {
	t, err := f.resolve("scandir", p)
	if err != nil {
		return nil, err
	}
	virt, isVirtual := f.virtualChildren(t.guest)
	if t.m == nil {
		if !isVirtual {
			return nil, &Error{Code: "ENOENT", Op: "scandir", Path: t.guest}
		}
		out := make([]Info, len(virt))
		for i, n := range virt {
			out[i] = Info{Name: n, Mode: fs.ModeDir | 0o555}
		}
		return out, nil
	}
	dir, err := t.m.root.Open(t.rel)
	if err != nil {
		return nil, mapErr("scandir", t.guest, err)
	}
	defer dir.Close()
	fi, err := dir.Stat()
	if err != nil {
		return nil, mapErr("scandir", t.guest, err)
	}
	if !fi.IsDir() {
		return nil, &Error{Code: "ENOTDIR", Op: "scandir", Path: t.guest}
	}
	entries, err := dir.ReadDir(-1)
	if err != nil {
		return nil, mapErr("scandir", t.guest, err)
	}
	seen := map[string]bool{}
	out := make([]Info, 0, len(entries)+len(virt))
	for _, e := range entries {
		info := Info{Name: e.Name(), Mode: e.Type()}
		if fi, err := e.Info(); err == nil {
			info = toInfo(e.Name(), fi)
		}
		seen[e.Name()] = true
		out = append(out, info)
	}
	// Mount points nested inside this mount.
	for _, n := range virt {
		if !seen[n] {
			out = append(out, Info{Name: n, Mode: fs.ModeDir | 0o555})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Mkdir creates the directory p. With recursive, missing parents are created
// and an existing directory is not an error (like mkdir -p).
func (f *FS) Mkdir(p string, recursive bool) error {
	t, err := f.resolve("mkdir", p)
	if err != nil {
		return err
	}
	if fi, err := f.Stat(t.guest); err == nil {
		if recursive && fi.IsDir() {
			return nil
		}
		return &Error{Code: "EEXIST", Op: "mkdir", Path: t.guest}
	}
	if err := f.writable("mkdir", t); err != nil {
		return err
	}
	if recursive {
		return mapErr("mkdir", t.guest, t.m.root.MkdirAll(t.rel, 0o755))
	}
	return mapErr("mkdir", t.guest, t.m.root.Mkdir(t.rel, 0o755))
}

// Remove deletes p. Without recursive it removes a file, a symbolic link or
// an empty directory; with recursive it removes a directory tree. A missing
// path is ENOENT in both cases. Mount points themselves cannot be removed (EBUSY).
func (f *FS) Remove(p string, recursive bool) error {
	op := "rm"
	t, err := f.resolve(op, p)
	if err != nil {
		return err
	}
	if err := f.writable(op, t); err != nil {
		return err
	}
	if t.rel == "." {
		return &Error{Code: "EBUSY", Op: op, Path: t.guest}
	}
	fi, err := t.m.root.Lstat(t.rel)
	if err != nil {
		return mapErr(op, t.guest, err)
	}
	if recursive && fi.IsDir() {
		if _, nested := f.virtualChildren(t.guest); nested {
			return &Error{Code: "EBUSY", Op: op, Path: t.guest}
		}
		return mapErr(op, t.guest, t.m.root.RemoveAll(t.rel))
	}
	if fi.IsDir() {
		op = "rmdir"
	} else {
		op = "unlink"
	}
	return mapErr(op, t.guest, t.m.root.Remove(t.rel))
}

// Rename moves oldPath to newPath. Both must be in the same writable mount
// (else EXDEV or EROFS).
func (f *FS) Rename(oldPath, newPath string) error {
	from, err := f.resolve("rename", oldPath)
	if err != nil {
		return err
	}
	to, err := f.resolve("rename", newPath)
	if err != nil {
		return err
	}
	if err := f.writable("rename", from); err != nil {
		return err
	}
	if err := f.writable("rename", to); err != nil {
		return err
	}
	if from.m != to.m {
		return &Error{Code: "EXDEV", Op: "rename", Path: from.guest, Dest: to.guest}
	}
	if from.rel == "." || to.rel == "." {
		return &Error{Code: "EBUSY", Op: "rename", Path: from.guest, Dest: to.guest}
	}
	if err := from.m.root.Rename(from.rel, to.rel); err != nil {
		return &Error{Code: codeOf(err), Op: "rename", Path: from.guest, Dest: to.guest}
	}
	return nil
}
