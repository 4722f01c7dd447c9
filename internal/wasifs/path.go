package wasifs

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// WASI path_open flags.
const (
	lookupFollow   = 1
	oflagCreat     = 1
	oflagDirectory = 2
	oflagExcl      = 4
	oflagTrunc     = 8
	fdflagDsync    = 2
	fdflagRsync    = 8
	fdflagSync     = 16
	rightsWriting  = rightWrite | rightAllocate | rightSetSize | rightDatasync
)

// dirPath resolves the path at ptr against the directory descriptor fd.
func (f *FS) dirPath(mem []byte, fd int32, ptr, n uint32) (*mount, string, Errno) {
	e := f.get(fd)
	if e == nil {
		return nil, "", EBADF
	}
	if e.m == nil {
		return nil, "", ENOTDIR // a standard stream (a file fails in os.Root)
	}
	p, en := guestPath(mem, e.rel, ptr, n)
	return e.m, p, en
}

// PathOpen opens the path at ptr relative to the directory fd and stores
// the new descriptor at out.
func (f *FS) PathOpen(mem []byte, fd int32, dirflags uint32, ptr, n uint32, oflags uint32, rights uint64, fdflags uint32, out uint32) Errno {
	m, p, en := f.dirPath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	if _, ok := span(mem, out, 1, 4); !ok {
		return EFAULT
	}
	write := rights&rightsWriting != 0 || oflags&oflagTrunc != 0
	read := rights&(rightRead|1<<14) != 0 || !write
	if (write || oflags&oflagCreat != 0) && !m.writable {
		return EPERM
	}
	flag := os.O_RDONLY
	switch {
	case read && write:
		flag = os.O_RDWR
	case write:
		flag = os.O_WRONLY
	}
	if oflags&oflagCreat != 0 {
		flag |= os.O_CREATE
		if oflags&oflagExcl != 0 {
			flag |= os.O_EXCL
		}
	}
	if oflags&oflagTrunc != 0 {
		flag |= os.O_TRUNC
	}
	if oflags&oflagDirectory != 0 {
		flag |= syscall.O_DIRECTORY
	}
	if dirflags&lookupFollow == 0 {
		flag |= syscall.O_NOFOLLOW
	}
	appending := fdflags&fdflagAppend != 0
	if appending {
		flag |= os.O_APPEND
	}
	if fdflags&fdflagSync != 0 {
		flag |= os.O_SYNC
	} else if fdflags&(fdflagDsync|fdflagRsync) != 0 {
		flag |= syscall.O_DSYNC
	}
	if flag&os.O_CREATE != 0 {
		// Every creation may add an entry (and truncation may shrink a
		// file, which the Meter learns at its next measurement).
		if en := f.charge(m, 0, 1); en != ESUCCESS {
			return en
		}
	}
	file, err := m.root.OpenFile(p, flag, 0o666)
	if err != nil {
		return errno(err)
	}
	e := &entry{kind: kindFile, m: m, rel: p, file: file, read: read, write: write, appending: appending}
	nfd, en := f.add(e)
	if en != ESUCCESS {
		file.Close()
		return en
	}
	return put32(mem, out, uint32(nfd))
}

// PathFilestatGet stores the attributes of the path at out, following a
// final symbolic link when flags ask for it.
func (f *FS) PathFilestatGet(mem []byte, fd int32, flags uint32, ptr, n uint32, out uint32) Errno {
	m, p, en := f.dirPath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	fi, ok, err := m.statName(p, flags&lookupFollow != 0)
	switch {
	case ok:
		f.oneNameStats++
	case flags&lookupFollow != 0:
		fi, err = m.root.Stat(p)
	default:
		fi, err = m.root.Lstat(p)
	}
	if err != nil {
		return errno(err)
	}
	return putFilestat(mem, out, fi)
}

// PathFilestatSetTimes sets the times of the path.
func (f *FS) PathFilestatSetTimes(mem []byte, fd int32, ptr, n uint32, atim, mtim int64, flags uint32) Errno {
	m, p, en := f.dirPath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	return f.setTimes(m, p, atim, mtim, flags)
}

// writablePath resolves a path that the call will change.
func (f *FS) writablePath(mem []byte, fd int32, ptr, n uint32) (*mount, string, Errno) {
	m, p, en := f.dirPath(mem, fd, ptr, n)
	if en == ESUCCESS && !m.writable {
		en = EPERM
	}
	return m, p, en
}

// PathCreateDirectory makes a directory.
func (f *FS) PathCreateDirectory(mem []byte, fd int32, ptr, n uint32) Errno {
	m, p, en := f.writablePath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	if en := f.charge(m, 0, 1); en != ESUCCESS {
		return en
	}
	return errno(m.root.Mkdir(p, 0o777))
}

// PathUnlinkFile removes a file or link; a directory is EISDIR.
func (f *FS) PathUnlinkFile(mem []byte, fd int32, ptr, n uint32) Errno {
	m, p, en := f.writablePath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	fi, err := m.root.Lstat(p)
	if err != nil {
		return errno(err)
	}
	if fi.IsDir() {
		return EISDIR
	}
	return errno(m.root.Remove(p))
}

// PathRemoveDirectory removes an empty directory; anything else is ENOTDIR.
func (f *FS) PathRemoveDirectory(mem []byte, fd int32, ptr, n uint32) Errno {
	m, p, en := f.writablePath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	fi, err := m.root.Lstat(p)
	if err != nil {
		return errno(err)
	}
	if !fi.IsDir() {
		return ENOTDIR
	}
	return errno(m.root.Remove(p))
}

// PathRename moves a path within one mount; between mounts it is EXDEV.
func (f *FS) PathRename(mem []byte, oldFd int32, oldPtr, oldN uint32, newFd int32, newPtr, newN uint32) Errno {
	om, op, en := f.writablePath(mem, oldFd, oldPtr, oldN)
	if en != ESUCCESS {
		return en
	}
	nm, np, en := f.writablePath(mem, newFd, newPtr, newN)
	if en != ESUCCESS {
		return en
	}
	if om != nm {
		return EXDEV
	}
	return errno(om.root.Rename(op, np))
}

// PathLink makes a hard link within one mount. The link counts against a
// metered mount as a new file of the target's size.
func (f *FS) PathLink(mem []byte, oldFd int32, flags uint32, oldPtr, oldN uint32, newFd int32, newPtr, newN uint32) Errno {
	om, op, en := f.dirPath(mem, oldFd, oldPtr, oldN)
	if en != ESUCCESS {
		return en
	}
	nm, np, en := f.writablePath(mem, newFd, newPtr, newN)
	if en != ESUCCESS {
		return en
	}
	if om != nm {
		return EXDEV
	}
	fi, err := om.root.Lstat(op)
	if err != nil {
		return errno(err)
	}
	if en := f.charge(nm, fi.Size(), 1); en != ESUCCESS {
		return en
	}
	return errno(om.root.Link(op, np))
}

// PathSymlink makes a symbolic link at the new path holding the target
// text. A link is only ever followed through os.Root, so a target that
// points out of the mount is refused when it is used; an absolute target
// is refused here.
func (f *FS) PathSymlink(mem []byte, tPtr, tN uint32, fd int32, ptr, n uint32) Errno {
	m, p, en := f.writablePath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	if tN > MaxPathBytes {
		return ENAMETOOLONG
	}
	t, ok := span(mem, tPtr, uint64(tN), 1)
	if !ok {
		return EFAULT
	}
	if len(t) == 0 || t[0] == '/' {
		return EPERM
	}
	if en := f.charge(m, int64(len(t)), 1); en != ESUCCESS {
		return en
	}
	return errno(m.root.Symlink(string(t), p))
}

// PathReadlink stores the target of a symbolic link in the buffer at buf
// (truncated to its size) and the length stored at out.
func (f *FS) PathReadlink(mem []byte, fd int32, ptr, n uint32, buf, bufLen uint32, out uint32) Errno {
	m, p, en := f.dirPath(mem, fd, ptr, n)
	if en != ESUCCESS {
		return en
	}
	b, ok := span(mem, buf, uint64(bufLen), 1)
	if !ok {
		return EFAULT
	}
	t, err := m.root.Readlink(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(pe.Err, syscall.EINVAL) {
			return EINVAL
		}
		return errno(err)
	}
	return put32(mem, out, uint32(copy(b, t)))
}
