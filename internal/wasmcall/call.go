// Package wasmcall calls a guest's small exports and answers its calls of
// host functions without the per-call costs of wasmtime-go's general API
// (see Export and Define).
package wasmcall

// #include "wasmcall.h"
import "C"

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// FastCallOK reports whether Export can be used: wasmtime-go's Func keeps
// wasmtime's 16-byte function handle as its first field, and calls of a
// small module's exports with i32 and f64 arguments and results give the
// right answers. Checked once; when it does not hold, callers use
// Func.Call.
var FastCallOK = sync.OnceValue(func() bool {
	f := reflect.TypeOf(wasmtime.Func{}).Field(0)
	if f.Offset != 0 || f.Type.Size() != unsafe.Sizeof(funcLayout{}) ||
		!onePointer(reflect.TypeOf(wasmtime.Trap{})) || !onePointer(reflect.TypeOf(wasmtime.Error{})) {
		return false
	}
	return selfTest() == nil
})

// onePointer reports whether t is a struct of one pointer, as wasmtime-go's
// Trap and Error are (the C object they own).
func onePointer(t reflect.Type) bool {
	return t.NumField() == 1 && t.Field(0).Type.Kind() == reflect.Pointer && t.Size() == unsafe.Sizeof(uintptr(0))
}

// stopLayout is wasmtime-go's Trap and Error.
type stopLayout struct{ ptr unsafe.Pointer }

// stopError wraps what stopped a call, as Func.Call does: a
// *wasmtime.Trap or a *wasmtime.Error, which frees the C object when
// collected.
func stopError(ret C.wsb_ret_t) error {
	s := &stopLayout{ret.stop}
	if ret.failed == 2 {
		runtime.SetFinalizer(s, func(s *stopLayout) { C.wsb_trap_free(s.ptr) })
		return (*wasmtime.Trap)(unsafe.Pointer(s))
	}
	runtime.SetFinalizer(s, func(s *stopLayout) { C.wsb_error_free(s.ptr) })
	return (*wasmtime.Error)(unsafe.Pointer(s))
}

// funcLayout is wasmtime's function handle (wasmtime_func_t) inside
// wasmtime-go's Func.
type funcLayout struct {
	storeID uint64
	priv    uintptr
}

// selfTest calls a small module's exports through Export and checks the
// answers.
func selfTest() error {
	wasm, err := wasmtime.Wat2Wasm(`(module
	  (func (export "mix") (param i32 f64) (result f64)
	    local.get 1 local.get 0 f64.convert_i32_s f64.add)
	  (func (export "trunc") (param f64 i32) (result i32)
	    local.get 0 i32.trunc_f64_s local.get 1 i32.mul)
	  (func (export "none"))
	  (func (export "boom") (result i32) unreachable)
	  (func (export "wide") (param i64 i32) (result i64)
	    local.get 0 local.get 1 i64.extend_i32_s i64.mul)
	  (func (export "ref") (param externref)))`)
	if err != nil {
		return err
	}
	store := wasmtime.NewStore(wasmtime.NewEngine())
	defer store.Close()
	mod, err := wasmtime.NewModule(store.Engine, wasm)
	if err != nil {
		return err
	}
	inst, err := wasmtime.NewInstance(store, mod, nil)
	if err != nil {
		return err
	}
	export := func(name string) *Export {
		e, err := NewExport(store, inst.GetFunc(store, name))
		if err != nil {
			panic(err) // these types are all supported
		}
		return e
	}
	mix, trunc := export("mix"), export("trunc")
	if v, err := mix.Call(store, int32(-7), 0.25); err != nil || math.Float64frombits(v) != -6.75 {
		return fmt.Errorf("mix: %v %v", v, err)
	}
	if v, err := trunc.Call(store, 41.9, int32(-3)); err != nil || int32(uint32(v)) != -123 {
		return fmt.Errorf("trunc: %v %v", v, err)
	}
	if _, err := export("none").Call(store); err != nil {
		return err
	}
	var trap *wasmtime.Trap
	if _, err := export("boom").Call(store); !errors.As(err, &trap) || !strings.Contains(trap.Message(), "unreachable") {
		return fmt.Errorf("boom: %T %v", err, err)
	}
	if _, err := mix.Call(store, int32(1)); err == nil {
		return errors.New("a call with too few arguments succeeded")
	}
	if _, err := mix.Call(store, 1.0, 1.0); err == nil {
		return errors.New("a call with an f64 for an i32 succeeded")
	}
	if v, err := export("wide").Call(store, int64(1)<<40, int32(-3)); err != nil || int64(v) != -3<<40 {
		return fmt.Errorf("wide: %v %v", v, err)
	}
	if _, err := NewExport(store, inst.GetFunc(store, "ref")); err == nil {
		return errors.New("an export with an externref parameter was accepted")
	}
	return nil
}

// An Export is a guest function whose type was checked once, so that its
// calls skip what Func.Call does each time (reading the function's type,
// boxing each value), which is most of the cost of calling a small export.
// An export may call back into the host; host functions defined with
// Define turn a panic into a trap, which comes back from Call as an error.
// (wasmtime-go's own FuncWrap and FuncNew keep a panic to raise it again
// from its next Func.Call, which an Export's call would not do.)
type Export struct {
	f      *wasmtime.Func
	params []byte // 'i' i32, 'I' i64, 'f' f64
	result byte   // the same, or 0 for none
}

// Result is the kind of the export's result: 'i' for an i32, 'I' for an
// i64, 'f' for an f64, 0 when it has none.
func (e *Export) Result() byte { return e.result }

// NewExport checks f's type: at most four parameters and one result, each
// an i32, an i64 or an f64.
func NewExport(st wasmtime.Storelike, f *wasmtime.Func) (*Export, error) {
	ty := f.Type(st)
	kind := func(t *wasmtime.ValType) byte {
		switch t.Kind() {
		case wasmtime.KindI32:
			return 'i'
		case wasmtime.KindI64:
			return 'I'
		case wasmtime.KindF64:
			return 'f'
		}
		return 0
	}
	e := &Export{f: f}
	for _, p := range ty.Params() {
		e.params = append(e.params, kind(p))
	}
	ok := len(e.params) <= 4 && len(ty.Results()) <= 1
	for _, k := range e.params {
		ok = ok && k != 0
	}
	for _, r := range ty.Results() {
		e.result = kind(r)
		ok = ok && e.result != 0
	}
	if !ok {
		return nil, errors.New("wasmcall: an Export takes up to four i32, i64 or f64 parameters and returns at most one")
	}
	return e, nil
}

// Call calls the export in st, the store it belongs to, with args (int32
// for an i32, int64 for an i64, float64 for an f64), and returns its
// result's raw bits: an i32 in the low 32 bits, an i64 as it is, an f64 as
// math.Float64bits; 0 when it has none.
// What stops the call comes back as Func.Call returns it: a
// *wasmtime.Trap (with its code and frames) or a *wasmtime.Error. It
// allocates nothing on success.
func (e *Export) Call(st wasmtime.Storelike, args ...any) (uint64, error) {
	if len(args) != len(e.params) {
		return 0, fmt.Errorf("wasmcall: %d arguments for a function of %d parameters", len(args), len(e.params))
	}
	var a [4]uint64
	for i, v := range args {
		switch v := v.(type) {
		case int32:
			if e.params[i] == 'i' {
				a[i] = uint64(uint32(v))
				continue
			}
		case int64:
			if e.params[i] == 'I' {
				a[i] = uint64(v)
				continue
			}
		case float64:
			if e.params[i] == 'f' {
				a[i] = math.Float64bits(v)
				continue
			}
		}
		return 0, fmt.Errorf("wasmcall: argument %d is a %T for a parameter of kind %c", i, v, e.params[i])
	}
	fn := (*funcLayout)(unsafe.Pointer(e.f))
	ret := C.wsb_call(unsafe.Pointer(st.Context()), C.uint64_t(fn.storeID), C.uintptr_t(fn.priv),
		C.uint64_t(a[0]), C.uint64_t(a[1]), C.uint64_t(a[2]), C.uint64_t(a[3]))
	runtime.KeepAlive(st)
	runtime.KeepAlive(e.f)
	if ret.failed != 0 {
		return 0, stopError(ret)
	}
	return uint64(ret.bits), nil
}
