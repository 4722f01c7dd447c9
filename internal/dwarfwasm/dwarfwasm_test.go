package dwarfwasm

import (
	"debug/dwarf"
	"encoding/binary"
	"os"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

func python(t *testing.T) (*wasmbin.Module, *dwarf.Data) {
	t.Helper()
	home, err := runtimes.Home("")
	if err != nil {
		t.Skip(err)
	}
	b, err := os.ReadFile(runtimes.Python.Path(home))
	if err != nil {
		t.Skipf("python runtime not installed: %v", err)
	}
	m, err := wasmbin.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, d
}

// memory returns the initial contents of linear memory (the active data
// segments laid out at their addresses).
func memory(t *testing.T, m *wasmbin.Module) []byte {
	img := make([]byte, m.Memories[0].Min*65536)
	for i := range m.Data {
		a, ok := m.Data[i].Address()
		if !ok {
			t.Fatalf("segment %d has no constant address", i)
		}
		copy(img[a:], m.Data[i].Init)
	}
	return img
}

func member(t *testing.T, typ dwarf.Type, path string) (int64, dwarf.Type) {
	t.Helper()
	off, ft, err := Member(typ, path)
	if err != nil {
		t.Fatal(err)
	}
	return off, ft
}

func deref(t *testing.T, typ dwarf.Type) dwarf.Type {
	t.Helper()
	d, err := Deref(typ)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPythonRuntimeLayout finds _PyRuntime and the members on the path to
// the recursion counters, and checks them against the memory image: the
// static initialiser sets _PyRuntime._main_interpreter.ceval.recursion_limit
// to Py_DEFAULT_RECURSION_LIMIT (1000).
func TestPythonRuntimeLayout(t *testing.T) {
	m, d := python(t)
	addr, rt, err := Variable(d, "_PyRuntime")
	if err != nil {
		t.Fatal(err)
	}
	if addr != 0x3a5888 {
		t.Errorf("_PyRuntime at %#x, want 0x3a5888", addr)
	}
	mainOff, mainType := member(t, rt, "interpreters.main")
	interp := deref(t, mainType)
	headOff, headType := member(t, interp, "threads.head")
	tstate := deref(t, headType)
	cRem, _ := member(t, tstate, "c_recursion_remaining")
	pyRem, _ := member(t, tstate, "py_recursion_remaining")
	pyLim, _ := member(t, tstate, "py_recursion_limit")
	cevalLim, _ := member(t, interp, "ceval.recursion_limit")
	mainInterp, _ := member(t, rt, "_main_interpreter")
	t.Logf("_PyRuntime=%#x interpreters.main=+%d; PyInterpreterState(%s): threads.head=+%d ceval.recursion_limit=+%d; PyThreadState(%s): py_recursion_remaining=+%d py_recursion_limit=+%d c_recursion_remaining=+%d; _main_interpreter=+%d",
		addr, mainOff, interp, headOff, cevalLim, tstate, pyRem, pyLim, cRem, mainInterp)
	want := map[string][2]int64{
		"interpreters.main":      {mainOff, 32},
		"threads.head":           {headOff, 64},
		"ceval.recursion_limit":  {cevalLim, 244},
		"py_recursion_remaining": {pyRem, 16},
		"py_recursion_limit":     {pyLim, 20},
		"c_recursion_remaining":  {cRem, 24},
		"_main_interpreter":      {mainInterp, 42504},
	}
	for name, v := range want {
		if v[0] != v[1] {
			t.Errorf("offset of %s is %d, want %d", name, v[0], v[1])
		}
	}
	img := memory(t, m)
	at := addr + uint64(mainInterp) + uint64(cevalLim)
	if v := binary.LittleEndian.Uint32(img[at:]); v != 1000 {
		t.Errorf("_PyRuntime._main_interpreter.ceval.recursion_limit in the data is %d, want 1000", v)
	}
}

func TestErrors(t *testing.T) {
	_, d := python(t)
	if _, _, err := Variable(d, "no_such_variable_xyz"); err == nil {
		t.Error("Variable found a variable that does not exist")
	}
	_, rt, err := Variable(d, "_PyRuntime")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Member(rt, "interpreters.nope"); err == nil {
		t.Error("Member found a member that does not exist")
	}
	if _, _, err := Member(rt, "interpreters.main.threads"); err == nil {
		t.Error("Member went through a pointer")
	}
	if _, err := Deref(rt); err == nil {
		t.Error("Deref of a struct succeeded")
	}
	m, err := wasmbin.Parse([]byte("\x00asm\x01\x00\x00\x00"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(m); err == nil {
		t.Error("Load of a module without DWARF succeeded")
	}
}

// TestPythonCodeAddressesZeroed records that the artifact's DWARF cannot map
// code to functions: every subprogram's low_pc is 0 (the code ranges were
// dropped when the module was post-processed), so function indices have to
// be found structurally (see wasmbin's python facts).
func TestPythonCodeAddressesZeroed(t *testing.T) {
	_, d := python(t)
	r := d.Reader()
	withPC, nonZero := 0, 0
	for {
		e, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagSubprogram {
			continue
		}
		if pc, ok := e.Val(dwarf.AttrLowpc).(uint64); ok {
			withPC++
			if pc != 0 {
				nonZero++
			}
		}
	}
	if withPC == 0 || nonZero != 0 {
		t.Errorf("%d subprograms with low_pc, %d of them non-zero; want all zero", withPC, nonZero)
	}
	t.Logf("%d subprograms with low_pc, all zero", withPC)
}

// The layout of CPython's buffered I/O object, which the host reads to
// recover a snapshot's unflushed stdout.
func TestPythonBufferedLayout(t *testing.T) {
	_, d := python(t)
	st, err := Typedef(d, "buffered")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int64{"buffer": 48, "write_pos": 80, "write_end": 88, "buffer_size": 104} {
		if off, _ := member(t, st, name); off != want {
			t.Errorf("buffered.%s at %d, want %d", name, off, want)
		}
	}
	if _, err := Typedef(d, "no_such_typedef_xyz"); err == nil {
		t.Error("Typedef found a typedef that does not exist")
	}
}
