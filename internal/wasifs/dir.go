package wasifs

import (
	"encoding/binary"
	"io"
)

// direntHeader is the size of a WASI dirent before its name.
const direntHeader = 24

// dirent is one directory entry as the host read it.
type dirent struct {
	ino  uint64
	typ  uint8
	name string
}

// dirState is the reading position of a directory descriptor: the entries
// read from the host but not yet passed beyond, the first of which has
// the sequence number base (a WASI cookie is the sequence number of the
// next entry).
type dirState struct {
	base    uint64
	entries []dirent
	eof     bool
	// dev is the directory's device, part of its entries' inode numbers.
	dev uint64
}

// FdReaddir fills the buffer at buf with the directory's entries from the
// one numbered cookie, and stores the bytes used at out. A buffer that
// ends in the middle of an entry is filled to its end (the guest then
// asks again with a larger buffer from that entry's cookie); fewer bytes
// than the buffer's size mean the end of the directory. The host keeps
// only the entries from cookie to the end of the buffer.
func (f *FS) FdReaddir(mem []byte, fd int32, buf, bufLen uint32, cookie uint64, out uint32) Errno {
	e := f.get(fd)
	if e == nil {
		return EBADF
	}
	if e.m == nil {
		return ENOTDIR
	}
	b, ok := span(mem, buf, uint64(bufLen), 1)
	if !ok {
		return EFAULT
	}
	if _, ok := span(mem, out, 1, 4); !ok {
		return EFAULT
	}
	if e.file == nil { // a preopened directory: read it through its own handle
		file, err := e.m.root.Open(".")
		if err != nil {
			return errno(err)
		}
		e.file = file
	}
	if e.dir == nil || cookie < e.dir.base {
		if _, err := e.file.Seek(0, io.SeekStart); err != nil && e.dir != nil {
			return errno(err)
		}
		e.dir = &dirState{}
		if fi, err := e.file.Stat(); err == nil {
			if s, ok := sysStat(fi); ok {
				e.dir.dev = s.dev
			}
		}
	}
	d := e.dir
	fill := func() Errno {
		more, err := readEntries(e.file, d.dev)
		d.entries = append(d.entries, more...)
		if err == io.EOF {
			d.eof = true
		} else if err != nil {
			return errno(err)
		}
		return ESUCCESS
	}
	// Drop what the guest has passed beyond.
	for cookie > d.base {
		if len(d.entries) == 0 {
			if d.eof {
				return put32(mem, out, 0)
			}
			if en := fill(); en != ESUCCESS {
				return en
			}
			continue
		}
		k := min(uint64(len(d.entries)), cookie-d.base)
		d.entries = d.entries[k:]
		d.base += k
	}
	used := 0
	for i := 0; used < len(b); i++ {
		for i >= len(d.entries) && !d.eof {
			if en := fill(); en != ESUCCESS {
				return en
			}
		}
		if i >= len(d.entries) {
			break
		}
		de := d.entries[i]
		var rec [direntHeader]byte
		binary.LittleEndian.PutUint64(rec[0:], d.base+uint64(i)+1)
		binary.LittleEndian.PutUint64(rec[8:], de.ino)
		binary.LittleEndian.PutUint32(rec[16:], uint32(len(de.name)))
		rec[20] = de.typ
		used += copy(b[used:], rec[:])
		used += copy(b[used:], de.name)
	}
	return put32(mem, out, uint32(used))
}
