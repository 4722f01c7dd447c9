package vfs

import (
	"io"
	"io/fs"
	"path"
	"sort"
)

// The operations that read: Stat, Exists, ReadFile and ReadDir.

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

// ReadDir lists the directory p sorted by name. Symbolic links are reported
// as links (Mode has fs.ModeSymlink), not followed.
func (f *FS) ReadDir(p string) ([]Info, error) { return f.readDir(p, true) }

// ReadDirTypes is ReadDir without the stat of each entry: the Infos carry
// only names and the type bits of their modes, which is all a directory
// walk needs and costs no call per entry.
func (f *FS) ReadDirTypes(p string) ([]Info, error) { return f.readDir(p, false) }

func (f *FS) readDir(p string, stat bool) ([]Info, error) {
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
		// Without stat, the type bits come from the directory entry (Go
		// stats an entry whose type the file system does not give).
		info := Info{Name: e.Name(), Mode: e.Type()}
		if stat {
			if fi, err := e.Info(); err == nil {
				info = toInfo(e.Name(), fi)
			}
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
