package python

import (
	"errors"
	"fmt"

	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// The pinned python.wasm has no name section and its DWARF has no code
// addresses, so the functions a snapshot needs are found by their
// structure, and every finding is checked; a module that does not match
// fails loudly (ErrRecipe) instead of producing a snapshot that
// misbehaves.

// ErrRecipe means the Python artifact does not have the structure the
// snapshot recipe relies on.
var ErrRecipe = errors.New("the Python runtime does not match the snapshot recipe")

// funcs are the functions of CPython's command module that the snapshot
// uses, by absolute function index.
type funcs struct {
	// start is _start, which (with main, Py_BytesMain and Py_RunMain
	// inlined) initialises CPython, runs the command line and finalises.
	start uint32
	// runString is PyRun_SimpleStringFlags(const char *, PyCompilerFlags *).
	runString uint32
	// malloc is wasi-libc's malloc.
	malloc uint32
	// finalize is Py_FinalizeEx; finalizeAt is the body offset in _start
	// of its one call there, after the command line has run.
	finalize   uint32
	finalizeAt int
	// stackPointer is the C stack pointer global.
	stackPointer uint32
}

func recipeErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRecipe, fmt.Sprintf(format, args...))
}

var (
	sigPtrPtrToI32 = wasmbin.FuncType{Params: []wasmbin.ValType{wasmbin.I32, wasmbin.I32}, Results: []wasmbin.ValType{wasmbin.I32}}
	sigPtrToI32    = wasmbin.FuncType{Params: []wasmbin.ValType{wasmbin.I32}, Results: []wasmbin.ValType{wasmbin.I32}}
	sigToI32       = wasmbin.FuncType{Results: []wasmbin.ValType{wasmbin.I32}}
)

// identify finds the functions of f in m and checks each finding.
func identify(m *wasmbin.Module) (funcs, error) {
	var f funcs
	e, ok := m.Export("_start")
	if !ok || e.Kind != wasmbin.KindFunc {
		return f, recipeErr("no _start function export")
	}
	f.start = e.Index
	calls, err := m.Calls(f.start)
	if err != nil {
		return f, recipeErr("reading _start: %v", err)
	}

	// PyRun_SimpleStringFlags: the only (i32,i32)->i32 callee of _start
	// that refers to the string "__main__".
	addrs := m.FindData([]byte("__main__\x00"))
	var runs []uint32
	seen := map[uint32]bool{}
	for _, c := range calls {
		if seen[c.Index] || c.Index < m.NumImportedFuncs {
			continue
		}
		seen[c.Index] = true
		if t, err := m.FuncType(c.Index); err != nil || !t.Equal(sigPtrPtrToI32) {
			continue
		}
		for _, a := range addrs {
			refs, err := m.ConstRefs([]uint32{c.Index}, a, a+uint64(len("__main__")))
			if err != nil {
				return f, recipeErr("reading function %d: %v", c.Index, err)
			}
			if len(refs) > 0 {
				runs = append(runs, c.Index)
				break
			}
		}
	}
	if len(runs) != 1 {
		return f, recipeErr(`want one (i32,i32)->i32 callee of _start that refers to "__main__" (PyRun_SimpleStringFlags), found %v`, runs)
	}
	f.runString = runs[0]

	// malloc: the first of the two calls between args_sizes_get and
	// args_get (wasi-libc allocating argv: malloc, then calloc).
	sizes, ok1 := m.FuncIndexOfImport("wasi_snapshot_preview1", "args_sizes_get")
	get, ok2 := m.FuncIndexOfImport("wasi_snapshot_preview1", "args_get")
	if !ok1 || !ok2 {
		return f, recipeErr("args_sizes_get or args_get is not imported")
	}
	var between []uint32
	in := false
	for _, c := range calls {
		switch {
		case c.Index == sizes:
			in = true
		case c.Index == get:
			in = false
		case in:
			between = append(between, c.Index)
		}
	}
	if len(between) != 2 {
		return f, recipeErr("want two calls (malloc, calloc) between args_sizes_get and args_get in _start, found %v", between)
	}
	f.malloc = between[0]
	if t, _ := m.FuncType(f.malloc); !t.Equal(sigPtrToI32) {
		return f, recipeErr("malloc candidate %d has type %v", f.malloc, t)
	}
	// Only malloc may grow memory (through sbrk, its only caller of
	// memory.grow), so nothing but malloc hands out memory above the
	// captured image, where the snapshot puts the stack's neighbours.
	users, err := m.MemoryGrowUsers()
	if err != nil {
		return f, recipeErr("looking for memory.grow: %v", err)
	}
	for _, u := range users {
		callers, err := m.Callers(u.Func)
		if err != nil || len(callers) != 1 || callers[0] != f.malloc || m.TableFuncs()[u.Func] {
			return f, recipeErr("function %d grows memory and is reached other than through malloc (callers %v)", u.Func, callers)
		}
	}

	// Py_FinalizeEx: the ()->i32 callee of _start called exactly once,
	// after PyRun_SimpleStringFlags, whose result is tested against 0
	// (`if (Py_FinalizeEx() < 0) exitcode = 120`).
	ranAt := -1
	for _, c := range calls {
		if c.Index == f.runString {
			ranAt = c.Offset
		}
	}
	fn, err := m.Func(f.start)
	if err != nil {
		return f, recipeErr("reading _start: %v", err)
	}
	var body []wasmbin.Instr
	if err := fn.Walk(func(in *wasmbin.Instr) error { body = append(body, *in); return nil }); err != nil {
		return f, recipeErr("reading _start: %v", err)
	}
	var finals []int
	for i, in := range body {
		if in.Op != wasmbin.OpCall || in.Offset < ranAt || i+5 >= len(body) {
			continue
		}
		if t, _ := m.FuncType(in.Index); !t.Equal(sigToI32) {
			continue
		}
		next := body[i+1 : i+6]
		if next[0].Op == wasmbin.OpI32Const && next[0].Const == 0 && next[1].Op == 0x48 /* i32.lt_s */ && next[2].Op == wasmbin.OpIf &&
			next[4].Op == wasmbin.OpI32Const && next[4].Const == 120 {
			finals = append(finals, i)
		}
	}
	if len(finals) != 1 {
		return f, recipeErr("want one call of Py_FinalizeEx after PyRun_SimpleStringFlags in _start, found %d", len(finals))
	}
	f.finalize, f.finalizeAt = body[finals[0]].Index, body[finals[0]].Offset

	// The C stack pointer: the module's only global, a mutable i32 whose
	// initial value is the top of a stack-first layout.
	if m.NumImportedGlobals != 0 || len(m.Globals) != 1 {
		return f, recipeErr("want one global (the stack pointer), found %d", m.NumGlobals())
	}
	g := m.Globals[0]
	if t, v, ok := g.Init.Const(); !g.Mutable || t != wasmbin.I32 || !ok || v <= 0 {
		return f, recipeErr("global 0 is not a mutable i32 stack pointer")
	}
	f.stackPointer = 0
	return f, nil
}
