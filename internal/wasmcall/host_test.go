package wasmcall

import (
	"errors"
	"runtime"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// Both ways of defining a host function pass the same checks, and the fast
// one is in use with the pinned wasmtime-go.
func TestHostFunctions(t *testing.T) {
	if err := hostSelfTest(defineFast); err != nil {
		t.Fatalf("fast: %v", err)
	}
	if err := hostSelfTest(defineSlow); err != nil {
		t.Fatalf("slow: %v", err)
	}
	if !HostOK() {
		t.Fatal("HostOK is false")
	}
}

// A definition that fails, and one that a shadowing definition replaces,
// give their slots back once: later functions each keep their own.
func TestHostSlots(t *testing.T) {
	wasm, err := wasmtime.Wat2Wasm(`(module
	  (import "t" "a" (func $a (result i32)))
	  (import "t" "b" (func $b (result i32)))
	  (func (export "a") (result i32) call $a)
	  (func (export "b") (result i32) call $b))`)
	if err != nil {
		t.Fatal(err)
	}
	engine := wasmtime.NewEngine()
	constant := func(v uint64) HostFunc { return func(*wasmtime.Caller, Args) (uint64, error) { return v, nil } }
	for range 3 {
		l := wasmtime.NewLinker(engine)
		if err := Define(l, "t", "a", "", "i", constant(9)); err != nil {
			t.Fatal(err)
		}
		if err := Define(l, "t", "a", "", "i", constant(9)); err == nil {
			t.Fatal("a second definition of t.a without shadowing succeeded")
		}
		l.AllowShadowing(true)
		if err := Define(l, "t", "a", "", "i", constant(8)); err != nil {
			t.Fatal(err)
		}
		l.Close()
	}
	runtime.GC() // drop what the closed linkers held
	l := wasmtime.NewLinker(engine)
	defer l.Close()
	if err := errors.Join(Define(l, "t", "a", "", "i", constant(1)), Define(l, "t", "b", "", "i", constant(2))); err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(engine)
	defer store.Close()
	mod, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := l.Instantiate(store, mod)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int32{"a": 1, "b": 2} {
		if v, err := inst.GetFunc(store, name).Call(store); err != nil || v != want {
			t.Errorf("%s() = %v, %v; want %d", name, v, err, want)
		}
	}
	hosts.Lock()
	defer hosts.Unlock()
	seen := map[int]bool{}
	for _, i := range hosts.free {
		if seen[i] || hosts.entries[i] != nil {
			t.Fatalf("slot %d is free twice or free and in use (free list %v)", i, hosts.free)
		}
		seen[i] = true
	}
}
