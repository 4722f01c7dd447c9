package engine

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/wasmcall"
)

// Fast standard output.
//
// Through wasmtime's WASI every fd_write costs tens of microseconds (the
// call is handed to an async runtime), which made a print loop run fifty
// times slower than natively. A module we derive ourselves (the Python
// snapshot) therefore sends its writes to descriptors 1 and 2 to
// StdioWrite, which copies them straight into the execution's captures,
// and tells StdioClose when it closes one of them. Both are reached
// through import slots the module does not otherwise need (its socket
// imports: the sandbox has no sockets), so no function index moves; every
// call made through them by the module's own socket code answers ENOTSOCK,
// as a call on a descriptor that is no socket would. Writes to any other
// descriptor, and to stdout or stderr once the guest closed them, go to
// wasmtime's WASI as before.

// The module and names of the fast-output host functions.
const (
	StdioModule = "wasmsandbox"
	StdioWrite  = "stdio_write"
	StdioClose  = "stdio_close"
	// StdioMagic is the flags argument the module's own dispatcher passes;
	// any other value is a socket call, answered ENOTSOCK.
	StdioMagic = 0x57534200
	// ValueMagic starts the one write to stderr in which the guest's
	// bootstrap reports the value of the code's last expression: the host
	// keeps it as Execution.Value instead of stderr.
	ValueMagic = "\x00\x1bwasmsandbox-value\x00"
	// StdioDecline is the errno StdioWrite answers when the descriptor is
	// not (or no longer) the stdout or stderr it serves: the dispatcher
	// then calls WASI's fd_write.
	StdioDecline = 58 // ENOTSUP
)

// maxIovecs bounds one write (POSIX's IOV_MAX); the guest's own libc never
// passes more.
const maxIovecs = 1024

const errnoNotsock = 57

// defineStdio defines the fast-output host functions on l.
func defineStdio(l *wasmtime.Linker) error {
	return errors.Join(
		wasmcall.Define(l, StdioModule, StdioWrite, "iiiii", "i", func(c *wasmtime.Caller, a wasmcall.Args) (uint64, error) {
			fd, iovs, n, flags, nwritten := a.I32(0), a.I32(1), a.I32(2), a.I32(3), a.I32(4)
			if flags != StdioMagic {
				return errno(errnoNotsock, nil)
			}
			x := c.Data().(*Execution)
			out := x.stdio(fd)
			if out == nil {
				return errno(StdioDecline, nil)
			}
			if fd == 2 && n == 1 && x.takeValue(c, iovs, nwritten) {
				return errno(errnoSuccess, nil)
			}
			return errno(writeIovecs(c, out, iovs, n, nwritten), nil)
		}),
		wasmcall.Define(l, StdioModule, StdioClose, "ii", "i", func(c *wasmtime.Caller, a wasmcall.Args) (uint64, error) {
			if a.I32(1) != StdioMagic {
				return errno(errnoNotsock, nil)
			}
			c.Data().(*Execution).stdioGone(a.I32(0))
			return errno(errnoSuccess, nil)
		}))
}

// stdio returns the capture that descriptor fd writes to, or nil when fd
// is not stdout or stderr as the execution began.
func (x *Execution) stdio(fd int32) *Capture {
	switch {
	case fd == 1 && !x.stdoutGone:
		return x.Stdout
	case fd == 2 && !x.stderrGone:
		return x.Stderr
	}
	return nil
}

// stdioGone records that descriptor fd no longer is the stdout or stderr
// the execution began with.
func (x *Execution) stdioGone(fd int32) {
	switch fd {
	case 1:
		x.stdoutGone = true
	case 2:
		x.stderrGone = true
	}
}

// takeValue keeps the single iovec at iovs as the execution's value when it
// starts with ValueMagic, reporting whether it did.
func (x *Execution) takeValue(c *wasmtime.Caller, iovs, nwritten int32) bool {
	mem := callerMemory(c)
	vec, ok := span(mem, uint32(iovs), 1, 8)
	if !ok {
		return false
	}
	buf, ok := span(mem, binary.LittleEndian.Uint32(vec), uint64(binary.LittleEndian.Uint32(vec[4:])), 1)
	cnt, ok2 := span(mem, uint32(nwritten), 1, 4)
	if !ok || !ok2 || !bytes.HasPrefix(buf, []byte(ValueMagic)) || x.Value != "" {
		return false
	}
	x.SetValue(string(buf[len(ValueMagic):]))
	binary.LittleEndian.PutUint32(cnt, uint32(len(buf)))
	return true
}

// SetValue keeps v, capped at MaxValueBytes, as the execution's value.
func (x *Execution) SetValue(v string) {
	if len(v) > MaxValueBytes {
		v = string(trimPartialRune([]byte(v[:MaxValueBytes-3]))) + "..."
	}
	x.Value = v
}

// MaxValueBytes caps Execution.Value.
const MaxValueBytes = 16 << 10

// writeIovecs gathers the guest's iovecs into out and stores the count.
func writeIovecs(c *wasmtime.Caller, out *Capture, iovs, n, nwritten int32) int32 {
	if n < 0 || n > maxIovecs {
		return errnoInval
	}
	mem := callerMemory(c)
	vec, ok := span(mem, uint32(iovs), uint64(n), 8)
	if !ok {
		return errnoFault
	}
	cnt, ok := span(mem, uint32(nwritten), 1, 4)
	if !ok {
		return errnoFault
	}
	var total uint32
	for i := 0; i < len(vec); i += 8 {
		buf, ok := span(mem, binary.LittleEndian.Uint32(vec[i:]), uint64(binary.LittleEndian.Uint32(vec[i+4:])), 1)
		if !ok {
			return errnoFault
		}
		if total+uint32(len(buf)) < total {
			return errnoInval
		}
		_, _ = out.Write(buf)
		total += uint32(len(buf))
	}
	binary.LittleEndian.PutUint32(cnt, total)
	return errnoSuccess
}
