package wasmbin

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// wat compiles WebAssembly text to a binary module.
func wat(t testing.TB, src string) []byte {
	t.Helper()
	b, err := wasmtime.Wat2Wasm(src)
	if err != nil {
		t.Fatalf("wat2wasm: %v", err)
	}
	return b
}

// parse parses b and checks that an unmodified module encodes back to b.
func parse(t testing.TB, b []byte) *Module {
	t.Helper()
	m, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !bytes.Equal(m.Encode(), b) {
		t.Fatalf("Encode of an unmodified module differs from its input")
	}
	return m
}

// instance compiles b with wasmtime (which validates it) and instantiates
// it without imports.
type instance struct {
	store *wasmtime.Store
	inst  *wasmtime.Instance
}

func instantiate(t testing.TB, b []byte) *instance {
	t.Helper()
	engine := wasmtime.NewEngine()
	mod, err := wasmtime.NewModule(engine, b)
	if err != nil {
		t.Fatalf("wasmtime rejects the module: %v", err)
	}
	store := wasmtime.NewStore(engine)
	inst, err := wasmtime.NewInstance(store, mod, nil)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return &instance{store, inst}
}

// encodeValid encodes m, checks that wasmtime accepts the result and that it
// parses again, and returns it.
func encodeValid(t testing.TB, m *Module) []byte {
	t.Helper()
	b := m.Encode()
	if _, err := wasmtime.NewModule(wasmtime.NewEngine(), b); err != nil {
		t.Fatalf("wasmtime rejects the rewritten module: %v", err)
	}
	if _, err := Parse(b); err != nil {
		t.Fatalf("rewritten module does not parse: %v", err)
	}
	return b
}

func (in *instance) call(t testing.TB, name string, args ...any) (any, error) {
	t.Helper()
	f := in.inst.GetFunc(in.store, name)
	if f == nil {
		t.Fatalf("no exported function %q", name)
	}
	return f.Call(in.store, args...)
}

func (in *instance) mustCall(t testing.TB, name string, args ...any) any {
	t.Helper()
	v, err := in.call(t, name, args...)
	if err != nil {
		t.Fatalf("%s(%v): %v", name, args, err)
	}
	return v
}

// trap returns the wasmtime trap in err, failing the test if there is none.
func trapOf(t testing.TB, err error) *wasmtime.Trap {
	t.Helper()
	var trap *wasmtime.Trap
	if !errors.As(err, &trap) {
		t.Fatalf("want a trap, got %v", err)
	}
	return trap
}
