package python

import (
	"encoding/binary"
	"fmt"

	"github.com/wasmsandbox/sandbox/internal/dwarfwasm"
	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// Buffered stdout.
//
// Sending every print straight to the host, as `python -u` does, costs two
// host calls and CPython's whole unbuffered write path per print. A
// snapshot's stdout is instead a text layer (write_through) over a 64 KiB
// BufferedWriter that snapshot.py makes at build time, so the writer and
// its buffer sit at the same addresses in every instance; it is flushed
// when the code ends, and at every newline while the output is mirrored
// live. What the guest printed but had not flushed when a limit stopped it
// is still in that buffer: the host reads it out of the guest's memory
// (where the buffer's fields are comes from the artifact's DWARF) and adds
// it to stdout, so nothing printed is lost.
//
// One window cannot be told apart from the rest: a stop that lands after
// the host has taken a flushed block but before CPython has marked it
// written (a few hundred instructions per 64 KiB block) shows that block
// twice. Showing it twice is preferred to risking its loss.

// stdoutBufferSize is the size of the snapshot's stdout buffer.
const stdoutBufferSize = 1 << 16

// Exports of a snapshot module: the addresses of the stdout writer's
// buffer pointer, write_pos and write_end fields.
const (
	exportOutBuffer   = "wasmsandbox_stdout_buffer"
	exportOutWritePos = "wasmsandbox_stdout_write_pos"
	exportOutWriteEnd = "wasmsandbox_stdout_write_end"
)

// outFields are the addresses of the fields of the stdout writer (a C
// `buffered`) that say what it holds: the buffer (a pointer), and the
// start and end of its unflushed bytes in it (64-bit offsets; write_end is
// -1 when nothing is pending).
type outFields struct {
	buffer, writePos, writeEnd uint32
}

// stdoutFields finds, through m's DWARF, the fields of the writer at obj in
// the initialised memory image, and checks that it is the empty 64 KiB
// writer snapshot.py made.
func stdoutFields(m *wasmbin.Module, image []byte, obj uint64) (outFields, error) {
	d, err := dwarfwasm.Load(m)
	if err != nil {
		return outFields{}, fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	st, err := dwarfwasm.Typedef(d, "buffered")
	if err != nil {
		return outFields{}, fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	field := func(name string, size int64) (uint64, error) {
		off, t, err := dwarfwasm.Member(st, name)
		if err != nil {
			return 0, fmt.Errorf("%w: %v", ErrRecipe, err)
		}
		if t.Size() != size || off < 0 || obj+uint64(off)+uint64(size) > uint64(len(image)) {
			return 0, fmt.Errorf("%w: buffered.%s of the stdout writer at %#x: %d bytes at offset %d, want %d bytes inside the memory", ErrRecipe, name, obj, t.Size(), off, size)
		}
		return obj + uint64(off), nil
	}
	buffer, err := field("buffer", 4)
	if err != nil {
		return outFields{}, err
	}
	writePos, err := field("write_pos", 8)
	if err != nil {
		return outFields{}, err
	}
	writeEnd, err := field("write_end", 8)
	if err != nil {
		return outFields{}, err
	}
	sizeAt, err := field("buffer_size", 4)
	if err != nil {
		return outFields{}, err
	}
	f := outFields{buffer: uint32(buffer), writePos: uint32(writePos), writeEnd: uint32(writeEnd)}
	size := uint64(binary.LittleEndian.Uint32(image[sizeAt:]))
	buf := uint64(binary.LittleEndian.Uint32(image[f.buffer:]))
	end := int64(binary.LittleEndian.Uint64(image[f.writeEnd:]))
	if size != stdoutBufferSize || buf == 0 || buf+size > uint64(len(image)) || end != -1 {
		return outFields{}, fmt.Errorf("%w: the stdout writer at %#x is not an empty %d-byte buffered writer (buffer %#x of %d bytes, write_end %d)",
			ErrRecipe, obj, stdoutBufferSize, buf, size, end)
	}
	return f, nil
}

// recoverStdout adds to the execution's stdout what the guest's stdout
// writer holds unflushed in data, its memory. Every value read from the
// guest is checked, so a guest that scribbled over the writer makes this
// add nothing rather than read outside the buffer.
func recoverStdout(x *engine.Execution, data []byte, f outFields) {
	if int(f.writeEnd)+8 > len(data) || int(f.buffer)+4 > len(data) {
		return
	}
	buf := uint64(binary.LittleEndian.Uint32(data[f.buffer:]))
	start := int64(binary.LittleEndian.Uint64(data[f.writePos:]))
	end := int64(binary.LittleEndian.Uint64(data[f.writeEnd:]))
	if start < 0 || end <= start || end > stdoutBufferSize || buf+uint64(end) > uint64(len(data)) {
		return
	}
	_, _ = x.Stdout.Write(data[buf+uint64(start) : buf+uint64(end)])
}
