package wasifs

import (
	"io/fs"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

type hostStat struct {
	dev, ino, nlink uint64
	atim, ctim      time.Time
}

func sysStat(fi fs.FileInfo) (hostStat, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return hostStat{}, false
	}
	return hostStat{
		dev: uint64(st.Dev), ino: st.Ino, nlink: uint64(st.Nlink),
		atim: time.Unix(st.Atim.Unix()), ctim: time.Unix(st.Ctim.Unix()),
	}, true
}

// statName stats name, one component in the mount's root directory, with a
// single fstatat on the root's descriptor instead of os.Root's walk (which
// opens and closes descriptors and allocates): the common case of a
// relative name in the working directory. A name that is not one plain
// component, or a symbolic link to follow, is left to os.Root (ok false),
// so nothing is resolved outside the root here.
func (m *mount) statName(name string, follow bool) (fi fs.FileInfo, ok bool, err error) {
	if name == "" || name == ".." || strings.IndexByte(name, '/') >= 0 || strings.IndexByte(name, 0) >= 0 {
		return nil, false, nil
	}
	if m.dir == nil {
		d, err := m.root.Open(".")
		if err != nil {
			return nil, false, nil
		}
		m.dir = d
	}
	st := &syscall.Stat_t{}
	for {
		err = unix.Fstatat(int(m.dir.Fd()), name, (*unix.Stat_t)(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, true, err
	}
	if follow && st.Mode&syscall.S_IFMT == syscall.S_IFLNK {
		return nil, false, nil
	}
	return &statInfo{name: name, st: st}, true, nil
}

// statInfo is an fs.FileInfo over a stat result, as os makes one.
type statInfo struct {
	name string
	st   *syscall.Stat_t
}

func (s *statInfo) Name() string       { return s.name }
func (s *statInfo) Size() int64        { return s.st.Size }
func (s *statInfo) ModTime() time.Time { return time.Unix(s.st.Mtim.Unix()) }
func (s *statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s *statInfo) Sys() any           { return s.st }

func (s *statInfo) Mode() fs.FileMode {
	m := fs.FileMode(s.st.Mode & 0o777)
	switch s.st.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		m |= fs.ModeDevice
	case syscall.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		m |= fs.ModeDir
	case syscall.S_IFIFO:
		m |= fs.ModeNamedPipe
	case syscall.S_IFLNK:
		m |= fs.ModeSymlink
	case syscall.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if s.st.Mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if s.st.Mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if s.st.Mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
