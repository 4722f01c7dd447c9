package wasifs

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// guest is a fake guest memory with a bump allocator, for calling the FS
// the way a guest does.
type guest struct {
	mem  []byte
	next uint32
}

func newGuest() *guest { return &guest{mem: make([]byte, 1<<20), next: 64} }

func (g *guest) alloc(n int) uint32 {
	p := g.next
	g.next += uint32(n+7) &^ 7
	return p
}

func (g *guest) str(s string) (uint32, uint32) {
	p := g.alloc(len(s))
	copy(g.mem[p:], s)
	return p, uint32(len(s))
}

func (g *guest) u32(p uint32) uint32 { return binary.LittleEndian.Uint32(g.mem[p:]) }

// iov lays out one iovec over buf and returns its address.
func (g *guest) iov(buf []byte) uint32 {
	d := g.alloc(len(buf))
	copy(g.mem[d:], buf)
	v := g.alloc(8)
	binary.LittleEndian.PutUint32(g.mem[v:], d)
	binary.LittleEndian.PutUint32(g.mem[v+4:], uint32(len(buf)))
	return v
}

type fixture struct {
	fs                *FS
	g                 *guest
	ws, data, outside string
}

const (
	wsFd   = 3 // the workspace, writable
	dataFd = 4 // a read-only mount
	rwFd   = 5 // a second writable mount
)

func setup(t *testing.T, meter Meter) *fixture {
	t.Helper()
	f := &fixture{g: newGuest(), ws: t.TempDir(), data: t.TempDir(), outside: t.TempDir()}
	rw := t.TempDir()
	must(t, os.WriteFile(filepath.Join(f.outside, "secret.txt"), []byte("TOPSECRET"), 0o600))
	must(t, os.WriteFile(filepath.Join(f.data, "in.txt"), []byte("readable"), 0o644))
	must(t, os.Symlink(filepath.Join(f.outside, "secret.txt"), filepath.Join(f.ws, "abs-link")))
	must(t, os.Symlink(f.outside, filepath.Join(f.ws, "abs-dir")))
	rel, err := filepath.Rel(f.ws, f.outside)
	must(t, err)
	must(t, os.Symlink(rel, filepath.Join(f.ws, "rel-dir")))
	fs, err := New([]Mount{
		{Host: f.ws, Guest: "/app", Writable: true, Metered: true},
		{Host: f.data, Guest: "/data"},
		{Host: rw, Guest: "/rw", Writable: true},
	}, []byte("input"), &bytes.Buffer{}, &bytes.Buffer{}, meter)
	must(t, err)
	t.Cleanup(func() { fs.Close() })
	f.fs = fs
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const (
	rightsRead  = rightRead
	rightsWrite = rightWrite
)

// open opens p relative to dir and returns the descriptor or the errno.
func (f *fixture) open(dir int32, p string, oflags uint32, rights uint64, follow bool) (int32, Errno) {
	ptr, n := f.g.str(p)
	out := f.g.alloc(4)
	var df uint32
	if follow {
		df = lookupFollow
	}
	e := f.fs.PathOpen(f.g.mem, dir, df, ptr, n, oflags, rights, 0, out)
	return int32(f.g.u32(out)), e
}

func (f *fixture) read(t *testing.T, fd int32) string {
	t.Helper()
	buf := make([]byte, 64)
	v := f.g.iov(buf)
	out := f.g.alloc(4)
	if e := f.fs.FdRead(f.g.mem, fd, v, 1, out); e != ESUCCESS {
		t.Fatalf("read: errno %d", e)
	}
	d := binary.LittleEndian.Uint32(f.g.mem[v:])
	return string(f.g.mem[d : d+f.g.u32(out)])
}

func (f *fixture) secretIntact(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.outside, "secret.txt"))
	if err != nil || string(b) != "TOPSECRET" {
		t.Fatalf("secret changed: %q %v", b, err)
	}
	if entries, _ := os.ReadDir(f.outside); len(entries) != 1 {
		t.Fatalf("outside changed: %v", entries)
	}
	if entries, _ := os.ReadDir(f.data); len(entries) != 1 {
		t.Fatalf("read-only mount changed: %v", entries)
	}
}

func TestEscapesRefused(t *testing.T) {
	f := setup(t, nil)
	must(t, os.Mkdir(filepath.Join(f.ws, "sub"), 0o755))
	for _, c := range []struct {
		name   string
		path   string
		oflags uint32
		rights uint64
		want   Errno
	}{
		{"dotdot", "../../../../etc/passwd", 0, rightsRead, EPERM},
		{"dotdot inside then out", "sub/../../x", 0, rightsRead, EPERM},
		{"absolute", "/etc/passwd", 0, rightsRead, EPERM},
		{"absolute symlink to file", "abs-link", 0, rightsRead, EPERM},
		{"absolute symlink to dir", "abs-dir/secret.txt", 0, rightsRead, EPERM},
		{"relative symlink out", "rel-dir/secret.txt", 0, rightsRead, EPERM},
		{"create through symlink out", "rel-dir/new.txt", oflagCreat, rightsWrite, EPERM},
		{"nul byte", "in\x00.txt", 0, rightsRead, EINVAL},
		{"empty", "", 0, rightsRead, ENOENT},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, e := f.open(wsFd, c.path, c.oflags, c.rights, true); e != c.want {
				t.Fatalf("errno %d, want %d", e, c.want)
			}
		})
	}
	// Stat, readlink-through, and directory calls are confined the same way.
	p, n := f.g.str("abs-dir/secret.txt")
	if e := f.fs.PathFilestatGet(f.g.mem, wsFd, lookupFollow, p, n, f.g.alloc(filestatSize)); e != EPERM {
		t.Fatalf("stat through a link out: errno %d", e)
	}
	p, n = f.g.str("../" + filepath.Base(f.outside))
	if e := f.fs.PathCreateDirectory(f.g.mem, wsFd, p, n); e != EPERM {
		t.Fatalf("mkdir out: errno %d", e)
	}
	// A link the guest makes is refused when absolute, and confined when used.
	tp, tn := f.g.str("/etc")
	p, n = f.g.str("mine")
	if e := f.fs.PathSymlink(f.g.mem, tp, tn, wsFd, p, n); e != EPERM {
		t.Fatalf("absolute symlink made: errno %d", e)
	}
	tp, tn = f.g.str("../../../../../../")
	p, n = f.g.str("up")
	if e := f.fs.PathSymlink(f.g.mem, tp, tn, wsFd, p, n); e != ESUCCESS {
		t.Fatalf("relative symlink: errno %d", e)
	}
	if _, e := f.open(wsFd, "up/etc/passwd", 0, rightsRead, true); e != EPERM {
		t.Fatalf("open through the guest's link: errno %d", e)
	}
	// A hard link out of the mount cannot be named.
	op, on := f.g.str("abs-link")
	np, nn := f.g.str("hard")
	if e := f.fs.PathLink(f.g.mem, wsFd, lookupFollow, op, on, wsFd, np, nn); e == ESUCCESS {
		// Linked is the link itself, which still leads nowhere.
		if fd, e := f.open(wsFd, "hard", 0, rightsRead, true); e != EPERM {
			t.Fatalf("open through a hard link of a link out: errno %d (%q)", e, f.read(t, fd))
		}
	}
	f.secretIntact(t)
}

func TestReadOnlyMount(t *testing.T) {
	f := setup(t, nil)
	fd, e := f.open(dataFd, "in.txt", 0, rightsRead, true)
	if e != ESUCCESS || f.read(t, fd) != "readable" {
		t.Fatalf("read-only mount not readable: errno %d", e)
	}
	if e := f.fs.FdWrite(f.g.mem, fd, f.g.iov([]byte("x")), 1, f.g.alloc(4)); e != EBADF {
		t.Fatalf("write to a descriptor opened for reading: errno %d", e)
	}
	for _, c := range []struct {
		name   string
		oflags uint32
		rights uint64
	}{{"write", 0, rightsWrite}, {"create", oflagCreat, rightsWrite}, {"truncate", oflagTrunc, rightsRead}, {"create for reading", oflagCreat, rightsRead}} {
		if _, e := f.open(dataFd, "in.txt", c.oflags, c.rights, true); e != EPERM {
			t.Fatalf("%s: errno %d, want EPERM", c.name, e)
		}
	}
	p, n := f.g.str("in.txt")
	for name, e := range map[string]Errno{
		"unlink": f.fs.PathUnlinkFile(f.g.mem, dataFd, p, n),
		"rmdir":  f.fs.PathRemoveDirectory(f.g.mem, dataFd, p, n),
		"mkdir":  f.fs.PathCreateDirectory(f.g.mem, dataFd, p, n),
		"utime":  f.fs.PathFilestatSetTimes(f.g.mem, dataFd, p, n, 0, 0, fstflagMtimNow),
		"rename": f.fs.PathRename(f.g.mem, dataFd, p, n, dataFd, p, n),
	} {
		if e != EPERM {
			t.Fatalf("%s on a read-only mount: errno %d", name, e)
		}
	}
	// Moving out of, or into, a read-only mount, or between mounts.
	wp, wn := f.g.str("moved.txt")
	if e := f.fs.PathRename(f.g.mem, dataFd, p, n, wsFd, wp, wn); e != EPERM {
		t.Fatalf("rename out of a read-only mount: errno %d", e)
	}
	must(t, os.WriteFile(filepath.Join(f.ws, "mine.txt"), []byte("m"), 0o644))
	mp, mn := f.g.str("mine.txt")
	if e := f.fs.PathRename(f.g.mem, wsFd, mp, mn, dataFd, wp, wn); e != EPERM {
		t.Fatalf("rename into a read-only mount: errno %d", e)
	}
	if e := f.fs.PathRename(f.g.mem, wsFd, mp, mn, rwFd, wp, wn); e != EXDEV {
		t.Fatalf("rename across mounts: errno %d", e)
	}
	if e := f.fs.PathLink(f.g.mem, wsFd, 0, mp, mn, rwFd, wp, wn); e != EXDEV {
		t.Fatalf("link across mounts: errno %d", e)
	}
	f.secretIntact(t)
}

// TestSymlinkRace swaps a directory for a symbolic link out of the mount
// while the guest opens a file below it, over and over: no open may reach
// outside.
func TestSymlinkRace(t *testing.T) {
	f := setup(t, nil)
	dir := filepath.Join(f.ws, "race")
	must(t, os.Mkdir(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("inside"), 0o644))
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			os.Rename(dir, dir+".real")
			os.Symlink(f.outside, dir)
			os.Remove(dir)
			os.Rename(dir+".real", dir)
		}
	})
	for range 3000 {
		f.g.next = 64
		fd, e := f.open(wsFd, "race/secret.txt", 0, rightsRead, true)
		if e != ESUCCESS {
			continue
		}
		if got := f.read(t, fd); got != "inside" {
			stop.Store(true)
			t.Fatalf("read %q through a swapped link", got)
		}
		f.fs.FdClose(fd)
	}
	stop.Store(true)
	wg.Wait()
	f.secretIntact(t)
}

func TestGuestInputBounded(t *testing.T) {
	f := setup(t, nil)
	p, _ := f.g.str(strings.Repeat("a", MaxPathBytes+1))
	if e := f.fs.PathFilestatGet(f.g.mem, wsFd, 0, p, MaxPathBytes+1, f.g.alloc(filestatSize)); e != ENAMETOOLONG {
		t.Fatalf("long path: errno %d", e)
	}
	if e := f.fs.PathFilestatGet(f.g.mem, wsFd, 0, uint32(len(f.g.mem)-2), 10, 64); e != EFAULT {
		t.Fatalf("path outside memory: errno %d", e)
	}
	if e := f.fs.FdWrite(f.g.mem, 1, 0, MaxIovecs+1, 64); e != EINVAL {
		t.Fatalf("too many iovecs: errno %d", e)
	}
	// Overlapping iovecs whose total is over what the 32-bit count can
	// hold are refused before anything is written, positioned or not.
	big := make([]byte, 8<<20)
	for i := range MaxIovecs {
		binary.LittleEndian.PutUint32(big[8*i+4:], 4<<20+1)
	}
	fd, _ := f.open(wsFd, "big", oflagCreat, rightsWrite, true)
	if e := f.fs.FdPwrite(big, fd, 0, MaxIovecs, 0, 8<<20-8); e != EINVAL {
		t.Fatalf("iovecs totalling over 4 GiB: errno %d", e)
	}
	if e := f.fs.FdWrite(big, fd, 0, MaxIovecs, 8<<20-8); e != EINVAL {
		t.Fatalf("iovecs totalling over 4 GiB: errno %d", e)
	}
	if e := f.fs.FdRead(f.g.mem, 0, 0xfffffff0, 4, 64); e != EFAULT {
		t.Fatalf("iovecs outside memory: errno %d", e)
	}
	if e := f.fs.FdReaddir(f.g.mem, wsFd, uint32(len(f.g.mem)-10), 100, 0, 64); e != EFAULT {
		t.Fatalf("readdir buffer outside memory: errno %d", e)
	}
	if e := f.fs.FdFilestatGet(f.g.mem, 99, 64); e != EBADF {
		t.Fatalf("unknown descriptor: errno %d", e)
	}
	// Descriptors are capped.
	must(t, os.WriteFile(filepath.Join(f.ws, "f"), nil, 0o644))
	var last Errno
	for range MaxOpen + 1 {
		f.g.next = 64
		if _, last = f.open(wsFd, "f", 0, rightsRead, true); last != ESUCCESS {
			break
		}
	}
	if last != EMFILE {
		t.Fatalf("descriptors not capped: errno %d", last)
	}
}

// TestReaddir reads a large directory through small buffers, resuming by
// cookie as wasi-libc does, and finds every entry once.
func TestReaddir(t *testing.T) {
	f := setup(t, nil)
	dir := filepath.Join(f.ws, "many")
	must(t, os.Mkdir(dir, 0o755))
	want := map[string]bool{}
	for i := range 1000 {
		name := "file-" + strings.Repeat("x", i%40) + "-" + string(rune('a'+i%26)) + "-" + itoa(i)
		want[name] = true
		must(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
	}
	fd, e := f.open(wsFd, "many", oflagDirectory, rightsRead, true)
	if e != ESUCCESS {
		t.Fatalf("open dir: errno %d", e)
	}
	seen := map[string]bool{}
	buf, out := f.g.alloc(300), f.g.alloc(4)
	var cookie uint64
	for {
		if e := f.fs.FdReaddir(f.g.mem, fd, buf, 300, cookie, out); e != ESUCCESS {
			t.Fatalf("readdir: errno %d", e)
		}
		used := f.g.u32(out)
		b := f.g.mem[buf : buf+used]
		for len(b) >= direntHeader {
			namlen := binary.LittleEndian.Uint32(b[16:])
			if uint32(len(b)) < direntHeader+namlen {
				break // cut off: ask again from its cookie
			}
			if ino := binary.LittleEndian.Uint64(b[8:]); ino == 0 {
				t.Fatal("entry without an inode number")
			}
			name := string(b[direntHeader : direntHeader+namlen])
			if seen[name] {
				t.Fatalf("%s listed twice", name)
			}
			seen[name] = true
			cookie = binary.LittleEndian.Uint64(b)
			b = b[direntHeader+namlen:]
		}
		if used < 300 {
			break
		}
	}
	for name := range want {
		if !seen[name] {
			t.Fatalf("%s not listed", name)
		}
	}
	if len(seen) != len(want)+2 { // and "." and ".."
		t.Fatalf("listed %d entries, want %d", len(seen), len(want)+2)
	}
}

func itoa(i int) string { return fmtInt(i) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// meter refuses once more than limit bytes or entries were announced.
type meter struct{ bytes, entries, limit int64 }

func (m *meter) Add(b, e int64) bool {
	m.bytes += b
	m.entries += e
	return m.bytes <= m.limit && m.entries <= m.limit
}

func TestMeter(t *testing.T) {
	m := &meter{limit: 10}
	f := setup(t, m)
	fd, e := f.open(wsFd, "out", oflagCreat, rightsWrite, true)
	if e != ESUCCESS {
		t.Fatalf("open: errno %d", e)
	}
	if e := f.fs.FdWrite(f.g.mem, fd, f.g.iov([]byte("12345")), 1, f.g.alloc(4)); e != ESUCCESS {
		t.Fatalf("write: errno %d", e)
	}
	if e := f.fs.FdWrite(f.g.mem, fd, f.g.iov([]byte("1234567890")), 1, f.g.alloc(4)); e != EDQUOT || !f.fs.Refused() {
		t.Fatalf("write over the meter: errno %d", e)
	}
	if b, _ := os.ReadFile(filepath.Join(f.ws, "out")); string(b) != "12345" {
		t.Fatalf("the refused write happened: %q", b)
	}
	// A hole made by seeking past the end counts too.
	m2 := &meter{limit: 1 << 20}
	f2 := setup(t, m2)
	fd, _ = f2.open(wsFd, "sparse", oflagCreat, rightsWrite|rightsRead, true)
	if e := f2.fs.FdSeek(f2.g.mem, fd, 1<<30, whenceSet, f2.g.alloc(8)); e != EDQUOT {
		t.Fatalf("seek far past the end: errno %d", e)
	}
	// A write at a position the file has shrunk away from grows it by the
	// gap too, and is charged for it.
	m4 := &meter{limit: 1000}
	f4 := setup(t, m4)
	fd, _ = f4.open(wsFd, "shrunk", oflagCreat, rightsWrite|rightsRead, true)
	if e := f4.fs.FdWrite(f4.g.mem, fd, f4.g.iov(make([]byte, 900)), 1, f4.g.alloc(4)); e != ESUCCESS {
		t.Fatalf("write: errno %d", e)
	}
	if e := f4.fs.FdFilestatSetSize(fd, 0); e != ESUCCESS {
		t.Fatalf("truncate: errno %d", e)
	}
	m4.bytes, m4.limit = 0, 500 // as after the meter measured the workspace again
	if e := f4.fs.FdWrite(f4.g.mem, fd, f4.g.iov([]byte("x")), 1, f4.g.alloc(4)); e != EDQUOT {
		t.Fatalf("a write 900 bytes past the end charged only its own byte: errno %d, %d charged", e, m4.bytes)
	}
	if fi, _ := os.Stat(filepath.Join(f4.ws, "shrunk")); fi.Size() != 0 {
		t.Fatalf("the refused write grew the file to %d bytes", fi.Size())
	}
	// Writes elsewhere are not metered.
	m3 := &meter{limit: 0}
	f3 := setup(t, m3)
	if _, e := f3.open(rwFd, "x", oflagCreat, rightsWrite, true); e != ESUCCESS {
		t.Fatalf("unmetered mount: errno %d", e)
	}
}

// BenchmarkPathFilestatGet is the host's side of a guest's stat, to compare
// with BenchmarkNativeStat (the same through the os package).
func BenchmarkPathFilestatGet(b *testing.B) {
	f := setupBench(b)
	p, n := f.g.str("f.txt")
	out := f.g.alloc(filestatSize)
	for b.Loop() {
		if e := f.fs.PathFilestatGet(f.g.mem, wsFd, lookupFollow, p, n, out); e != ESUCCESS {
			b.Fatal(e)
		}
	}
}

func BenchmarkNativeStat(b *testing.B) {
	f := setupBench(b)
	for b.Loop() {
		if _, err := os.Stat(filepath.Join(f.ws, "f.txt")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenWriteClose is the host's side of open, write one byte, close.
func BenchmarkOpenWriteClose(b *testing.B) {
	f := setupBench(b)
	v := f.g.iov([]byte("x"))
	cnt := f.g.alloc(4)
	for b.Loop() {
		fd, e := f.open(wsFd, "f.txt", oflagCreat|oflagTrunc, rightsWrite, true)
		if e != ESUCCESS {
			b.Fatal(e)
		}
		f.fs.FdWrite(f.g.mem, fd, v, 1, cnt)
		f.fs.FdClose(fd)
		f.g.next = v + 64
	}
}

func BenchmarkNativeOpenWriteClose(b *testing.B) {
	f := setupBench(b)
	for b.Loop() {
		file, err := os.OpenFile(filepath.Join(f.ws, "f.txt"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o666)
		if err != nil {
			b.Fatal(err)
		}
		file.Write([]byte("x"))
		file.Close()
	}
}

func setupBench(b *testing.B) *fixture {
	ws := b.TempDir()
	if err := os.WriteFile(filepath.Join(ws, "f.txt"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	fs, err := New([]Mount{{Host: ws, Guest: "/app", Writable: true}}, nil, &bytes.Buffer{}, &bytes.Buffer{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fs.Close() })
	return &fixture{fs: fs, g: newGuest(), ws: ws}
}

// TestStatOneName: a stat of one name in a mount's root (answered with one
// fstatat on Linux) gives what a stat resolved by os.Root gives, and never
// follows a link out of the root.
func TestStatOneName(t *testing.T) {
	f := setup(t, nil)
	must(t, os.WriteFile(filepath.Join(f.ws, "f.txt"), []byte("twelve bytes"), 0o640))
	must(t, os.Mkdir(filepath.Join(f.ws, "sub"), 0o750))
	must(t, os.Symlink("f.txt", filepath.Join(f.ws, "to-f")))
	stat := func(name string, flags uint32) ([]byte, Errno) {
		p, n := f.g.str(name)
		out := f.g.alloc(filestatSize)
		e := f.fs.PathFilestatGet(f.g.mem, wsFd, flags, p, n, out)
		return append([]byte(nil), f.g.mem[out:out+filestatSize]...), e
	}
	fast := runtime.GOOS == "linux"
	for _, c := range []struct {
		one, walked string
		flags       uint32
	}{
		{"f.txt", "sub/../f.txt", 0},
		{"sub", "sub/.", 0},
		{"to-f", "sub/../to-f", 0},
		{"to-f", "sub/../f.txt", lookupFollow},
		{".", "sub/..", 0},
	} {
		before := f.fs.oneNameStats
		got, e := stat(c.one, c.flags)
		answered := f.fs.oneNameStats - before
		want, we := stat(c.walked, c.flags)
		if f.fs.oneNameStats-before != answered {
			t.Errorf("stat %q went through the one-name path", c.walked)
		}
		if fast && answered != 1 && !(c.flags&lookupFollow != 0 && c.one == "to-f") {
			t.Errorf("stat %q (flags %d) was not answered by one fstatat", c.one, c.flags)
		}
		if e != ESUCCESS || we != ESUCCESS || !bytes.Equal(got, want) {
			t.Errorf("stat %q (flags %d): errno %d %x, through os.Root errno %d %x", c.one, c.flags, e, got, we, want)
		}
	}
	if b, _ := stat("to-f", 0); b[16] != typeSymlink {
		t.Errorf("lstat of a link: file type %d", b[16])
	}
	for name, want := range map[string]Errno{"nope": ENOENT, "abs-link": EPERM, "abs-dir": EPERM, "rel-dir": EPERM, "..": EPERM} {
		if _, e := stat(name, lookupFollow); e != want {
			t.Errorf("stat %q following links: errno %d, want %d", name, e, want)
		}
	}
	if _, e := stat("abs-link", 0); e != ESUCCESS {
		t.Errorf("lstat of a link out: errno %d", e)
	}
}
