package python

import (
	"fmt"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// fastStdio rewrites m so that its writes to stdout and stderr reach the
// engine's fast-output host functions (see internal/engine's stdio.go):
// the sock_send and sock_shutdown import slots are renamed to them, and
// every call of fd_write and fd_close goes through a small dispatcher that
// tries the fast path for descriptors 1 and 2 and otherwise calls WASI.
func fastStdio(m *wasmbin.Module) error {
	i32 := wasmbin.I32
	imports := map[string]wasmbin.FuncType{
		"fd_write":      {Params: []wasmbin.ValType{i32, i32, i32, i32}, Results: []wasmbin.ValType{i32}},
		"fd_close":      {Params: []wasmbin.ValType{i32}, Results: []wasmbin.ValType{i32}},
		"sock_send":     {Params: []wasmbin.ValType{i32, i32, i32, i32, i32}, Results: []wasmbin.ValType{i32}},
		"sock_shutdown": {Params: []wasmbin.ValType{i32, i32}, Results: []wasmbin.ValType{i32}},
	}
	idx := map[string]uint32{}
	for name, want := range imports {
		i, ok := m.FuncIndexOfImport("wasi_snapshot_preview1", name)
		if !ok {
			return recipeErr("%s is not imported", name)
		}
		if t, _ := m.FuncType(i); !t.Equal(want) {
			return recipeErr("%s has type %v, want %v", name, t, want)
		}
		idx[name] = i
	}
	if err := m.RenameImport(idx["sock_send"], engine.StdioModule, engine.StdioWrite); err != nil {
		return err
	}
	if err := m.RenameImport(idx["sock_shutdown"], engine.StdioModule, engine.StdioClose); err != nil {
		return err
	}
	op := func(o wasmbin.Opcode) byte { return byte(o) }
	uleb := func(b []byte, v uint32) []byte { return wasmbin.AppendULEB(b, uint64(v)) }
	const (
		i32Eq  = 0x46
		i32Ne  = 0x47
		i32Or  = 0x72
		opDrop = 0x1a
	)
	magic := []byte{op(wasmbin.OpI32Const), 0x80, 0x84, 0xcd, 0xba, 0x05} // engine.StdioMagic, SLEB128
	// fd is 1 or 2: local.get 0; i32.const 1; i32.eq; local.get 0; i32.const 2; i32.eq; i32.or
	isStdio := []byte{op(wasmbin.OpLocalGet), 0, op(wasmbin.OpI32Const), 1, i32Eq, op(wasmbin.OpLocalGet), 0, op(wasmbin.OpI32Const), 2, i32Eq, i32Or}

	// write(fd, iovs, n, nwritten) -> errno, with local 4 = the fast result
	w := append([]byte(nil), isStdio...)
	w = append(w, op(wasmbin.OpIf), 0x40, op(wasmbin.OpLocalGet), 0, op(wasmbin.OpLocalGet), 1, op(wasmbin.OpLocalGet), 2)
	w = append(w, magic...)
	w = append(w, op(wasmbin.OpLocalGet), 3, op(wasmbin.OpCall))
	w = uleb(w, idx["sock_send"])
	w = append(w, 0x22, 4, op(wasmbin.OpI32Const), engine.StdioDecline, i32Ne, // local.tee 4; i32.const 58; i32.ne
		op(wasmbin.OpIf), 0x40, op(wasmbin.OpLocalGet), 4, 0x0f, op(wasmbin.OpEnd), op(wasmbin.OpEnd), // if local.get 4; return end end
		op(wasmbin.OpLocalGet), 0, op(wasmbin.OpLocalGet), 1, op(wasmbin.OpLocalGet), 2, op(wasmbin.OpLocalGet), 3, op(wasmbin.OpCall))
	w = uleb(w, idx["fd_write"])
	w = append(w, op(wasmbin.OpEnd))
	write, err := m.AddFunction(imports["fd_write"], []wasmbin.LocalGroup{{Count: 1, Type: i32}}, w)
	if err != nil {
		return fmt.Errorf("%w: the write dispatcher: %v", ErrRecipe, err)
	}

	// close(fd) -> errno
	c := append([]byte(nil), isStdio...)
	c = append(c, op(wasmbin.OpIf), 0x40, op(wasmbin.OpLocalGet), 0)
	c = append(c, magic...)
	c = append(c, op(wasmbin.OpCall))
	c = uleb(c, idx["sock_shutdown"])
	c = append(c, opDrop, op(wasmbin.OpEnd), op(wasmbin.OpLocalGet), 0, op(wasmbin.OpCall))
	c = uleb(c, idx["fd_close"])
	c = append(c, op(wasmbin.OpEnd))
	closer, err := m.AddFunction(imports["fd_close"], nil, c)
	if err != nil {
		return fmt.Errorf("%w: the close dispatcher: %v", ErrRecipe, err)
	}

	if n, err := m.RedirectCalls(idx["fd_write"], write, write); err != nil || n == 0 {
		return recipeErr("redirecting fd_write: %d calls, %v", n, err)
	}
	if n, err := m.RedirectCalls(idx["fd_close"], closer, closer); err != nil || n == 0 {
		return recipeErr("redirecting fd_close: %d calls, %v", n, err)
	}
	return nil
}

// hostFiles rewrites m so that its file calls (every fd_*, path_* and
// sock_* function it imports from WASI) are imported from the engine's
// own file system (engine.FSModule) under the same names: an execution of
// the module runs with Spec.HostFS. Run after fastStdio, whose dispatcher
// then falls back to the host's fd_write and fd_close.
func hostFiles(m *wasmbin.Module) error {
	n := 0
	for i := range m.NumImportedFuncs {
		im, ok := m.ImportedFunc(i)
		if !ok || im.Module != "wasi_snapshot_preview1" {
			continue
		}
		if strings.HasPrefix(im.Name, "fd_") || strings.HasPrefix(im.Name, "path_") || strings.HasPrefix(im.Name, "sock_") {
			if err := m.RenameImport(i, engine.FSModule, im.Name); err != nil {
				return fmt.Errorf("%w: %v", ErrRecipe, err)
			}
			n++
		}
	}
	if n == 0 {
		return recipeErr("the module imports no file calls")
	}
	return nil
}
