package wasmcall

// #include <stdlib.h>
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

// MaxParams is the most parameters a function given to Define may have
// (WASI's path_open has nine).
const MaxParams = 10

// Args are a host function's raw arguments: an i32 in the low 32 bits, an
// i64 as it is.
type Args [MaxParams]uint64

// I32 returns argument i as an i32.
func (a Args) I32(i int) int32 { return int32(uint32(a[i])) }

// U32 returns argument i, an i32, as unsigned (a guest address or length).
func (a Args) U32(i int) uint32 { return uint32(a[i]) }

// I64 returns argument i as an i64.
func (a Args) I64(i int) int64 { return int64(a[i]) }

// A HostFunc answers a guest's call of an import defined with Define. It
// returns the function's result (an i32 in the low 32 bits; ignored when
// the function has none), or an error, which traps the guest with the
// error's message. c is valid only during the call. A panic traps the
// guest too, with the panic's value in the message.
type HostFunc func(c *wasmtime.Caller, a Args) (uint64, error)

// Define defines module.name on l as f. params and results spell the
// function's type, one letter per value: 'i' for i32, 'I' for i64; at most
// MaxParams parameters and one result.
//
// Calls skip what wasmtime-go's Linker.FuncWrap and FuncNew do on every
// call (reflection, boxing each value, a global lock to find the store's
// data), which is most of a small host call's cost. When this build of
// wasmtime-go does not have the layouts the fast path relies on
// (HostOK), Define falls back to Linker.FuncNew with the same behaviour.
func Define(l *wasmtime.Linker, module, name, params, results string, f HostFunc) error {
	pk, err := kinds(params)
	if err != nil {
		return fmt.Errorf("wasmcall: %s.%s: %w", module, name, err)
	}
	rk, err := kinds(results)
	if err != nil || len(pk) > MaxParams || len(rk) > 1 {
		return fmt.Errorf("wasmcall: %s.%s: unsupported type (%s) -> (%s)", module, name, params, results)
	}
	h := newHostEntry(module+"."+name, pk, rk, f)
	if !HostOK() {
		return defineSlow(l, module, name, pk, rk, h)
	}
	return defineFast(l, module, name, pk, rk, h)
}

// kinds maps a type's letters to wasm value kinds.
func kinds(s string) ([]byte, error) {
	k := make([]byte, len(s))
	for i := range len(s) {
		switch s[i] {
		case 'i':
			k[i] = byte(wasmtime.KindI32)
		case 'I':
			k[i] = byte(wasmtime.KindI64)
		default:
			return nil, fmt.Errorf("value type %q is not i32 ('i') or i64 ('I')", s[i])
		}
	}
	return k, nil
}

type hostEntry struct {
	name              string
	nparams, nresults int
	masks             [MaxParams]uint64 // the bits of each parameter's raw value
	f                 HostFunc
}

func newHostEntry(name string, pk, rk []byte, f HostFunc) *hostEntry {
	h := &hostEntry{name: name, nparams: len(pk), nresults: len(rk), f: f}
	for i, k := range pk {
		h.masks[i] = math.MaxUint32
		if k == byte(wasmtime.KindI64) {
			h.masks[i] = math.MaxUint64
		}
	}
	return h
}

// call runs the entry's function on raw arguments and returns its result,
// or the message of the trap it asks for.
func (h *hostEntry) call(c *wasmtime.Caller, a Args) (res uint64, msg string, trapped bool) {
	defer func() {
		if p := recover(); p != nil {
			msg, trapped = fmt.Sprintf("wasmsandbox host function %s failed: %v", h.name, p), true
		}
	}()
	res, err := h.f(c, a)
	if err != nil {
		return 0, err.Error(), true
	}
	return res, "", false
}

// The table of fast host functions: a linker's definition holds its index,
// and wasmtime drops the definition (wsbHostDrop) with the linker.
var hosts struct {
	sync.RWMutex
	entries []*hostEntry
	free    []int
}

// callerLayout is wasmtime-go's Caller: one pointer to wasmtime's caller.
type callerLayout struct{ ptr unsafe.Pointer }

// linkerPtr returns wasmtime's linker inside wasmtime-go's Linker.
func linkerPtr(l *wasmtime.Linker) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(l)) }

// HostOK reports whether Define's fast path can be used: wasmtime-go's
// Linker keeps wasmtime's linker as its first field, its Caller is one
// pointer to wasmtime's caller, and a small module's calls of fast host
// functions give the right answers, traps and panics. Checked once.
var HostOK = sync.OnceValue(func() bool {
	lt, ct := reflect.TypeOf(wasmtime.Linker{}), reflect.TypeOf(wasmtime.Caller{})
	if lt.Field(0).Offset != 0 || lt.Field(0).Type.Kind() != reflect.Pointer ||
		ct.NumField() != 1 || ct.Field(0).Type.Kind() != reflect.Pointer || ct.Size() != unsafe.Sizeof(callerLayout{}) {
		return false
	}
	return hostSelfTest(defineFast) == nil
})

func defineFast(l *wasmtime.Linker, module, name string, pk, rk []byte, h *hostEntry) error {
	hosts.Lock()
	var env int
	if n := len(hosts.free); n > 0 {
		env, hosts.free = hosts.free[n-1], hosts.free[:n-1]
		hosts.entries[env] = h
	} else {
		env = len(hosts.entries)
		hosts.entries = append(hosts.entries, h)
	}
	hosts.Unlock()

	cmod, cname := C.CString(module), C.CString(name)
	defer C.free(unsafe.Pointer(cmod))
	defer C.free(unsafe.Pointer(cname))
	var pp, rp *C.uint8_t
	if len(pk) > 0 {
		pp = (*C.uint8_t)(unsafe.Pointer(&pk[0]))
	}
	if len(rk) > 0 {
		rp = (*C.uint8_t)(unsafe.Pointer(&rk[0]))
	}
	var msg C.wsb_bytes_t
	failed := C.wsb_define(linkerPtr(l), cmod, C.size_t(len(module)), cname, C.size_t(len(name)),
		pp, C.size_t(len(pk)), rp, C.size_t(len(rk)), C.size_t(env), &msg) != 0
	runtime.KeepAlive(l)
	if failed {
		text := C.GoStringN(msg.data, C.int(msg.size))
		C.wsb_message_free(&msg)
		// wasmtime may already have dropped the definition (and run
		// wsbHostDrop), and the slot may even be another's by now.
		dropEntry(env, h)
		return errors.New(text)
	}
	return nil
}

// dropEntry frees slot env if it still holds h.
func dropEntry(env int, h *hostEntry) {
	hosts.Lock()
	defer hosts.Unlock()
	if hosts.entries[env] == h {
		hosts.entries[env] = nil
		hosts.free = append(hosts.free, env)
	}
}

//export wsbHostCall
func wsbHostCall(env C.size_t, caller unsafe.Pointer, vals unsafe.Pointer, n C.size_t) unsafe.Pointer {
	hosts.RLock()
	h := hosts.entries[env]
	hosts.RUnlock()
	if h == nil { // cannot happen while wasmtime holds the definition
		const msg = "wasmsandbox: a host function was called after its definition was dropped"
		cmsg := C.CString(msg)
		defer C.free(unsafe.Pointer(cmsg))
		return C.wsb_trap(cmsg, C.size_t(len(msg)))
	}
	raw := unsafe.Slice((*[2]uint64)(vals), int(n)) // wasmtime_val_raw_t: 16 bytes, little-endian
	var a Args
	for i := range h.nparams {
		// wasmtime stores an i32 in the slot's low 4 bytes only.
		a[i] = raw[i][0] & h.masks[i]
	}
	box := &callerLayout{caller}
	res, msg, trapped := h.call((*wasmtime.Caller)(unsafe.Pointer(box)), a)
	box.ptr = nil // as wasmtime-go does: a Caller kept past its call is unusable
	if trapped {
		cmsg := C.CString(msg)
		defer C.free(unsafe.Pointer(cmsg))
		return C.wsb_trap(cmsg, C.size_t(len(msg)))
	}
	if h.nresults == 1 {
		raw[0][0] = res
	}
	return nil
}

//export wsbHostDrop
func wsbHostDrop(env C.size_t) {
	hosts.Lock()
	defer hosts.Unlock()
	if hosts.entries[env] != nil {
		hosts.entries[env] = nil
		hosts.free = append(hosts.free, int(env))
	}
}

// defineSlow defines h through wasmtime-go's FuncNew.
func defineSlow(l *wasmtime.Linker, module, name string, pk, rk []byte, h *hostEntry) error {
	vt := func(k []byte) []*wasmtime.ValType {
		t := make([]*wasmtime.ValType, len(k))
		for i, kind := range k {
			t[i] = wasmtime.NewValType(wasmtime.ValKind(kind))
		}
		return t
	}
	return l.FuncNew(module, name, wasmtime.NewFuncType(vt(pk), vt(rk)), func(c *wasmtime.Caller, vals []wasmtime.Val) ([]wasmtime.Val, *wasmtime.Trap) {
		var a Args
		for i, v := range vals {
			if v.Kind() == wasmtime.KindI64 {
				a[i] = uint64(v.I64())
			} else {
				a[i] = uint64(uint32(v.I32()))
			}
		}
		res, msg, trapped := h.call(c, a)
		switch {
		case trapped:
			return nil, wasmtime.NewTrap(msg)
		case len(rk) == 0:
			return nil, nil
		case wasmtime.ValKind(rk[0]) == wasmtime.KindI64:
			return []wasmtime.Val{wasmtime.ValI64(int64(res))}, nil
		}
		return []wasmtime.Val{wasmtime.ValI32(int32(uint32(res)))}, nil
	})
}

// hostSelfTest defines host functions with define on a small module and
// checks what its calls see and get back: i32 and i64 arguments and
// results, the caller's memory, a call back into the guest, and traps from
// an error and from a panic.
func hostSelfTest(define func(l *wasmtime.Linker, module, name string, pk, rk []byte, h *hostEntry) error) error {
	wasm, err := wasmtime.Wat2Wasm(`(module
	  (import "t" "mix" (func $mix (param i32 i64 i32) (result i64)))
	  (import "t" "peek" (func $peek (param i32) (result i32)))
	  (import "t" "fail" (func $fail))
	  (import "t" "panic" (func $panic (param i32)))
	  (memory (export "memory") 1)
	  (data (i32.const 8) "\2a\00\00\00")
	  (func (export "seven") (result i32) i32.const 7)
	  (func (export "mix") (param i32 i64 i32) (result i64) local.get 0 local.get 1 local.get 2 call $mix)
	  (func (export "peek") (param i32) (result i32) local.get 0 call $peek)
	  (func (export "fail") call $fail)
	  (func (export "panic") i32.const 1 call $panic))`)
	if err != nil {
		return err
	}
	engine := wasmtime.NewEngine()
	l := wasmtime.NewLinker(engine)
	defer l.Close()
	fn := func(name, params, results string, f HostFunc) error {
		pk, _ := kinds(params)
		rk, _ := kinds(results)
		return define(l, "t", name, pk, rk, newHostEntry("t."+name, pk, rk, f))
	}
	errs := []error{
		fn("mix", "iIi", "I", func(_ *wasmtime.Caller, a Args) (uint64, error) {
			if a[0] != uint64(uint32(a.I32(0))) || a[2] != uint64(uint32(a.I32(2))) {
				return 0, fmt.Errorf("i32 arguments with high bits set: %#x %#x", a[0], a[2])
			}
			return uint64(int64(a.I32(0))*a.I64(1) + int64(a.I32(2))), nil
		}),
		fn("peek", "i", "i", func(c *wasmtime.Caller, a Args) (uint64, error) {
			mem := c.GetExport("memory").Memory().UnsafeData(c)
			seven, err := c.GetExport("seven").Func().Call(c)
			if err != nil {
				return 0, err
			}
			return uint64(uint32(int32(mem[a.U32(0)]) * seven.(int32))), nil
		}),
		fn("fail", "", "", func(*wasmtime.Caller, Args) (uint64, error) { return 0, errors.New("asked to fail") }),
		fn("panic", "i", "", func(_ *wasmtime.Caller, a Args) (uint64, error) { panic(fmt.Sprint("asked to panic ", a.I32(0))) }),
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	store := wasmtime.NewStore(engine)
	defer store.Close()
	mod, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		return err
	}
	inst, err := l.Instantiate(store, mod)
	if err != nil {
		return err
	}
	if v, err := inst.GetFunc(store, "mix").Call(store, int32(-3), int64(1)<<40, int32(-5)); err != nil || v != -(int64(3)<<40)-5 {
		return fmt.Errorf("mix: %v %v", v, err)
	}
	if v, err := inst.GetFunc(store, "peek").Call(store, int32(8)); err != nil || v != int32(42*7) {
		return fmt.Errorf("peek: %v %v", v, err)
	}
	// wasmtime reports a host function's trap as an error (wasmtime.Error)
	// whose text includes the trap's message.
	if _, err := inst.GetFunc(store, "fail").Call(store); err == nil || !strings.Contains(err.Error(), "asked to fail") {
		return fmt.Errorf("fail: %v", err)
	}
	if _, err := inst.GetFunc(store, "panic").Call(store); err == nil || !strings.Contains(err.Error(), "t.panic failed: asked to panic 1") {
		return fmt.Errorf("panic: %v", err)
	}
	return nil
}
