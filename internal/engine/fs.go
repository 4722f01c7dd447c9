package engine

import (
	"errors"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/wasifs"
	"github.com/wasmsandbox/sandbox/internal/wasmcall"
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
func fsDone(x *Execution, e wasifs.Errno) (int32, error) {
	if x.fs.Refused() {
		x.Stop(StopWorkspace)
		return 0, errWorkspaceTrap
	}
	return e, nil
}

var errWorkspaceTrap = errors.New("wasmsandbox: the workspace is over its limit")

// fsFunc is one of the host file system's functions: its WASI parameter
// types ('i' i32, 'I' i64; every one returns an errno) and what it does.
type fsFunc struct {
	params string
	fn     func(x *Execution, mem []byte, a wasmcall.Args) (int32, error)
}

// fsFuncs are the functions of FSModule, under their WASI names.
var fsFuncs = map[string]fsFunc{
	"fd_advise": {"iIIi", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdAdvise(a.I32(0)), nil
	}},
	"fd_allocate": {"iII", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.FdAllocate(a.I32(0), a.I64(1), a.I64(2)))
	}},
	"fd_close": {"i", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdClose(a.I32(0)), nil
	}},
	"fd_datasync": {"i", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdSync(a.I32(0)), nil
	}},
	"fd_sync": {"i", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdSync(a.I32(0)), nil
	}},
	"fd_fdstat_get": {"ii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdFdstatGet(mem, a.I32(0), a.U32(1)), nil
	}},
	"fd_fdstat_set_flags": {"ii", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdFdstatSetFlags(a.I32(0), a.U32(1)), nil
	}},
	"fd_filestat_get": {"ii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdFilestatGet(mem, a.I32(0), a.U32(1)), nil
	}},
	"fd_filestat_set_size": {"iI", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.FdFilestatSetSize(a.I32(0), a.I64(1)))
	}},
	"fd_filestat_set_times": {"iIIi", func(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdFilestatSetTimes(a.I32(0), a.I64(1), a.I64(2), a.U32(3)), nil
	}},
	"fd_pread": {"iiiIi", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdPread(mem, a.I32(0), a.U32(1), a.U32(2), a.I64(3), a.U32(4)), nil
	}},
	"fd_prestat_get": {"ii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdPrestatGet(mem, a.I32(0), a.U32(1)), nil
	}},
	"fd_prestat_dir_name": {"iii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdPrestatDirName(mem, a.I32(0), a.U32(1), a.U32(2)), nil
	}},
	"fd_pwrite": {"iiiIi", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.FdPwrite(mem, a.I32(0), a.U32(1), a.U32(2), a.I64(3), a.U32(4)))
	}},
	"fd_read": {"iiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdRead(mem, a.I32(0), a.U32(1), a.U32(2), a.U32(3)), nil
	}},
	"fd_readdir": {"iiiIi", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdReaddir(mem, a.I32(0), a.U32(1), a.U32(2), uint64(a.I64(3)), a.U32(4)), nil
	}},
	"fd_seek": {"iIii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.FdSeek(mem, a.I32(0), a.I64(1), a.U32(2)&0xff, a.U32(3)))
	}},
	"fd_tell": {"ii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.FdTell(mem, a.I32(0), a.U32(1)), nil
	}},
	"fd_write": {"iiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.FdWrite(mem, a.I32(0), a.U32(1), a.U32(2), a.U32(3)))
	}},
	"path_create_directory": {"iii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.PathCreateDirectory(mem, a.I32(0), a.U32(1), a.U32(2)))
	}},
	"path_filestat_get": {"iiiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.PathFilestatGet(mem, a.I32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4)), nil
	}},
	"path_filestat_set_times": {"iiiiIIi", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.PathFilestatSetTimes(mem, a.I32(0), a.U32(2), a.U32(3), a.I64(4), a.I64(5), a.U32(6)), nil
	}},
	"path_link": {"iiiiiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.PathLink(mem, a.I32(0), a.U32(1), a.U32(2), a.U32(3), a.I32(4), a.U32(5), a.U32(6)))
	}},
	"path_open": {"iiiiiIIii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.PathOpen(mem, a.I32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), uint64(a.I64(5)), a.U32(7), a.U32(8)))
	}},
	"path_readlink": {"iiiiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.PathReadlink(mem, a.I32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), a.U32(5)), nil
	}},
	"path_remove_directory": {"iii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.PathRemoveDirectory(mem, a.I32(0), a.U32(1), a.U32(2)), nil
	}},
	"path_rename": {"iiiiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.PathRename(mem, a.I32(0), a.U32(1), a.U32(2), a.I32(3), a.U32(4), a.U32(5)), nil
	}},
	"path_symlink": {"iiiii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return fsDone(x, x.fs.PathSymlink(mem, a.U32(0), a.U32(1), a.I32(2), a.U32(3), a.U32(4)))
	}},
	"path_unlink_file": {"iii", func(x *Execution, mem []byte, a wasmcall.Args) (int32, error) {
		return x.fs.PathUnlinkFile(mem, a.I32(0), a.U32(1), a.U32(2)), nil
	}},
	"sock_accept":   {"iii", sockCall},
	"sock_recv":     {"iiiiii", sockCall},
	"sock_send":     {"iiiii", sockCall},
	"sock_shutdown": {"ii", sockCall},
}

func sockCall(x *Execution, _ []byte, a wasmcall.Args) (int32, error) {
	return x.fs.SockCall(a.I32(0)), nil
}

// defineFS defines the host file system's functions on l.
func defineFS(l *wasmtime.Linker) error {
	for name, f := range fsFuncs {
		err := wasmcall.Define(l, FSModule, name, f.params, "i", func(c *wasmtime.Caller, a wasmcall.Args) (uint64, error) {
			x, mem := fsCall(c)
			r, err := f.fn(x, mem, a)
			return uint64(uint32(r)), err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
