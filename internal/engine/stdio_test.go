package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// TestStdioWrite calls the fast-output host functions the way a derived
// module (or a hostile one) can.
func TestStdioWrite(t *testing.T) {
	eng, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := wasmtime.Wat2Wasm(fmt.Sprintf(`(module
	  (import %q %q (func $w (param i32 i32 i32 i32 i32) (result i32)))
	  (import %q %q (func $c (param i32 i32) (result i32)))
	  (memory (export "memory") 1)
	  ;; two iovecs at 0: "hello " (at 100) and "world" (at 200)
	  (data (i32.const 0) "\64\00\00\00\06\00\00\00\c8\00\00\00\05\00\00\00")
	  (data (i32.const 100) "hello ")
	  (data (i32.const 200) "world")
	  (func (export "write") (param i32 i32 i32 i32 i32) (result i32)
	    (call $w (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
	  (func (export "close") (param i32 i32) (result i32) (call $c (local.get 0) (local.get 1)))
	  (func (export "count") (result i32) (i32.load (i32.const 300))))`,
		StdioModule, StdioWrite, StdioModule, StdioClose))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := wasmtime.NewModule(eng.wt, wasm)
	if err != nil {
		t.Fatal(err)
	}
	x := NewExecution(context.Background(), Spec{Timeout: 5 * time.Second, StdoutMax: 8, StderrMax: 100})
	store, inst := testInstance(t, eng, x, mod)
	call := func(name string, args ...any) int32 {
		t.Helper()
		r, err := inst.GetFunc(store, name).Call(store, args...)
		if err != nil {
			t.Fatalf("%s%v: %v", name, args, err)
		}
		return r.(int32)
	}
	const magic = int32(StdioMagic)
	for _, c := range []struct {
		fd, iovs, n, flags, nw int32
		want                   int32
	}{
		{1, 0, 2, magic, 300, errnoSuccess},
		{2, 0, 1, magic, 300, errnoSuccess},
		{1, 0, 2, 0, 300, errnoNotsock},         // a socket call, not ours
		{3, 0, 2, magic, 300, StdioDecline},     // another descriptor: WASI's
		{1, 65530, 2, magic, 300, errnoFault},   // iovecs past memory
		{1, 0, 2, magic, 65534, errnoFault},     // count past memory
		{1, 0, -1, magic, 300, errnoInval},      // negative count
		{1, 0, 1 << 20, magic, 300, errnoInval}, // too many iovecs
	} {
		if got := call("write", c.fd, c.iovs, c.n, c.flags, c.nw); got != c.want {
			t.Errorf("write%v = %d, want %d", c, got, c.want)
		}
	}
	if got := call("count"); got != 6 {
		t.Errorf("count = %d, want 6 (the last successful write)", got)
	}
	if got := call("close", 1, 0); got != errnoNotsock {
		t.Errorf("close without magic = %d", got)
	}
	if got := call("close", 1, magic); got != errnoSuccess {
		t.Errorf("close = %d", got)
	}
	if got := call("write", 1, 0, 2, magic, 300); got != StdioDecline {
		t.Errorf("write after close = %d, want %d (WASI's)", got, StdioDecline)
	}
	out, cut := x.Stdout.Result()
	errOut, _ := x.Stderr.Result()
	if out != "hello wo" || !cut || errOut != "hello " {
		t.Errorf("stdout %q (truncated %v), stderr %q", out, cut, errOut)
	}
}
