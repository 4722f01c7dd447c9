package wasmbin

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// TestPythonRewritesRun applies the snapshot rewrites to the real
// python.wasm — a stack-pointer guard, data rebuilt from a memory image, and
// unreachable in place of the call to Py_FinalizeEx — and runs it: the
// program's output appears, then it traps where the call was. Compiling the
// module takes a few seconds (Cranelift without optimisation), so -short
// skips it.
func TestPythonRewritesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles python.wasm")
	}
	// Work on a private copy: the shared module must stay unmodified.
	orig, _ := pythonModule(t)
	m, err := Parse(orig.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.GuardGlobalSet(pyStackPointer, 8192); err != nil {
		t.Fatal(err)
	}
	image := make([]byte, m.Memories[0].Min*65536)
	for i := range m.Data {
		a, _ := m.Data[i].Address()
		copy(image[a:], m.Data[i].Init)
	}
	n, err := m.ReplaceData(image, 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d data segments rebuilt as %d", len(orig.Data), n)
	b := m.Encode()
	// The guard made bodies longer, so find the call again.
	m, err = Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	sites := callsTo(pyCallees(t, m), pyFinalizeEx)
	if len(sites) != 1 {
		t.Fatalf("%d calls of Py_FinalizeEx in _start", len(sites))
	}
	if err := m.ReplaceWithUnreachable(pyStart, sites[0].Offset); err != nil {
		t.Fatal(err)
	}
	fileOff, _ := m.FileOffset(sites[0])
	b = m.Encode()

	cfg := wasmtime.NewConfig()
	cfg.SetCraneliftOptLevel(wasmtime.OptLevelNone)
	engine := wasmtime.NewEngineWithConfig(cfg)
	mod, err := wasmtime.NewModule(engine, b)
	if err != nil {
		t.Fatalf("wasmtime rejects the rewritten python.wasm: %v", err)
	}
	store := wasmtime.NewStore(engine)
	linker := wasmtime.NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		t.Fatal(err)
	}
	wc := wasmtime.NewWasiConfig()
	wc.SetArgv([]string{"python", "-I", "-u", "-c", "print(6*7)"})
	out := filepath.Join(t.TempDir(), "stdout")
	if err := wc.SetStdoutFile(out); err != nil {
		t.Fatal(err)
	}
	store.SetWasi(wc)
	inst, err := linker.Instantiate(store, mod)
	if err != nil {
		t.Fatal(err)
	}
	_, err = inst.GetFunc(store, "_start").Call(store)
	stdout, _ := os.ReadFile(out)
	if string(stdout) != "42\n" {
		t.Errorf("stdout %q, want \"42\\n\"", stdout)
	}
	fr := trapOf(t, err).Frames()[0]
	if fr.FuncIndex() != pyStart || int(fr.FuncOffset()) != sites[0].Offset || int(fr.ModuleOffset()) != fileOff {
		t.Errorf("trap at func %d offset %d (file %#x), want func %d offset %d (file %#x)",
			fr.FuncIndex(), fr.FuncOffset(), fr.ModuleOffset(), pyStart, sites[0].Offset, fileOff)
	}
}
