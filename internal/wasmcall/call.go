// Package wasmcall calls small exports of a guest quickly (see FastCall).
package wasmcall

// #include <stdint.h>
// #include <stddef.h>
// typedef struct { size_t size; char *data; } wsb_bytes_t;
// typedef struct {
//   uint8_t kind;
//   union { int32_t i32; int64_t i64; float f32; double f64; uint8_t raw[24]; } of;
// } wsb_val_t;
// extern size_t wsb_val_size(void);
// extern int wsb_call(void *ctx, const void *func, const wsb_val_t *args, size_t nargs,
//                     wsb_val_t *result, size_t nresults, wsb_bytes_t *msg);
// extern void wsb_message_free(wsb_bytes_t *msg);
// static void wsb_set_i32(wsb_val_t *v, int32_t x) { v->kind = 0; v->of.i32 = x; }
// static void wsb_set_f64(wsb_val_t *v, double x) { v->kind = 3; v->of.f64 = x; }
// static int32_t wsb_get_i32(const wsb_val_t *v) { return v->of.i32; }
// static double wsb_get_f64(const wsb_val_t *v) { return v->of.f64; }
import "C"

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"unsafe"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// FastCallOK reports whether FastCall can be used: wasmtime-go's Func keeps
// wasmtime's 16-byte function handle as its first field, a value has the
// 32 bytes of wasmtime's val.h, and calls of a small module with i32 and
// f64 arguments and results give the right answers. Checked once; when it
// does not hold, callers use Func.Call.
var FastCallOK = sync.OnceValue(func() bool {
	f := reflect.TypeOf(wasmtime.Func{}).Field(0)
	if f.Name != "val" || f.Offset != 0 || f.Type.Size() != 16 || C.wsb_val_size() != 32 {
		return false
	}
	return selfTest() == nil
})

// selfTest calls a small module through FastCall and checks the answers.
func selfTest() error {
	wasm, err := wasmtime.Wat2Wasm(`(module
	  (func (export "mix") (param i32 f64) (result f64)
	    local.get 1 local.get 0 f64.convert_i32_s f64.add)
	  (func (export "trunc") (param f64 i32) (result i32)
	    local.get 0 i32.trunc_f64_s local.get 1 i32.mul)
	  (func (export "none")))`)
	if err != nil {
		return err
	}
	store := wasmtime.NewStore(wasmtime.NewEngine())
	mod, err := wasmtime.NewModule(store.Engine, wasm)
	if err != nil {
		return err
	}
	inst, err := wasmtime.NewInstance(store, mod, nil)
	if err != nil {
		return err
	}
	v, err := FastCall(store, inst.GetFunc(store, "mix"), 'f', int32(-7), 0.25)
	if err != nil || v != -6.75 {
		return fmt.Errorf("mix: %v %v", v, err)
	}
	v, err = FastCall(store, inst.GetFunc(store, "trunc"), 'i', 41.9, int32(-3))
	if err != nil || v != int32(-123) {
		return fmt.Errorf("trunc: %v %v", v, err)
	}
	if _, err := FastCall(store, inst.GetFunc(store, "none"), 0); err != nil {
		return err
	}
	if _, err := FastCall(store, inst.GetFunc(store, "mix"), 'f', int32(1)); err == nil {
		return errors.New("a call with too few arguments succeeded")
	}
	return nil
}

// FastCall calls f, a function of the instance running in st, with i32 and
// f64 arguments (int32 and float64 values) and at most one result (kind
// 'i' for i32, 'f' for f64, 0 for none). It does what f.Call(st, args...)
// does without looking up f's type on every call, which is most of the cost
// of a small export's call. Use it only for exports that do not call back
// into the host: a host function's panic would not be raised again here. A
// trap or an error comes back as an error with wasmtime's message.
func FastCall(st wasmtime.Storelike, f *wasmtime.Func, result byte, args ...any) (any, error) {
	var vals [4]C.wsb_val_t
	if len(args) > len(vals) {
		return nil, errors.New("wasmcall: FastCall takes at most 4 arguments")
	}
	for i, a := range args {
		switch v := a.(type) {
		case int32:
			C.wsb_set_i32(&vals[i], C.int32_t(v))
		case float64:
			C.wsb_set_f64(&vals[i], C.double(v))
		default:
			return nil, errors.New("wasmcall: FastCall takes int32 and float64 arguments")
		}
	}
	var res C.wsb_val_t
	nres := C.size_t(0)
	if result != 0 {
		nres = 1
	}
	var msg C.wsb_bytes_t
	var argp *C.wsb_val_t
	if len(args) > 0 {
		argp = &vals[0]
	}
	failed := C.wsb_call(unsafe.Pointer(st.Context()), unsafe.Pointer(f), argp, C.size_t(len(args)), &res, nres, &msg) != 0
	runtime.KeepAlive(st)
	runtime.KeepAlive(f)
	if failed {
		text := C.GoStringN(msg.data, C.int(msg.size))
		C.wsb_message_free(&msg)
		return nil, errors.New(text)
	}
	switch result {
	case 'i':
		return int32(C.wsb_get_i32(&res)), nil
	case 'f':
		return float64(C.wsb_get_f64(&res)), nil
	}
	return nil, nil
}
