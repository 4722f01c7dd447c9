package vfs

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// Errors: the *Error every operation returns, its Node-style codes and
// texts, and the mapping of host errors to those codes.

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
