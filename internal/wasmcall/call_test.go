package wasmcall

import (
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// The self-test passes with the pinned wasmtime-go, so Export is in use.
func TestFastCallWorksHere(t *testing.T) {
	if err := selfTest(); err != nil {
		t.Fatal(err)
	}
	if !FastCallOK() {
		t.Fatal("FastCallOK is false")
	}
}

// The cost of one call of a tiny export, the way the JavaScript runtime's
// host functions call QuickJS's small helpers, against Func.Call.
func BenchmarkExportCall(b *testing.B) {
	store, f := benchExport(b)
	e, err := NewExport(store, f)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if v, err := e.Call(store, int32(1), int32(2)); err != nil || v != 3 {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkFuncCall(b *testing.B) {
	store, f := benchExport(b)
	for b.Loop() {
		if _, err := f.Call(store, int32(1), int32(2)); err != nil {
			b.Fatal(err)
		}
	}
}

func benchExport(b *testing.B) (*wasmtime.Store, *wasmtime.Func) {
	wasm, err := wasmtime.Wat2Wasm(`(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`)
	if err != nil {
		b.Fatal(err)
	}
	store := wasmtime.NewStore(wasmtime.NewEngine())
	b.Cleanup(store.Close)
	mod, err := wasmtime.NewModule(store.Engine, wasm)
	if err != nil {
		b.Fatal(err)
	}
	inst, err := wasmtime.NewInstance(store, mod, nil)
	if err != nil {
		b.Fatal(err)
	}
	return store, inst.GetFunc(store, "add")
}
