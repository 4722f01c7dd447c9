package engine

import (
	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/wasifs"
)

// FSModule is the import module of the host's own WASI file system
// (internal/wasifs): a derived module (the Python snapshot) imports its
// fd_*, path_* and sock_* functions from it, under their WASI names and
// types, instead of from wasi_snapshot_preview1, and the execution then
// runs with Spec.HostFS. The other WASI functions (args, environ, clocks,
// random, poll_oneoff, proc_exit) stay WASI's, or our shadows of them.
const FSModule = "wasmsandbox_wasi"

// fsCall returns the execution's file system and the guest's memory.
func fsCall(c *wasmtime.Caller) (*Execution, []byte) {
	x := c.Data().(*Execution)
	if x.fs == nil {
		panic("the module imports the host file system but the execution has none (Spec.HostFS)")
	}
	if x.memory == nil {
		ext := c.GetExport("memory")
		if ext == nil || ext.Memory() == nil {
			panic("the module exports no memory")
		}
		x.memory = ext.Memory()
	}
	return x, x.memory.UnsafeData(c)
}

// fsDone ends a file-system call: a change the workspace meter refused
// stops the guest.
func fsDone(x *Execution, e wasifs.Errno) (int32, *wasmtime.Trap) {
	if x.fs.Refused() {
		x.Stop(StopWorkspace)
		return 0, wasmtime.NewTrap("wasmsandbox: the workspace is over its limit")
	}
	return e, nil
}

type trapFn = *wasmtime.Trap

// defineFS defines the host file system's functions on l.
func defineFS(l *wasmtime.Linker) error {
	u := func(v int32) uint32 { return uint32(v) }
	defs := map[string]any{
		"fd_advise": func(c *wasmtime.Caller, fd int32, _, _ int64, _ int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.FdAdvise(fd), nil
		},
		"fd_allocate": func(c *wasmtime.Caller, fd int32, off, n int64) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return fsDone(x, x.fs.FdAllocate(fd, off, n))
		},
		"fd_close": func(c *wasmtime.Caller, fd int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.FdClose(fd), nil
		},
		"fd_datasync": func(c *wasmtime.Caller, fd int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.FdSync(fd), nil
		},
		"fd_sync": func(c *wasmtime.Caller, fd int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.FdSync(fd), nil
		},
		"fd_fdstat_get": func(c *wasmtime.Caller, fd, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdFdstatGet(mem, fd, u(out)), nil
		},
		"fd_fdstat_set_flags": func(c *wasmtime.Caller, fd, flags int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.FdFdstatSetFlags(fd, u(flags)), nil
		},
		"fd_filestat_get": func(c *wasmtime.Caller, fd, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdFilestatGet(mem, fd, u(out)), nil
		},
		"fd_filestat_set_size": func(c *wasmtime.Caller, fd int32, size int64) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return fsDone(x, x.fs.FdFilestatSetSize(fd, size))
		},
		"fd_filestat_set_times": func(c *wasmtime.Caller, fd int32, atim, mtim int64, flags int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.FdFilestatSetTimes(fd, atim, mtim, u(flags)), nil
		},
		"fd_pread": func(c *wasmtime.Caller, fd, iovs, n int32, off int64, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdPread(mem, fd, u(iovs), u(n), off, u(out)), nil
		},
		"fd_prestat_get": func(c *wasmtime.Caller, fd, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdPrestatGet(mem, fd, u(out)), nil
		},
		"fd_prestat_dir_name": func(c *wasmtime.Caller, fd, out, n int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdPrestatDirName(mem, fd, u(out), u(n)), nil
		},
		"fd_pwrite": func(c *wasmtime.Caller, fd, iovs, n int32, off int64, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.FdPwrite(mem, fd, u(iovs), u(n), off, u(out)))
		},
		"fd_read": func(c *wasmtime.Caller, fd, iovs, n, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdRead(mem, fd, u(iovs), u(n), u(out)), nil
		},
		"fd_readdir": func(c *wasmtime.Caller, fd, buf, n int32, cookie int64, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdReaddir(mem, fd, u(buf), u(n), uint64(cookie), u(out)), nil
		},
		"fd_seek": func(c *wasmtime.Caller, fd int32, off int64, whence, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.FdSeek(mem, fd, off, u(whence)&0xff, u(out)))
		},
		"fd_tell": func(c *wasmtime.Caller, fd, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.FdTell(mem, fd, u(out)), nil
		},
		"fd_write": func(c *wasmtime.Caller, fd, iovs, n, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.FdWrite(mem, fd, u(iovs), u(n), u(out)))
		},
		"path_create_directory": func(c *wasmtime.Caller, fd, p, n int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.PathCreateDirectory(mem, fd, u(p), u(n)))
		},
		"path_filestat_get": func(c *wasmtime.Caller, fd, flags, p, n, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.PathFilestatGet(mem, fd, u(flags), u(p), u(n), u(out)), nil
		},
		"path_filestat_set_times": func(c *wasmtime.Caller, fd, _, p, n int32, atim, mtim int64, flags int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.PathFilestatSetTimes(mem, fd, u(p), u(n), atim, mtim, u(flags)), nil
		},
		"path_link": func(c *wasmtime.Caller, ofd, flags, op, on, nfd, np, nn int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.PathLink(mem, ofd, u(flags), u(op), u(on), nfd, u(np), u(nn)))
		},
		"path_open": func(c *wasmtime.Caller, fd, dirflags, p, n, oflags int32, rights, _ int64, fdflags, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.PathOpen(mem, fd, u(dirflags), u(p), u(n), u(oflags), uint64(rights), u(fdflags), u(out)))
		},
		"path_readlink": func(c *wasmtime.Caller, fd, p, n, buf, bufLen, out int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.PathReadlink(mem, fd, u(p), u(n), u(buf), u(bufLen), u(out)), nil
		},
		"path_remove_directory": func(c *wasmtime.Caller, fd, p, n int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.PathRemoveDirectory(mem, fd, u(p), u(n)), nil
		},
		"path_rename": func(c *wasmtime.Caller, ofd, op, on, nfd, np, nn int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.PathRename(mem, ofd, u(op), u(on), nfd, u(np), u(nn)), nil
		},
		"path_symlink": func(c *wasmtime.Caller, tp, tn, fd, p, n int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return fsDone(x, x.fs.PathSymlink(mem, u(tp), u(tn), fd, u(p), u(n)))
		},
		"path_unlink_file": func(c *wasmtime.Caller, fd, p, n int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, mem := fsCall(c)
			return x.fs.PathUnlinkFile(mem, fd, u(p), u(n)), nil
		},
		"sock_accept": func(c *wasmtime.Caller, fd, _, _ int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.SockCall(fd), nil
		},
		"sock_recv": func(c *wasmtime.Caller, fd, _, _, _, _, _ int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.SockCall(fd), nil
		},
		"sock_send": func(c *wasmtime.Caller, fd, _, _, _, _ int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.SockCall(fd), nil
		},
		"sock_shutdown": func(c *wasmtime.Caller, fd, _ int32) (r int32, t trapFn) {
			defer trapOnPanic(&t)
			x, _ := fsCall(c)
			return x.fs.SockCall(fd), nil
		},
	}
	for name, fn := range defs {
		if err := l.FuncWrap(FSModule, name, fn); err != nil {
			return err
		}
	}
	return nil
}
