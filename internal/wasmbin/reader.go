package wasmbin

import (
	"fmt"
	"math"
)

// reader decodes the primitive encodings of the binary format (LEB128
// integers, bytes, names) from a byte slice. Every read is bounds-checked;
// on failure the reader records the first error and all later reads return
// zero values, so decoders can check r.err once per item.
type reader struct {
	buf  []byte
	pos  int
	base int // file offset of buf[0], for error messages
	err  error
}

func newReader(buf []byte, base int) *reader { return &reader{buf: buf, base: base} }

// offset returns the file offset of the next byte to read.
func (r *reader) offset() int { return r.base + r.pos }

func (r *reader) remaining() int { return len(r.buf) - r.pos }

func (r *reader) eof() bool { return r.pos >= len(r.buf) }

// fail records a malformed-input error at the current offset.
func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &FormatError{Offset: r.offset(), Msg: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) failAt(off int, format string, args ...any) {
	if r.err == nil {
		r.err = &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.buf) {
		r.fail("unexpected end of input")
		return 0
	}
	b := r.buf[r.pos]
	r.pos++
	return b
}

// bytes returns the next n bytes (a sub-slice of the input, not a copy).
func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.remaining() {
		r.fail("length %d exceeds the %d bytes left", n, r.remaining())
		return nil
	}
	b := r.buf[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	return b
}

// uleb reads an unsigned LEB128 integer of at most bits bits, rejecting
// overlong encodings and set bits beyond the width, as the spec requires.
func (r *reader) uleb(bits uint) uint64 {
	if r.err != nil {
		return 0
	}
	start := r.offset()
	maxBytes := int((bits + 6) / 7)
	var v uint64
	for i := 0; ; i++ {
		if i >= maxBytes {
			r.failAt(start, "integer representation too long (more than %d bytes for u%d)", maxBytes, bits)
			return 0
		}
		b := r.byte()
		if r.err != nil {
			return 0
		}
		shift := uint(i) * 7
		if i == maxBytes-1 {
			// Bits beyond the width must be zero.
			unused := 7 - (bits - shift)
			if unused < 7 && b&0x7f>>(7-unused) != 0 {
				r.failAt(start, "integer too large for u%d", bits)
				return 0
			}
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v
		}
	}
}

// sleb reads a signed LEB128 integer of at most bits bits.
func (r *reader) sleb(bits uint) int64 {
	if r.err != nil {
		return 0
	}
	start := r.offset()
	maxBytes := int((bits + 6) / 7)
	var v int64
	var shift uint
	for i := 0; ; i++ {
		if i >= maxBytes {
			r.failAt(start, "integer representation too long (more than %d bytes for s%d)", maxBytes, bits)
			return 0
		}
		b := r.byte()
		if r.err != nil {
			return 0
		}
		if i == maxBytes-1 {
			// The last byte must end the number, and its bits above the
			// payload must all equal the sign bit.
			used := bits - shift // payload bits in this byte, 1..7
			if b&0x80 != 0 {
				r.failAt(start, "integer representation too long (more than %d bytes for s%d)", maxBytes, bits)
				return 0
			}
			if used < 7 {
				high := (b & 0x7f) >> used
				sign := (b >> (used - 1)) & 1
				if sign == 0 && high != 0 || sign == 1 && high != 0x7f>>used {
					r.failAt(start, "integer too large for s%d", bits)
					return 0
				}
			}
		}
		v |= int64(b&0x7f) << shift
		shift += 7
		if b&0x80 == 0 {
			if shift < 64 && b&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
	}
}

func (r *reader) u32() uint32 { return uint32(r.uleb(32)) }

// count reads a vector length and checks it against a hard limit and against
// the bytes left, given that each element takes at least minSize bytes.
func (r *reader) count(what string, limit uint32, minSize int) int {
	off := r.offset()
	n := r.u32()
	if r.err != nil {
		return 0
	}
	if n > limit {
		r.failAt(off, "%s count %d exceeds the limit %d", what, n, limit)
		return 0
	}
	if minSize > 0 && uint64(n)*uint64(minSize) > uint64(r.remaining()) {
		r.failAt(off, "%s count %d cannot fit in the %d bytes left", what, n, r.remaining())
		return 0
	}
	return int(n)
}

// name reads a length-prefixed name. Names are kept as raw strings; UTF-8
// validity is not checked here.
func (r *reader) name() string {
	n := r.u32()
	if uint64(n) > uint64(math.MaxInt32) {
		r.fail("name length %d too large", n)
		return ""
	}
	return string(r.bytes(int(n)))
}

// FormatError reports malformed input: what was wrong and the file offset
// where it was found.
type FormatError struct {
	Offset int
	Msg    string
}

func (e *FormatError) Error() string { return fmt.Sprintf("wasm: at offset 0x%x: %s", e.Offset, e.Msg) }
