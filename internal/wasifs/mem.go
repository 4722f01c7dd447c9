package wasifs

import (
	"bytes"
	"encoding/binary"
)

// span returns count records of size bytes at mem[off:], or false when
// they do not all lie inside mem. The arithmetic is 64-bit, so a
// guest-chosen count cannot wrap around.
func span(mem []byte, off uint32, count, size uint64) ([]byte, bool) {
	end := uint64(off) + count*size // count < 2^32, size <= 64: no overflow
	if end > uint64(len(mem)) {
		return nil, false
	}
	return mem[off:end], true
}

func put32(mem []byte, off uint32, v uint32) Errno {
	b, ok := span(mem, off, 1, 4)
	if !ok {
		return EFAULT
	}
	binary.LittleEndian.PutUint32(b, v)
	return ESUCCESS
}

func put64(mem []byte, off uint32, v uint64) Errno {
	b, ok := span(mem, off, 1, 8)
	if !ok {
		return EFAULT
	}
	binary.LittleEndian.PutUint64(b, v)
	return ESUCCESS
}

// iovecs returns the guest buffers of n iovecs at iovs and their total
// size, bounded by MaxIovecs, by memory, and by what the 32-bit count a
// call reports can hold (iovecs may overlap, so the total can exceed
// memory).
//
// The slice is the FS's own, reused by the next call (an FS serves one
// guest thread), so that a read or write allocates nothing.
func (f *FS) iovecs(mem []byte, iovs, n uint32) ([][]byte, int64, Errno) {
	if n > MaxIovecs {
		return nil, 0, EINVAL
	}
	vec, ok := span(mem, iovs, uint64(n), 8)
	if !ok {
		return nil, 0, EFAULT
	}
	out := f.iov[:0]
	var total int64
	for i := 0; i < len(vec); i += 8 {
		b, ok := span(mem, binary.LittleEndian.Uint32(vec[i:]), uint64(binary.LittleEndian.Uint32(vec[i+4:])), 1)
		if !ok {
			return nil, 0, EFAULT
		}
		out = append(out, b)
		total += int64(len(b))
	}
	f.iov = out
	if total > 1<<32-1 {
		return nil, 0, EINVAL
	}
	return out, total, ESUCCESS
}

// guestPath reads the path at ptr and joins it to the directory rel.
// WASI paths are relative to a directory descriptor: an absolute path, an
// empty one, or one with a NUL byte is refused.
func guestPath(mem []byte, rel string, ptr, n uint32) (string, Errno) {
	if n > MaxPathBytes {
		return "", ENAMETOOLONG
	}
	b, ok := span(mem, ptr, uint64(n), 1)
	if !ok {
		return "", EFAULT
	}
	switch {
	case n == 0:
		return "", ENOENT
	case b[0] == '/':
		return "", EPERM
	case bytes.IndexByte(b, 0) >= 0:
		return "", EINVAL
	}
	p := string(b)
	if rel != "." {
		p = rel + "/" + p
	}
	return p, ESUCCESS
}
