package wasmbin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// These tests check what the snapshot work relies on about the pinned
// CPython artifact. They run when the runtime is installed where the CLI
// puts it and skip otherwise. A failure means the artifact is not what the
// snapshot code was written for.

var pythonOnce struct {
	sync.Once
	b   []byte
	m   *Module
	err error
}

func pythonModule(t *testing.T) (*Module, []byte) {
	t.Helper()
	home, err := runtimes.Home("")
	if err != nil {
		t.Skipf("no runtime home: %v", err)
	}
	path := runtimes.Python.Path(home)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("python runtime not installed at %s", path)
	}
	pythonOnce.Do(func() {
		pythonOnce.b, pythonOnce.err = os.ReadFile(path)
		if pythonOnce.err != nil {
			return
		}
		sum := sha256.Sum256(pythonOnce.b)
		if got := hex.EncodeToString(sum[:]); got != runtimes.Python.FileSHA256 {
			pythonOnce.err = &FormatError{Msg: "python.wasm sha256 " + got + " is not the pinned " + runtimes.Python.FileSHA256}
			return
		}
		pythonOnce.m, pythonOnce.err = Parse(pythonOnce.b)
	})
	if pythonOnce.err != nil {
		t.Fatal(pythonOnce.err)
	}
	return pythonOnce.m, pythonOnce.b
}

// Function indices in the pinned python.wasm (absolute: imports included).
// internal/python's recipe finds _start, PyRun_SimpleStringFlags, malloc
// and Py_FinalizeEx by structure, and its tests pin what it finds; the
// tests here record the rest of what the snapshot relies on.
const (
	pyStart          = 43
	pyRunSimpleStr   = 4056
	pyFinalizeEx     = 3970
	pyMalloc         = 11136
	pyFreeStub       = 11137
	pyFree           = 11138
	pyCalloc         = 11139
	pyRealloc        = 11140
	pyMemcpy         = 75
	pySbrk           = 11349
	pyStackPointer   = 0
	pyStackTop       = 524288
	pyFinalizeCallAt = 10402 // body offset of `call Py_FinalizeEx` in _start
)

func TestPythonRoundTrip(t *testing.T) {
	m, b := pythonModule(t)
	if !bytes.Equal(m.Encode(), b) {
		t.Fatal("Encode does not reproduce python.wasm")
	}
}

func TestQuickJSRoundTrip(t *testing.T) {
	home, err := runtimes.Home("")
	if err != nil {
		t.Skip(err)
	}
	b, err := os.ReadFile(runtimes.JavaScript.Path(home))
	if err != nil {
		t.Skipf("quickjs runtime not installed: %v", err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Encode(), b) {
		t.Fatal("Encode does not reproduce quickjs.wasm")
	}
}

func TestPythonFactSections(t *testing.T) {
	m, _ := pythonModule(t)
	if _, ok := m.CustomSection("name"); ok {
		t.Error("python.wasm has a name section")
	}
	var debug []string
	for _, s := range m.Sections {
		if s.ID == SecCustom && strings.HasPrefix(s.Name, ".debug_") {
			debug = append(debug, s.Name)
		}
	}
	if len(debug) == 0 || !contains(debug, ".debug_info") || !contains(debug, ".debug_abbrev") || !contains(debug, ".debug_str") {
		t.Errorf("DWARF sections: %v", debug)
	}
	if m.Start != nil {
		t.Errorf("python.wasm has a start section (function %d)", *m.Start)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func pyCallees(t *testing.T, m *Module) []Site {
	t.Helper()
	calls, err := m.Calls(pyStart)
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

func callsTo(calls []Site, target uint32) []Site {
	var out []Site
	for _, c := range calls {
		if c.Index == target {
			out = append(out, c)
		}
	}
	return out
}

// _start is function 43 and, with main, Py_BytesMain and Py_RunMain inlined,
// calls the WASI argv imports, PyRun_SimpleStringFlags and Py_FinalizeEx
// itself.
func TestPythonFactStart(t *testing.T) {
	m, _ := pythonModule(t)
	e, ok := m.Export("_start")
	if !ok || e.Kind != KindFunc || e.Index != pyStart {
		t.Fatalf("_start export = %+v, %v; want function %d", e, ok, pyStart)
	}
	calls := pyCallees(t, m)
	for _, name := range []string{"args_sizes_get", "args_get", "fd_prestat_get", "fd_prestat_dir_name"} {
		idx, ok := m.FuncIndexOfImport("wasi_snapshot_preview1", name)
		if !ok || len(callsTo(calls, idx)) == 0 {
			t.Errorf("_start does not call the import %s directly", name)
		}
	}
	for _, f := range []uint32{pyRunSimpleStr, pyFinalizeEx} {
		if len(callsTo(calls, f)) != 1 {
			t.Errorf("_start calls function %d %d times, want once", f, len(callsTo(calls, f)))
		}
	}
}

// sbrk is the only user of memory.grow/memory.size; only malloc calls it,
// and it is not in the table.
func TestPythonFactSbrk(t *testing.T) {
	m, _ := pythonModule(t)
	users, err := m.MemoryGrowUsers()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Func != pySbrk {
			t.Errorf("function %d uses %v", u.Func, u.Op)
		}
	}
	if len(users) == 0 {
		t.Error("no memory.grow/memory.size users")
	}
	callers, _ := m.Callers(pySbrk)
	if !equalU32(callers, []uint32{pyMalloc}) {
		t.Errorf("callers of sbrk: %v, want [%d]", callers, pyMalloc)
	}
	if m.TableFuncs()[pySbrk] {
		t.Error("sbrk is in the table (callable indirectly)")
	}
}

// Global 0 is the stack pointer, a mutable i32 initialised to 524288. The
// stack occupies the memory below it (stack-first layout), but data does
// not start at 524288: the data segments are a snapshot (see
// TestPythonFactDataSnapshot) and 27 of them start in the stack region.
func TestPythonFactStackPointer(t *testing.T) {
	m, _ := pythonModule(t)
	if m.NumImportedGlobals != 0 || len(m.Globals) != 1 {
		t.Fatalf("%d imported and %d defined globals, want 0 and 1", m.NumImportedGlobals, len(m.Globals))
	}
	g := m.Globals[pyStackPointer]
	ty, v, ok := g.Init.Const()
	if !g.Mutable || ty != I32 || !ok || v != pyStackTop {
		t.Errorf("global 0: %+v init %v %d", g.GlobalType, ty, v)
	}
	// Bytes below the stack top are initialised by 27 segments, the last of
	// which runs on into the static data at 524288 (the snapshot merged
	// them across a gap of zeros too short to split on). They look like
	// stale stack frames: small integers and pointers into the data.
	lowest, below, belowBytes := uint64(1<<63), 0, uint64(0)
	for i := range m.Data {
		a, ok := m.Data[i].Address()
		if !ok {
			t.Fatalf("data segment %d has no constant address", i)
		}
		lowest = min(lowest, a)
		if a < pyStackTop {
			below++
			belowBytes += min(uint64(len(m.Data[i].Init)), pyStackTop-a)
		}
	}
	if lowest != 522132 || below != 27 {
		t.Errorf("lowest data address %d, %d segments (%d bytes) below %d; want 522132 and 27", lowest, below, belowBytes, pyStackTop)
	}
	t.Logf("%d data segments start below the stack top, initialising %d bytes of the stack region", below, belowBytes)
	// The stack pointer is written all over the code (function prologues
	// and epilogues); no other global exists.
	acc, _ := m.GlobalAccesses(pyStackPointer)
	if len(acc) < 1000 {
		t.Errorf("only %d accesses of the stack pointer", len(acc))
	}
}

// The data section looks like a memory snapshot (wasi-vfs packs the
// standard library with Wizer): thousands of segments reaching the end of
// the initial memory.
func TestPythonFactDataSnapshot(t *testing.T) {
	m, _ := pythonModule(t)
	end := uint64(0)
	for i := range m.Data {
		a, _ := m.Data[i].Address()
		end = max(end, a+uint64(len(m.Data[i].Init)))
	}
	if len(m.Data) != 24171 || len(m.Memories) != 1 || m.Memories[0].Min != 160 || m.Memories[0].HasMax || end != 10485709 {
		t.Errorf("%d data segments ending at %d, memory %+v", len(m.Data), end, m.Memories)
	}
	if _, ok := m.Export("wasi_vfs_pack_fs"); !ok {
		t.Error("no wasi_vfs_pack_fs export")
	}
	if m.DataCount != nil {
		t.Error("python.wasm has a data count section")
	}
}

// free is identified structurally: a (i32)->() function that calls nothing,
// shares malloc's static state addresses, is called by realloc after malloc
// and memcpy, sits between malloc and calloc in index order (dlmalloc.c
// defines malloc, free, calloc, realloc in that order), and has a one-call
// forwarding stub in the table.
func TestPythonFactFree(t *testing.T) {
	m, _ := pythonModule(t)
	ft, _ := m.FuncType(pyFree)
	if !ft.Equal(FuncType{Params: []ValType{I32}}) {
		t.Errorf("free type %v", ft)
	}
	if calls, _ := m.Calls(pyFree); len(calls) != 0 {
		t.Errorf("free calls %d functions", len(calls))
	}
	statics := func(f uint32) map[uint64]bool {
		out := map[uint64]bool{}
		fn, _ := m.Func(f)
		fn.Walk(func(in *Instr) error {
			if in.Op == OpI32Const && uint32(in.Const) >= pyStackTop {
				out[uint64(uint32(in.Const))] = true
			}
			if in.Op >= 0x28 && in.Op <= 0x3e && in.Mem.Offset >= pyStackTop {
				out[in.Mem.Offset] = true
			}
			return nil
		})
		return out
	}
	ms, fs := statics(pyMalloc), statics(pyFree)
	shared := 0
	for a := range fs {
		if ms[a] {
			shared++
		}
	}
	if shared < 10 {
		t.Errorf("free shares %d static addresses with malloc, want >= 10", shared)
	}
	var rc []uint32
	calls, _ := m.Calls(pyRealloc)
	for _, c := range calls {
		rc = append(rc, c.Index)
	}
	if !equalU32(rc, []uint32{pyMalloc, 11141, 11141, pyMalloc, pyMemcpy, pyFree}) {
		t.Errorf("realloc calls %v", rc)
	}
	stub, _ := m.Func(pyFreeStub)
	if calls, _ := m.Calls(pyFreeStub); len(calls) != 1 || calls[0].Index != pyFree || len(stub.Body) != 7 || !m.TableFuncs()[pyFreeStub] {
		t.Errorf("function %d is not a table stub forwarding to free: calls %+v, body %d bytes", pyFreeStub, calls, len(stub.Body))
	}
	callers, _ := m.Callers(pyFree)
	if len(callers) < 30 {
		t.Errorf("free has %d callers", len(callers))
	}
}
