package wasifs

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// Errno is a WASI preview1 error number.
type Errno = int32

// The WASI preview1 error numbers this package answers.
const (
	ESUCCESS     Errno = 0
	EACCES       Errno = 2
	EAGAIN       Errno = 6
	EBADF        Errno = 8
	EBUSY        Errno = 10
	EDQUOT       Errno = 19
	EEXIST       Errno = 20
	EFAULT       Errno = 21
	EFBIG        Errno = 22
	EINTR        Errno = 27
	EINVAL       Errno = 28
	EIO          Errno = 29
	EISDIR       Errno = 31
	ELOOP        Errno = 32
	EMFILE       Errno = 33
	EMLINK       Errno = 34
	ENAMETOOLONG Errno = 37
	ENFILE       Errno = 41
	ENOENT       Errno = 44
	ENOMEM       Errno = 48
	ENOSPC       Errno = 51
	ENOSYS       Errno = 52
	ENOTDIR      Errno = 54
	ENOTEMPTY    Errno = 55
	ENOTSOCK     Errno = 57
	ENOTSUP      Errno = 58
	ENXIO        Errno = 60
	EOVERFLOW    Errno = 61
	EPERM        Errno = 63
	EROFS        Errno = 69
	ESPIPE       Errno = 70
	ETXTBSY      Errno = 74
	EXDEV        Errno = 75
)

var fromSyscall = map[syscall.Errno]Errno{
	syscall.EACCES:       EACCES,
	syscall.EAGAIN:       EAGAIN,
	syscall.EBADF:        EBADF,
	syscall.EBUSY:        EBUSY,
	syscall.EDQUOT:       EDQUOT,
	syscall.EEXIST:       EEXIST,
	syscall.EFBIG:        EFBIG,
	syscall.EINTR:        EINTR,
	syscall.EINVAL:       EINVAL,
	syscall.EIO:          EIO,
	syscall.EISDIR:       EISDIR,
	syscall.ELOOP:        ELOOP,
	syscall.EMFILE:       EMFILE,
	syscall.EMLINK:       EMLINK,
	syscall.ENAMETOOLONG: ENAMETOOLONG,
	syscall.ENFILE:       ENFILE,
	syscall.ENOENT:       ENOENT,
	syscall.ENOMEM:       ENOMEM,
	syscall.ENOSPC:       ENOSPC,
	syscall.ENOSYS:       ENOSYS,
	syscall.ENOTDIR:      ENOTDIR,
	syscall.ENOTEMPTY:    ENOTEMPTY,
	syscall.ENOTSUP:      ENOTSUP,
	syscall.ENXIO:        ENXIO,
	syscall.EOVERFLOW:    EOVERFLOW,
	syscall.EPERM:        EPERM,
	syscall.EROFS:        EROFS,
	syscall.ESPIPE:       ESPIPE,
	syscall.ETXTBSY:      ETXTBSY,
	syscall.EXDEV:        EXDEV,
}

// errno turns a host error into the guest's error number. A path that
// would leave its mount (through "..", an absolute or escaping symbolic
// link) is EPERM, as wasmtime's WASI answers it; an unknown error is EIO.
func errno(err error) Errno {
	if err == nil {
		return ESUCCESS
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		if e, ok := fromSyscall[se]; ok {
			return e
		}
		return EIO
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ENOENT
	case errors.Is(err, fs.ErrExist):
		return EEXIST
	case errors.Is(err, fs.ErrPermission):
		return EPERM
	}
	if strings.Contains(err.Error(), "escapes") || strings.Contains(err.Error(), "outside") {
		return EPERM
	}
	return EIO
}
