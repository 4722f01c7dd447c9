package quickjs

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// JavaScript values as boxes: making them from Go values and back, their
// properties, calling functions and throwing errors.

// newString returns a new string box.
func (r *run) newString(s string) (int32, error) {
	return r.newFrom("qjs_new_string", []byte(s))
}

// newBytes returns a new Uint8Array box holding a copy of b.
func (r *run) newBytes(b []byte) (int32, error) {
	return r.newFrom("qjs_new_uint8_array", b)
}

// newFrom copies b into guest memory and returns the box that the export
// ctor(ptr, len) makes of it; the copy is freed.
func (r *run) newFrom(ctor string, b []byte) (int32, error) {
	p, err := r.alloc(b)
	if err != nil {
		return 0, err
	}
	box, err := r.i32(ctor, p, int32(len(b)))
	if ferr := r.free(p); err == nil {
		err = ferr
	}
	return box, err
}

// str converts the value in box to a Go string (running toString for
// non-strings).
func (r *run) str(box int32) (string, error) {
	c, err := r.i32("qjs_get_string_len", box, r.scratch)
	if err != nil {
		return "", err
	}
	if c == 0 {
		return "", nil
	}
	n := r.u32(r.scratch)
	s := wellFormed(r.data()[uint32(c) : uint32(c)+n])
	return s, r.void("qjs_free_cstring", c)
}

// wellFormed copies the UTF-8 QuickJS made of a string into a Go string in
// which each lone surrogate (QuickJS encodes one as three bytes, ED A0 80
// for U+D800) is one U+FFFD, as V8 makes it; any other invalid byte is
// one U+FFFD too.
func wellFormed(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); {
		c, size := utf8.DecodeRune(b[i:])
		switch {
		case c != utf8.RuneError || size != 1:
			sb.Write(b[i : i+size])
		case b[i] == 0xED && i+2 < len(b) && b[i+1] >= 0xA0 && b[i+1] <= 0xBF && b[i+2] >= 0x80 && b[i+2] <= 0xBF:
			sb.WriteRune(utf8.RuneError)
			size = 3
		default:
			sb.WriteRune(utf8.RuneError)
		}
		i += size
	}
	return sb.String()
}

// bytes returns a copy of the contents of a typed array or ArrayBuffer box;
// ok is false when box is neither.
func (r *run) bytes(box int32) (b []byte, ok bool, err error) {
	isAB, err := r.i32("qjs_is_array_buffer", box)
	if err != nil {
		return nil, false, err
	}
	ab, off, n := box, uint32(0), uint32(0)
	owned := false
	if isAB == 0 {
		ab, err = r.i32("qjs_get_typed_array_buffer", box, r.scratch, r.scratch+4, r.scratch+8)
		if err != nil {
			return nil, false, err
		}
		owned = true
		exc, err := r.i32("qjs_is_exception", ab)
		if err != nil {
			return nil, false, err
		}
		if exc != 0 {
			// Not a typed array: drop the pending TypeError.
			r.void("qjs_free_value", ab)
			e, err := r.i32("qjs_get_exception")
			if err == nil {
				r.void("qjs_free_value", e)
			}
			return nil, false, err
		}
		off, n = r.u32(r.scratch), r.u32(r.scratch+4)
	}
	p, err := r.i32("qjs_get_array_buffer", ab, r.scratch+12)
	if err == nil && isAB != 0 {
		n = r.u32(r.scratch + 12)
	}
	if err == nil && p != 0 {
		b = append([]byte(nil), r.data()[uint32(p)+off:uint32(p)+off+n]...)
	}
	if owned {
		if ferr := r.void("qjs_free_value", ab); err == nil {
			err = ferr
		}
	}
	return b, err == nil, err
}

func (r *run) num(box int32) (float64, error) {
	v, err := r.call("qjs_get_float64", box)
	if err != nil {
		return 0, err
	}
	f, _ := v.(float64)
	return f, nil
}

func (r *run) undefined() (int32, error) { return r.i32("qjs_get_undefined") }

func (r *run) boolean(b bool) (int32, error) {
	if b {
		return r.i32("qjs_get_true")
	}
	return r.i32("qjs_get_false")
}

func (r *run) number(f float64) (int32, error) { return r.i32("qjs_new_number", f) }

func (r *run) freeValue(box int32) error {
	if box == 0 {
		return nil
	}
	return r.void("qjs_free_value", box)
}

// throw raises a JavaScript Error with message in the guest. The host
// function must then return 0.
func (r *run) throw(name, message string) error {
	e, err := r.i32("qjs_new_error")
	if err != nil {
		return err
	}
	if err := r.setStr(e, "message", message); err != nil {
		return err
	}
	if name != "" && name != "Error" {
		if err := r.setStr(e, "name", name); err != nil {
			return err
		}
	}
	if _, err := r.i32("qjs_throw", e); err != nil {
		return err
	}
	return r.freeValue(e)
}

func (r *run) setStr(obj int32, key, value string) error {
	v, err := r.newString(value)
	if err != nil {
		return err
	}
	if err := r.setProp(obj, key, v); err != nil {
		return err
	}
	return r.freeValue(v)
}

// setProp sets obj[key] = value (value is not consumed).
func (r *run) setProp(obj int32, key string, value int32) error {
	k, err := r.alloc([]byte(key))
	if err != nil {
		return err
	}
	_, err = r.i32("qjs_set_prop_string", obj, k, value)
	if ferr := r.free(k); err == nil {
		err = ferr
	}
	return err
}

func (r *run) getProp(obj int32, key string) (int32, error) {
	k, err := r.alloc([]byte(key))
	if err != nil {
		return 0, err
	}
	v, err := r.i32("qjs_get_prop_string", obj, k)
	if ferr := r.free(k); err == nil {
		err = ferr
	}
	return v, err
}

// callFn calls fn(this=undefined, args...) and returns the result box,
// which may be an exception box.
func (r *run) callFn(fn int32, args ...int32) (int32, error) {
	argv := int32(0)
	if len(args) > 0 {
		b := make([]byte, 4*len(args))
		for i, a := range args {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(a))
		}
		var err error
		if argv, err = r.alloc(b); err != nil {
			return 0, err
		}
	}
	this, err := r.undefined()
	if err != nil {
		return 0, err
	}
	res, err := r.i32("qjs_call", fn, this, int32(len(args)), argv)
	if err != nil {
		return 0, err
	}
	if err := r.freeValue(this); err != nil {
		return 0, err
	}
	return res, r.free(argv)
}

// isException reports whether box is the exception marker; it frees box then.
func (r *run) isException(box int32) (bool, error) {
	e, err := r.i32("qjs_is_exception", box)
	if err != nil || e == 0 {
		return false, err
	}
	return true, r.freeValue(box)
}
