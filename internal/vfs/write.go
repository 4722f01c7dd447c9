package vfs

import (
	"os"
	"strings"
)

// The operations that change the file system: WriteFile, Mkdir, Remove
// and Rename.

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
	// The file may be new, and an overwrite counts in full.
	if err := f.charge(t, int64(len(data)), 1); err != nil {
		return err
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
	if err := f.charge(t, 0, int64(strings.Count(t.rel, "/")+1)); err != nil {
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
