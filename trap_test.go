package sandbox

import (
	"strings"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// TestTrapReason raises real traps in tiny modules and checks that the
// one-line error names the cause and a hint, without the backtrace.
func TestTrapReason(t *testing.T) {
	for body, want := range map[string]string{
		"(unreachable)":                        "webassembly trap: wasm `unreachable` instruction executed; the runtime aborted",
		"(drop (i32.load (i32.const 100000)))": "webassembly trap: out of bounds memory access; the runtime's memory was corrupted",
		"(call $r)":                            "webassembly trap: stack overflow: recursion too deep (call stack exhausted); recurse less deeply",
		"(drop (i32.div_s (i32.const 1) (i32.const 0)))": "webassembly trap: integer divide by zero; the runtime failed on an arithmetic error",
	} {
		wasm, err := wasmtime.Wat2Wasm(`(module (memory 1) (func $r ` + body + `) (export "r" (func $r)))`)
		if err != nil {
			t.Fatal(err)
		}
		eng := wasmtime.NewEngine()
		store := wasmtime.NewStore(eng)
		mod, err := wasmtime.NewModule(eng, wasm)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := wasmtime.NewInstance(store, mod, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = inst.GetFunc(store, "r").Call(store)
		if err == nil {
			t.Fatalf("%s did not trap", body)
		}
		got := trapReason(err)
		if !strings.HasPrefix(got, want) || strings.Contains(got, "\n") || strings.Contains(got, "backtrace") {
			t.Errorf("%s: reason %q, want it to start with %q", body, got, want)
		}
	}
}
