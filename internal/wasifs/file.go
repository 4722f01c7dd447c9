package wasifs

import (
	"errors"
	"io"
	"os"
	"time"
)

// WASI rights, as fd_fdstat_get reports them.
const (
	rightDatasync        = 1 << 0
	rightRead            = 1 << 1
	rightSeek            = 1 << 2
	rightSetFlags        = 1 << 3
	rightSync            = 1 << 4
	rightTell            = 1 << 5
	rightWrite           = 1 << 6
	rightAdvise          = 1 << 7
	rightAllocate        = 1 << 8
	rightFilestatGet     = 1 << 21
	rightSetSize         = 1 << 22
	rightSetTimes        = 1 << 23
	rightPollReadWrite   = 1 << 27
	rightsFileRead       = rightRead | rightSeek | rightTell | rightAdvise | rightSync | rightDatasync | rightSetFlags | rightFilestatGet | rightPollReadWrite
	rightsFileWrite      = rightWrite | rightAllocate | rightSetSize | rightSetTimes
	rightsDirRead        = 1<<13 | 1<<14 | 1<<15 | 1<<18 | rightFilestatGet
	rightsDirWrite       = 1<<9 | 1<<10 | 1<<11 | 1<<12 | 1<<16 | 1<<17 | 1<<19 | 1<<20 | 1<<24 | 1<<25 | 1<<26 | rightSetTimes
	rightsAll            = rightsFileRead | rightsFileWrite | rightsDirRead | rightsDirWrite
	fdflagAppend         = 1
	fstflagAtim          = 1
	fstflagAtimNow       = 2
	fstflagMtim          = 4
	fstflagMtimNow       = 8
	whenceSet, whenceCur = 0, 1
	whenceEnd            = 2
)

func (f *FS) file(fd int32) (*entry, Errno) {
	e := f.get(fd)
	switch {
	case e == nil:
		return nil, EBADF
	case e.file == nil:
		if e.kind == kindDir {
			return nil, EISDIR
		}
		return nil, ESPIPE
	}
	return e, ESUCCESS
}

// FdRead reads into the iovecs at iovs and stores the count at nread.
func (f *FS) FdRead(mem []byte, fd int32, iovs, n, nread uint32) Errno {
	e := f.get(fd)
	if e == nil {
		return EBADF
	}
	if !e.read {
		return EBADF
	}
	bufs, _, en := f.iovecs(mem, iovs, n)
	if en != ESUCCESS {
		return en
	}
	var total int
	switch {
	case e.kind == kindStdin:
		for _, b := range bufs {
			c := copy(b, f.stdin[f.inPos:])
			f.inPos += c
			total += c
		}
	case e.file != nil:
		for _, b := range bufs {
			c, err := e.file.Read(b)
			total += c
			if err != nil && err != io.EOF {
				if total == 0 {
					return errno(err)
				}
				break
			}
			if c < len(b) {
				break
			}
		}
	default:
		return EISDIR
	}
	return put32(mem, nread, uint32(total))
}

// positioned checks a pread or pwrite: a file open for reading (or
// writing), the iovecs, and a non-negative offset.
func (f *FS) positioned(mem []byte, fd int32, iovs, n uint32, offset int64, write bool) (*entry, [][]byte, int64, Errno) {
	e, en := f.file(fd)
	if en != ESUCCESS {
		return nil, nil, 0, en
	}
	if write && !e.write || !write && !e.read {
		return nil, nil, 0, EBADF
	}
	bufs, size, en := f.iovecs(mem, iovs, n)
	if en != ESUCCESS {
		return nil, nil, 0, en
	}
	if offset < 0 {
		return nil, nil, 0, EINVAL
	}
	return e, bufs, size, ESUCCESS
}

// FdPread reads at offset without moving the file position.
func (f *FS) FdPread(mem []byte, fd int32, iovs, n uint32, offset int64, nread uint32) Errno {
	e, bufs, _, en := f.positioned(mem, fd, iovs, n, offset, false)
	if en != ESUCCESS {
		return en
	}
	var total int
	for _, b := range bufs {
		c, err := e.file.ReadAt(b, offset+int64(total))
		total += c
		if err != nil {
			if err != io.EOF && total == 0 {
				return errno(err)
			}
			break
		}
	}
	return put32(mem, nread, uint32(total))
}

// FdWrite writes the iovecs at iovs and stores the count at nwritten.
func (f *FS) FdWrite(mem []byte, fd int32, iovs, n, nwritten uint32) Errno {
	e := f.get(fd)
	if e == nil || !e.write || e.kind == kindDir {
		return EBADF
	}
	bufs, size, en := f.iovecs(mem, iovs, n)
	if en != ESUCCESS {
		return en
	}
	var w io.Writer
	switch e.kind {
	case kindStdout:
		w = f.stdout
	case kindStderr:
		w = f.stderr
	default:
		// What the write adds: its bytes, and any hole between the end of
		// the file and the position, which a seek, or the file shrinking
		// under an old position, left.
		var en Errno
		if e.appending || !e.m.metered {
			en = f.charge(e.m, size, 0)
		} else if cur, err := e.file.Seek(0, io.SeekCurrent); err != nil {
			return errno(err)
		} else {
			en = f.chargeGrowth(e, cur, size)
		}
		if en != ESUCCESS {
			return en
		}
		w = e.file
	}
	var total int
	for _, b := range bufs {
		c, err := w.Write(b)
		total += c
		if err != nil {
			if total == 0 {
				return errno(err)
			}
			break
		}
	}
	return put32(mem, nwritten, uint32(total))
}

// FdPwrite writes at offset without moving the file position.
func (f *FS) FdPwrite(mem []byte, fd int32, iovs, n uint32, offset int64, nwritten uint32) Errno {
	e, bufs, size, en := f.positioned(mem, fd, iovs, n, offset, true)
	if en != ESUCCESS {
		return en
	}
	if en := f.chargeGrowth(e, offset, size); en != ESUCCESS {
		return en
	}
	var total int
	for _, b := range bufs {
		var c int
		var err error
		if e.appending {
			c, err = e.file.Write(b) // pwrite on an O_APPEND file appends
		} else {
			c, err = e.file.WriteAt(b, offset+int64(total))
		}
		total += c
		if err != nil {
			if total == 0 {
				return errno(err)
			}
			break
		}
	}
	return put32(mem, nwritten, uint32(total))
}

// chargeGrowth charges a metered mount for a change that writes n bytes
// at offset: the bytes, and the hole between the end of the file and
// offset.
func (f *FS) chargeGrowth(e *entry, offset, n int64) Errno {
	if e.m == nil || !e.m.metered {
		return ESUCCESS
	}
	fi, err := e.file.Stat()
	if err != nil {
		return errno(err)
	}
	return f.charge(e.m, n+max(0, offset-fi.Size()), 0)
}

// FdSeek moves the file position and stores the new one at out.
func (f *FS) FdSeek(mem []byte, fd int32, offset int64, whence uint32, out uint32) Errno {
	e, en := f.file(fd)
	if en != ESUCCESS {
		if en == EISDIR {
			en = ESPIPE
		}
		return en
	}
	if whence > whenceEnd {
		return EINVAL
	}
	if offset > 0 && e.write && e.m.metered {
		// A position past the end makes a hole at the next write: a seek
		// far past the limit is refused at once (the write charges the
		// hole again, against the file's size then).
		cur, err := e.file.Seek(0, whenceCur)
		if err != nil {
			return errno(err)
		}
		fi, err := e.file.Stat()
		if err != nil {
			return errno(err)
		}
		target := offset
		switch whence {
		case whenceCur:
			target += cur
		case whenceEnd:
			target += fi.Size()
		}
		if en := f.charge(e.m, target-fi.Size(), 0); en != ESUCCESS {
			return en
		}
	}
	pos, err := e.file.Seek(offset, int(whence))
	if err != nil {
		return errno(err)
	}
	return put64(mem, out, uint64(pos))
}

// FdTell stores the file position at out.
func (f *FS) FdTell(mem []byte, fd int32, out uint32) Errno {
	return f.FdSeek(mem, fd, 0, whenceCur, out)
}

// FdClose closes fd.
func (f *FS) FdClose(fd int32) Errno {
	e := f.get(fd)
	if e == nil {
		return EBADF
	}
	f.fds[fd] = nil
	f.open--
	if e.file != nil {
		if err := e.file.Close(); err != nil {
			return errno(err)
		}
	}
	return ESUCCESS
}

// FdFilestatGet stores the file's attributes at out.
func (f *FS) FdFilestatGet(mem []byte, fd int32, out uint32) Errno {
	e := f.get(fd)
	switch {
	case e == nil:
		return EBADF
	case e.file != nil:
		fi, err := e.file.Stat()
		if err != nil {
			return errno(err)
		}
		return putFilestat(mem, out, fi)
	case e.preopen:
		fi, err := e.m.root.Stat(".")
		if err != nil {
			return errno(err)
		}
		return putFilestat(mem, out, fi)
	}
	b, ok := span(mem, out, 1, filestatSize)
	if !ok {
		return EFAULT
	}
	clear(b) // a standard stream: no attributes, as under wasmtime
	return ESUCCESS
}

// FdFilestatSetSize truncates or extends the file.
func (f *FS) FdFilestatSetSize(fd int32, size int64) Errno {
	e, en := f.file(fd)
	if en != ESUCCESS {
		return en
	}
	if !e.write {
		return EBADF
	}
	if size < 0 {
		return EINVAL
	}
	if en := f.chargeGrowth(e, size, 0); en != ESUCCESS {
		return en
	}
	return errno(e.file.Truncate(size))
}

// FdAllocate makes sure the file is at least offset+length long.
func (f *FS) FdAllocate(fd int32, offset, length int64) Errno {
	e, en := f.file(fd)
	if en != ESUCCESS {
		return en
	}
	if !e.write {
		return EBADF
	}
	if offset < 0 || length <= 0 || offset+length < 0 {
		return EINVAL
	}
	fi, err := e.file.Stat()
	if err != nil {
		return errno(err)
	}
	if end := offset + length; end > fi.Size() {
		if en := f.charge(e.m, end-fi.Size(), 0); en != ESUCCESS {
			return en
		}
		return errno(e.file.Truncate(end))
	}
	return ESUCCESS
}

// FdSync flushes the file to storage.
func (f *FS) FdSync(fd int32) Errno {
	e := f.get(fd)
	if e == nil {
		return EBADF
	}
	if e.file == nil {
		return ESUCCESS
	}
	if err := e.file.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return errno(err)
	}
	return ESUCCESS
}

// FdAdvise checks fd; the advice itself is ignored.
func (f *FS) FdAdvise(fd int32) Errno {
	if _, en := f.file(fd); en != ESUCCESS {
		return en
	}
	return ESUCCESS
}

// FdFilestatSetTimes sets the file's access and modification times.
func (f *FS) FdFilestatSetTimes(fd int32, atim, mtim int64, flags uint32) Errno {
	e := f.get(fd)
	if e == nil || e.m == nil {
		return EBADF
	}
	return f.setTimes(e.m, e.rel, atim, mtim, flags)
}

func (f *FS) setTimes(m *mount, p string, atim, mtim int64, flags uint32) Errno {
	if !m.writable {
		return EPERM
	}
	if flags&(fstflagAtim|fstflagAtimNow) == fstflagAtim|fstflagAtimNow || flags&(fstflagMtim|fstflagMtimNow) == fstflagMtim|fstflagMtimNow {
		return EINVAL
	}
	var a, mt time.Time // zero: left unchanged
	now := time.Now()
	switch {
	case flags&fstflagAtimNow != 0:
		a = now
	case flags&fstflagAtim != 0:
		a = time.Unix(0, atim)
	}
	switch {
	case flags&fstflagMtimNow != 0:
		mt = now
	case flags&fstflagMtim != 0:
		mt = time.Unix(0, mtim)
	}
	if a.IsZero() && mt.IsZero() {
		return ESUCCESS
	}
	return errno(m.root.Chtimes(p, a, mt))
}
