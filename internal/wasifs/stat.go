package wasifs

import (
	"encoding/binary"
	"hash/maphash"
	"io/fs"
	"time"
)

// WASI file types.
const (
	typeUnknown   = 0
	typeBlock     = 1
	typeChar      = 2
	typeDirectory = 3
	typeRegular   = 4
	typeSocket    = 6
	typeSymlink   = 7
)

const filestatSize = 64

func fileType(m fs.FileMode) uint8 {
	switch {
	case m.IsDir():
		return typeDirectory
	case m.IsRegular():
		return typeRegular
	case m&fs.ModeSymlink != 0:
		return typeSymlink
	case m&fs.ModeDevice != 0 && m&fs.ModeCharDevice != 0:
		return typeChar
	case m&fs.ModeDevice != 0:
		return typeBlock
	case m&fs.ModeSocket != 0:
		return typeSocket
	}
	return typeUnknown
}

// inoSeed keys the inode numbers shown to guests: the host's own are not
// revealed, but equal files still compare equal within a process.
var inoSeed = maphash.MakeSeed()

func guestIno(dev, ino uint64) uint64 {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], dev)
	binary.LittleEndian.PutUint64(b[8:], ino)
	return maphash.Bytes(inoSeed, b[:]) | 1 // never 0, which means unknown
}

// putFilestat writes fi as a WASI filestat at out. The device is always 1
// (as under wasmtime's WASI) and the inode a keyed hash of the host's.
func putFilestat(mem []byte, out uint32, fi fs.FileInfo) Errno {
	b, ok := span(mem, out, 1, filestatSize)
	if !ok {
		return EFAULT
	}
	clear(b)
	var nlink, ino uint64 = 1, 0
	var atim, ctim time.Time
	mtim := fi.ModTime()
	atim, ctim = mtim, mtim
	if s, ok := sysStat(fi); ok {
		nlink, ino, atim, ctim = s.nlink, guestIno(s.dev, s.ino), s.atim, s.ctim
	}
	binary.LittleEndian.PutUint64(b[0:], 1)
	binary.LittleEndian.PutUint64(b[8:], ino)
	b[16] = fileType(fi.Mode())
	binary.LittleEndian.PutUint64(b[24:], nlink)
	binary.LittleEndian.PutUint64(b[32:], uint64(fi.Size()))
	binary.LittleEndian.PutUint64(b[40:], uint64(atim.UnixNano()))
	binary.LittleEndian.PutUint64(b[48:], uint64(mtim.UnixNano()))
	binary.LittleEndian.PutUint64(b[56:], uint64(ctim.UnixNano()))
	return ESUCCESS
}
