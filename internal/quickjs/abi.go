package quickjs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

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

// export returns the export name as a wasmcall.Export, or nil when its
// type does not fit one or Export cannot be used here (then Func.Call
// does). Every host function the module imports is defined with
// wasmcall.Define, so a call back into the host cannot leave a panic for
// wasmtime-go to raise later.
func (r *run) export(name string) (*wasmcall.Export, error) {
	if e, ok := r.exports[name]; ok {
		return e, nil
	}
	f, err := r.fn(name)
	if err != nil {
		return nil, err
	}
	var e *wasmcall.Export
	if wasmcall.FastCallOK() {
		e, _ = wasmcall.NewExport(r.st, f) // nil when its type does not fit
	}
	if r.exports == nil {
		r.exports = map[string]*wasmcall.Export{}
	}
	r.exports[name] = e
	return e, nil
}

// call calls an export and returns its result.
func (r *run) call(name string, args ...interface{}) (interface{}, error) {
	e, err := r.export(name)
	if err != nil {
		return nil, err
	}
	if e == nil {
		v, err := r.fns[name].Call(r.st, args...)
		return v, r.noteNested(err)
	}
	bits, err := e.Call(r.st, args...)
	switch {
	case err != nil:
		return nil, r.noteNested(err)
	case e.Result() == 'i':
		return int32(uint32(bits)), nil
	case e.Result() == 'I':
		return int64(bits), nil
	case e.Result() == 'f':
		return math.Float64frombits(bits), nil
	}
	return nil, nil
}

// noteNested records err, from a call into the guest made while a host
// function runs, as the reason the guest stopped (fuel ran out, or the
// run was interrupted), and returns it.
func (r *run) noteNested(err error) error {
	if err != nil && r.depth > 0 && r.nestedErr == nil && !r.exited && r.stopErr == nil {
		r.nestedErr = err
	}
	return err
}

// i32 calls an export returning an i32.
func (r *run) i32(name string, args ...interface{}) (int32, error) {
	if e, err := r.export(name); err != nil {
		return 0, err
	} else if e != nil && e.Result() == 'i' {
		bits, err := e.Call(r.st, args...)
		return int32(uint32(bits)), r.noteNested(err)
	}
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

// trap records why a host function stopped the guest and returns err,
// which traps it.
func (r *run) trap(err error) error {
	if r.nestedErr == nil && !r.exited && r.stopErr == nil && !errors.Is(err, errExit) {
		r.nestedErr = err
	}
	return err
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
