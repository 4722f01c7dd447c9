package quickjs

import (
	"errors"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/vfs"
)

// The host object's fs* functions: the guest file system (Host.FS) as the
// prelude's fs module uses it. A failure is recorded for fsError and
// returns undefined; the prelude then throws a Node-style error.

// fsFail records err for fsError and returns undefined (the prelude then
// calls fsError and throws).
func (r *run) fsFail(err error) (int32, error) {
	r.lastFSErr = err
	return r.undefined()
}

func (r *run) fsys() (*vfs.FS, error) {
	if r.h.FS == nil {
		return nil, &vfs.Error{Code: "ENOENT", Op: "open", Path: "/"}
	}
	return r.h.FS, nil
}

// fsDo runs op on the guest file system, or fails as fsys does when there
// is none. Its error is a file system error, for fsFail.
func fsDo[T any](r *run, op func(*vfs.FS) (T, error)) (T, error) {
	fsys, err := r.fsys()
	if err != nil {
		var zero T
		return zero, err
	}
	return op(fsys)
}

// fsUpdate runs op, which changes the guest file system, and returns true,
// or fails through fsFail.
func (r *run) fsUpdate(op func(*vfs.FS) error) (int32, error) {
	fsys, err := r.fsys()
	if err == nil {
		err = op(fsys)
	}
	if errors.Is(err, vfs.ErrLimit) {
		return 0, err // the guest is being stopped: trap it
	}
	if err != nil {
		return r.fsFail(err)
	}
	return r.boolean(true)
}

// fsPath reads args[i] and resolves it against Cwd.
func (r *run) fsPath(args []int32, i int) (string, error) {
	s, err := r.argString(args, i)
	if err != nil {
		return "", err
	}
	if s == "" || strings.IndexByte(s, 0) >= 0 {
		return s, nil // vfs reports these
	}
	return r.resolve(s), nil
}

// fsPathFlag reads the (path, flag) arguments of fsRead, fsMkdir and fsRm;
// the flag is set when args[1] is a non-zero number.
func (r *run) fsPathFlag(args []int32) (string, bool, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return "", false, err
	}
	f, err := r.argNum(args, 1)
	if err != nil {
		return "", false, err
	}
	return p, f != 0, nil
}

// hostFSRead(path, asText) -> string | Uint8Array
func hostFSRead(r *run, args []int32) (int32, error) {
	p, asText, err := r.fsPathFlag(args)
	if err != nil {
		return 0, err
	}
	data, err := fsDo(r, func(fsys *vfs.FS) ([]byte, error) { return fsys.ReadFile(p, r.maxRead()) })
	if err != nil {
		return r.fsFail(err)
	}
	if asText {
		return r.newString(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	return r.newBytes(data)
}

// hostFSWrite(path, data, append) -> true
func hostFSWrite(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	data, err := r.text(args, 1)
	if err != nil {
		return 0, err
	}
	appendFlag, err := r.argNum(args, 2)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.WriteFile(p, data, appendFlag != 0) })
}

func statJSON(fi vfs.Info) map[string]any {
	kind := "file"
	switch {
	case fi.IsDir():
		kind = "dir"
	case fi.IsSymlink():
		kind = "symlink"
	case !fi.IsRegular():
		kind = "other"
	}
	return map[string]any{
		"name":    fi.Name,
		"type":    kind,
		"size":    fi.Size,
		"mode":    uint32(fi.Mode.Perm()),
		"mtimeMs": float64(fi.ModTime.UnixNano()) / 1e6,
	}
}

// hostFSStat(path) -> JSON
func hostFSStat(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	fi, err := fsDo(r, func(fsys *vfs.FS) (vfs.Info, error) { return fsys.Stat(p) })
	if err != nil {
		return r.fsFail(err)
	}
	return r.newString(mustJSON(statJSON(fi)))
}

// hostFSExists(path) -> whether path names anything (fs.existsSync): one
// call, and nothing is made for a missing path.
func hostFSExists(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	_, err = fsDo(r, func(fsys *vfs.FS) (vfs.Info, error) { return fsys.Stat(p) })
	return r.boolean(err == nil)
}

// hostFSReaddirTypes(path) -> the entries as one string, "<type><name>"
// joined by NUL (type d, f, l or o), with no stat per entry: what
// readdirSync needs, without JSON.
func hostFSReaddirTypes(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	list, err := fsDo(r, func(fsys *vfs.FS) ([]vfs.Info, error) { return fsys.ReadDirTypes(p) })
	if err != nil {
		return r.fsFail(err)
	}
	var b strings.Builder
	for i, fi := range list {
		if i > 0 {
			b.WriteByte(0)
		}
		switch {
		case fi.IsDir():
			b.WriteByte('d')
		case fi.IsSymlink():
			b.WriteByte('l')
		case fi.IsRegular():
			b.WriteByte('f')
		default:
			b.WriteByte('o')
		}
		b.WriteString(fi.Name)
	}
	return r.newString(b.String())
}

// hostFSReaddir(path) -> JSON array of stat objects
func hostFSReaddir(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	list, err := fsDo(r, func(fsys *vfs.FS) ([]vfs.Info, error) { return fsys.ReadDir(p) })
	if err != nil {
		return r.fsFail(err)
	}
	out := make([]map[string]any, len(list))
	for i, fi := range list {
		out[i] = statJSON(fi)
	}
	return r.newString(mustJSON(out))
}

// hostFSMkdir(path, recursive) -> true
func hostFSMkdir(r *run, args []int32) (int32, error) {
	p, rec, err := r.fsPathFlag(args)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.Mkdir(p, rec) })
}

// hostFSRm(path, recursive) -> true
func hostFSRm(r *run, args []int32) (int32, error) {
	p, rec, err := r.fsPathFlag(args)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.Remove(p, rec) })
}

// hostFSRename(from, to) -> true
func hostFSRename(r *run, args []int32) (int32, error) {
	from, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	to, err := r.fsPath(args, 1)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.Rename(from, to) })
}

// hostFSError() -> JSON {code, syscall, path, dest, message} of the last failure.
func hostFSError(r *run, _ []int32) (int32, error) {
	e := map[string]string{"code": "EIO", "syscall": "open", "message": "i/o error"}
	var ve *vfs.Error
	if errors.As(r.lastFSErr, &ve) {
		e = map[string]string{"code": ve.Code, "syscall": ve.Op, "path": ve.Path, "dest": ve.Dest, "message": ve.Error()}
	}
	r.lastFSErr = nil
	return r.newString(mustJSON(e))
}
