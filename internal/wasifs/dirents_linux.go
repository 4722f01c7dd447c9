package wasifs

import (
	"encoding/binary"
	"io"
	"os"
	"syscall"
)

// readEntries reads the next entries (8 KiB of them) of the directory f,
// on device dev, with
// getdents64, which gives each entry's inode number and type without a
// stat per entry. It returns io.EOF at the end.
func readEntries(f *os.File, dev uint64) ([]dirent, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 8192)
	var got int
	var rerr error
	if err := rc.Read(func(fd uintptr) bool {
		got, rerr = syscall.ReadDirent(int(fd), buf)
		return rerr != syscall.EAGAIN
	}); err != nil {
		return nil, err
	}
	if rerr != nil {
		return nil, rerr
	}
	if got == 0 {
		return nil, io.EOF
	}
	var out []dirent
	for b := buf[:got]; len(b) >= 19; {
		reclen := int(binary.LittleEndian.Uint16(b[16:]))
		if reclen < 19 || reclen > len(b) {
			break
		}
		name := b[19:reclen]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		ino := binary.LittleEndian.Uint64(b[0:])
		out = append(out, dirent{ino: guestIno(dev, ino), typ: direntType(b[18]), name: string(name)})
		b = b[reclen:]
	}
	return out, nil
}

// direntType maps a Linux d_type to a WASI file type.
func direntType(t uint8) uint8 {
	switch t {
	case syscall.DT_DIR:
		return typeDirectory
	case syscall.DT_REG:
		return typeRegular
	case syscall.DT_LNK:
		return typeSymlink
	case syscall.DT_CHR:
		return typeChar
	case syscall.DT_BLK:
		return typeBlock
	case syscall.DT_SOCK:
		return typeSocket
	}
	return typeUnknown
}
