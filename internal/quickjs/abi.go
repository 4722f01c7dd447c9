package quickjs

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/wasmcall"
)

// The low level of the qjs_* C interface: calling the module's exports and
// reading and writing its linear memory.

// fn returns the exported function name.
func (r *run) fn(name string) (*wasmtime.Func, error) {
	if f, ok := r.fns[name]; ok {
		return f, nil
	}
	f := r.inst.GetFunc(r.store, name)
	if f == nil {
		return nil, fmt.Errorf("quickjs: module does not export %s", name)
	}
	r.fns[name] = f
	return f, nil
}

// leaves are the exports that never run JavaScript or call back into the
// host, with the kind of their result ('i' i32, 'f' f64, 0 none): the host
// calls them many times per execution (several per console.log), so they
// go through wasmcall.FastCall.
var leaves = map[string]byte{
	"qjs_is_string": 'i', "qjs_get_string_len": 'i', "qjs_free_cstring": 0,
	"qjs_get_undefined": 'i', "qjs_get_true": 'i', "qjs_get_false": 'i',
	"qjs_new_number": 'i', "qjs_get_float64": 'f', "qjs_free_value": 0,
	"qjs_is_exception": 'i', "qjs_is_array_buffer": 'i', "qjs_get_array_buffer": 'i',
	"qjs_get_typed_array_buffer": 'i', "qjs_is_error": 'i', "qjs_is_promise": 'i',
	"qjs_promise_state": 'i', "qjs_get_value_ptr": 'i', "qjs_is_job_pending": 'i',
}

// call calls an export and returns its result.
func (r *run) call(name string, args ...interface{}) (interface{}, error) {
	f, err := r.fn(name)
	if err != nil {
		return nil, err
	}
	var v interface{}
	if kind, ok := leaves[name]; ok && wasmcall.FastCallOK() {
		v, err = wasmcall.FastCall(r.st, f, kind, args...)
	} else {
		v, err = f.Call(r.st, args...)
	}
	if err != nil && r.depth > 0 && r.nestedErr == nil && !r.exited && r.stopErr == nil {
		r.nestedErr = err
	}
	return v, err
}

// i32 calls an export returning an i32.
func (r *run) i32(name string, args ...interface{}) (int32, error) {
	v, err := r.call(name, args...)
	if err != nil {
		return 0, err
	}
	n, _ := v.(int32)
	return n, nil
}

// void calls an export and discards its result.
func (r *run) void(name string, args ...interface{}) error {
	_, err := r.call(name, args...)
	return err
}

func (r *run) data() []byte { return r.mem.UnsafeData(r.st) }

func (r *run) u32(ptr int32) uint32 {
	return binary.LittleEndian.Uint32(r.data()[uint32(ptr):])
}

// trap records why a host function stopped the guest and returns the trap.
func (r *run) trap(err error) *wasmtime.Trap {
	if r.nestedErr == nil && !r.exited && r.stopErr == nil && !errors.Is(err, errExit) {
		r.nestedErr = err
	}
	return wasmtime.NewTrap(err.Error())
}

// alloc copies b plus a NUL byte into freshly malloc'd memory.
func (r *run) alloc(b []byte) (int32, error) {
	p, err := r.i32("wasm_malloc", int32(len(b)+1))
	if err != nil {
		return 0, err
	}
	if p == 0 {
		return 0, errors.New("quickjs: wasm_malloc failed")
	}
	d := r.data()
	copy(d[uint32(p):], b)
	d[uint32(p)+uint32(len(b))] = 0
	return p, nil
}

func (r *run) free(p int32) error {
	if p == 0 {
		return nil
	}
	return r.void("wasm_free", p)
}

// cstr reads the NUL-terminated string at p.
func (r *run) cstr(p int32) string {
	d := r.data()[uint32(p):]
	n := 0
	for n < len(d) && d[n] != 0 {
		n++
	}
	return string(d[:n])
}
