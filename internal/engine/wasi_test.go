package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// callHostile instantiates a tiny module on the shared linker that calls a
// WASI function with the given arguments, the way a guest that controls its
// own memory could, and returns its errno.
func callHostile(t *testing.T, fn, sig string, args ...int64) (int32, error) {
	return callHostileWAT(t, fn, sig, i32Args(args...))
}

func i32Args(args ...int64) string {
	s := ""
	for _, a := range args {
		s += fmt.Sprintf(" (i32.const %d)", int32(a))
	}
	return s
}

// callHostileWAT is callHostile with the call's arguments written in WAT.
func callHostileWAT(t *testing.T, fn, sig, params string) (int32, error) {
	t.Helper()
	eng, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	wat := fmt.Sprintf(`(module
	  (import "wasi_snapshot_preview1" %q (func $f %s))
	  (memory (export "memory") 1)
	  (func (export "run") (result i32) (call $f%s)))`, fn, sig, params)
	wasm, err := wasmtime.Wat2Wasm(wat)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := wasmtime.NewModule(eng.wt, wasm)
	if err != nil {
		t.Fatal(err)
	}
	x := &Execution{Ctx: context.Background(), Deadline: time.Now().Add(5 * time.Second)}
	store, inst := testInstance(t, eng, x, mod)
	r, err := inst.GetFunc(store, "run").Call(store)
	if err != nil {
		return 0, err
	}
	return r.(int32), nil
}

func TestPollOneoffRejectsHostileArguments(t *testing.T) {
	const sig = "(param i32 i32 i32 i32) (result i32)"
	for name, c := range map[string]struct {
		in, out, nsubs, nevents int64
		want                    int32
	}{
		"huge count":                {0, 0, 1 << 28, 0, errnoInval},
		"count that wraps 32 bits":  {65520, 0, 178956971, 0, errnoInval},
		"negative count":            {0, 0, -1, 0, errnoInval},
		"zero count":                {0, 0, 0, 0, errnoInval},
		"subscriptions past memory": {65500, 0, 1, 0, errnoFault},
		"events past memory":        {0, 65530, 1, 0, errnoFault},
		"nevents past memory":       {0, 100, 1, 65534, errnoFault},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := callHostile(t, "poll_oneoff", sig, c.in, c.out, c.nsubs, c.nevents)
			if err != nil || got != c.want {
				t.Fatalf("errno %d, err %v; want errno %d", got, err, c.want)
			}
		})
	}
}

func TestClockTimeGetRejectsHostileArguments(t *testing.T) {
	const sig = "(param i32 i64 i32) (result i32)"
	got, err := callHostileWAT(t, "clock_time_get", sig, "(i32.const 1) (i64.const 0) (i32.const 65535)")
	if err != nil || got != errnoFault {
		t.Fatalf("errno %d, err %v", got, err)
	}
}

func TestRandomGetRejectsHostileArguments(t *testing.T) {
	const sig = "(param i32 i32) (result i32)"
	for name, c := range map[string]struct {
		buf, n int64
		want   int32
	}{
		"past memory":      {65530, 10, errnoFault},
		"huge length":      {0, -1, errnoFault},
		"inside memory":    {0, 65536, errnoSuccess},
		"empty at the end": {65536, 0, errnoSuccess},
		"one past the end": {65536, 1, errnoFault},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := callHostile(t, "random_get", sig, c.buf, c.n)
			if err != nil || got != c.want {
				t.Fatalf("errno %d, err %v; want errno %d", got, err, c.want)
			}
		})
	}
}

func TestFixedRandomIsFixed(t *testing.T) {
	a, b := make([]byte, 100), make([]byte, 100)
	fixedRandom(a)
	fixedRandom(b)
	if string(a) != string(b) || string(a[:32]) == string(a[32:64]) {
		t.Fatalf("fixed stream is not a fixed, varying stream: %x", a)
	}
}

// testInstance instantiates mod on the shared linker in a store for x with
// plenty of fuel and no deadline; the store is closed when the test ends.
func testInstance(t *testing.T, eng *Engine, x *Execution, mod *wasmtime.Module) (*wasmtime.Store, *wasmtime.Instance) {
	t.Helper()
	store := wasmtime.NewStoreWithData(eng.wt, x)
	t.Cleanup(store.Close)
	store.SetWasi(wasmtime.NewWasiConfig())
	if err := store.SetFuel(1 << 30); err != nil {
		t.Fatal(err)
	}
	store.SetEpochDeadline(1 << 62)
	inst, err := eng.linker.Instantiate(store, mod)
	if err != nil {
		t.Fatal(err)
	}
	return store, inst
}
