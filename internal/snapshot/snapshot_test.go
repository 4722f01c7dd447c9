package snapshot

import (
	"errors"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// A module with a C-style stack: rec pushes a 256-byte frame per level.
const stackWAT = `(module
  (memory (export "memory") 1)
  (global $sp (mut i32) (i32.const 4096))
  (data (i32.const 8192) "hello")
  (func (export "init") (i32.store (i32.const 10000) (i32.const 42)))
  (func $rec (export "rec") (param $n i32) (result i32)
    (local $r i32)
    (global.set $sp (i32.sub (global.get $sp) (i32.const 256)))
    (i32.store (global.get $sp) (local.get $n))
    (if (i32.eqz (local.get $n))
      (then (local.set $r (i32.const 0)))
      (else (local.set $r (i32.add (i32.load (global.get $sp))
                                   (call $rec (i32.sub (local.get $n) (i32.const 1)))))))
    (global.set $sp (i32.add (global.get $sp) (i32.const 256)))
    (local.get $r))
  (func (export "sp") (result i32) (global.get $sp))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`

func instantiate(t *testing.T, wasm []byte) (*wasmtime.Store, *wasmtime.Instance) {
	t.Helper()
	eng := wasmtime.NewEngine()
	mod, err := wasmtime.NewModule(eng, wasm)
	if err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(eng)
	inst, err := wasmtime.NewInstance(store, mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	return store, inst
}

func call(t *testing.T, s *wasmtime.Store, inst *wasmtime.Instance, name string, args ...any) (any, error) {
	t.Helper()
	return inst.GetFunc(s, name).Call(s, args...)
}

func TestBuildRelocatesAndGuardsTheStack(t *testing.T) {
	wasm, err := wasmtime.Wat2Wasm(stackWAT)
	if err != nil {
		t.Fatal(err)
	}
	store, inst := instantiate(t, wasm)
	if _, err := call(t, store, inst, "init"); err != nil {
		t.Fatal(err)
	}
	image := append([]byte(nil), inst.GetExport(store, "memory").Memory().UnsafeData(store)...)

	m, err := wasmbin.Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Build(m, image, Options{StackPointer: 0, StackBytes: 2 * PageSize})
	if err != nil {
		t.Fatal(err)
	}
	if l.StackBase != PageSize || l.StackTop != 3*PageSize || l.Pages != 3 {
		t.Fatalf("layout %+v", l)
	}
	store, inst = instantiate(t, m.Encode())
	for addr, want := range map[int32]int32{8192: 0x6c6c6568 /* "hell" */, 10000: 42} {
		if got, err := call(t, store, inst, "load", addr); err != nil || got.(int32) != want {
			t.Errorf("load(%d) = %v, %v; want %#x", addr, got, err, want)
		}
	}
	if sp, _ := call(t, store, inst, "sp"); sp.(int32) != int32(l.StackTop) {
		t.Errorf("stack pointer starts at %v, want %d", sp, l.StackTop)
	}
	// 200 levels of 256 bytes fit in 128 KiB; the stack comes back.
	if got, err := call(t, store, inst, "rec", int32(200)); err != nil || got.(int32) != 200*201/2 {
		t.Fatalf("rec(200) = %v, %v", got, err)
	}
	// 1000 levels do not: the guard traps before anything below the
	// region is written.
	_, err = call(t, store, inst, "rec", int32(1000))
	var trap *wasmtime.Trap
	if !errors.As(err, &trap) {
		t.Fatalf("rec(1000) = %v, want a trap", err)
	}
	if f := trap.Frames(); len(f) == 0 || f[0].FuncIndex() != l.Guard {
		t.Fatalf("the trap's innermost frame is not the guard (%d): %v", l.Guard, err)
	}
	if got, _ := call(t, store, inst, "load", int32(PageSize-4)); got.(int32) != 0 {
		t.Errorf("memory just below the stack was written: %#x", got)
	}
	if got, _ := call(t, store, inst, "load", int32(10000)); got.(int32) != 42 {
		t.Errorf("the captured memory changed: %v", got)
	}
}

func TestBuildRefusesBadInput(t *testing.T) {
	wasm, _ := wasmtime.Wat2Wasm(stackWAT)
	for name, c := range map[string]struct {
		image []byte
		opts  Options
	}{
		"partial page":   {make([]byte, 100), Options{StackBytes: PageSize}},
		"no stack":       {make([]byte, PageSize), Options{}},
		"odd stack":      {make([]byte, PageSize), Options{StackBytes: 100}},
		"no such global": {make([]byte, PageSize), Options{StackPointer: 5, StackBytes: PageSize}},
	} {
		m, _ := wasmbin.Parse(wasm)
		if _, err := Build(m, c.image, c.opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
