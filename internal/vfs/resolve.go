package vfs

import (
	"path"
	"sort"
	"strings"
)

// Guest paths: cleaning them, finding the mount that holds them, the
// read-only directories above mount points, and whether a path may be
// changed.

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
