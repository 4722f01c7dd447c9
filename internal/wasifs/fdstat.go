package wasifs

import "encoding/binary"

// Descriptor attributes: fd_fdstat_*, the preopened directories' names,
// and the socket calls, which no descriptor supports.

// FdFdstatGet stores the descriptor's type, flags and rights at out.
func (f *FS) FdFdstatGet(mem []byte, fd int32, out uint32) Errno {
	e := f.get(fd)
	if e == nil {
		return EBADF
	}
	b, ok := span(mem, out, 1, 24)
	if !ok {
		return EFAULT
	}
	var ft uint8
	var flags uint16
	var base, inherit uint64
	switch e.kind {
	case kindStdin:
		base = rightRead | rightPollReadWrite
	case kindStdout, kindStderr:
		base = rightWrite | rightPollReadWrite
	case kindDir:
		// Every right, also on a read-only mount: wasi-libc asks for no
		// more than a directory may pass on, and a request the mount
		// refuses must fail at the host with EPERM, not quietly open a
		// descriptor that cannot write.
		ft, base, inherit = typeDirectory, rightsDirRead|rightsDirWrite, rightsAll
	case kindFile:
		ft = typeRegular
		if fi, err := e.file.Stat(); err == nil {
			ft = fileType(fi.Mode())
		}
		if ft == typeDirectory {
			base, inherit = rightsDirRead|rightsDirWrite, rightsAll
		}
		if e.read {
			base |= rightsFileRead
		}
		if e.write {
			base |= rightsFileWrite
		}
		if e.appending {
			flags = fdflagAppend
		}
	}
	clear(b)
	b[0] = ft
	b[2], b[3] = byte(flags), byte(flags>>8)
	binary.LittleEndian.PutUint64(b[8:], base)
	binary.LittleEndian.PutUint64(b[16:], inherit)
	return ESUCCESS
}

// FdFdstatSetFlags accepts the flags a descriptor already has (and
// NONBLOCK, which means nothing for files); changing APPEND is ENOTSUP.
func (f *FS) FdFdstatSetFlags(fd int32, flags uint32) Errno {
	e := f.get(fd)
	if e == nil {
		return EBADF
	}
	if (flags&fdflagAppend != 0) != e.appending {
		return ENOTSUP
	}
	return ESUCCESS
}

// FdPrestatGet describes the preopened directory fd.
func (f *FS) FdPrestatGet(mem []byte, fd int32, out uint32) Errno {
	e := f.get(fd)
	if e == nil || !e.preopen {
		return EBADF
	}
	b, ok := span(mem, out, 1, 8)
	if !ok {
		return EFAULT
	}
	clear(b)
	return put32(mem, out+4, uint32(len(e.m.guest)))
}

// FdPrestatDirName stores the guest path of the preopened directory fd.
func (f *FS) FdPrestatDirName(mem []byte, fd int32, out, n uint32) Errno {
	e := f.get(fd)
	if e == nil || !e.preopen {
		return EBADF
	}
	b, ok := span(mem, out, uint64(n), 1)
	if !ok {
		return EFAULT
	}
	if int(n) < len(e.m.guest) {
		return ENAMETOOLONG
	}
	copy(b, e.m.guest)
	return ESUCCESS
}

// SockCall answers a socket call on fd: the guest has no sockets.
func (f *FS) SockCall(fd int32) Errno {
	if f.get(fd) == nil {
		return EBADF
	}
	return ENOTSOCK
}
