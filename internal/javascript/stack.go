package javascript

import (
	"fmt"

	"github.com/wasmsandbox/sandbox/internal/quickjs"
	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// The QuickJS module as shipped keeps its C (shadow) stack in the first
// MiB of linear memory, below its data, which allows about 4,000 nested
// JavaScript calls. BuildModule moves the stack to a region of StackBytes
// above the module's initial memory, so that QuickJS's limit can be
// MaxStackSize: a plain recursive function then reaches about 12,000
// frames (Node 20: about 10,500), and recursion past that is
// "RangeError: Maximum call stack size exceeded".

// Transform names BuildModule's recipe; change it whenever its output
// changes, so that a cached build of the old recipe is not used.
const Transform = "quickjs-stack/1"

const (
	// StackBytes is the size of the relocated stack.
	StackBytes = 4 << 20
	// MaxStackSize is QuickJS's stack limit (JS_SetMaxStackSize) on the
	// relocated stack: three quarters of it, the rest for C code that does
	// not check. A JavaScript frame takes 3 to 4 times as much native wasm
	// stack, so the engine's max wasm stack must be at least 4 times this.
	MaxStackSize = StackBytes * 3 / 4
)

// stackPointer is the index of __stack_pointer in quickjs.wasm.
const stackPointer = "__stack_pointer"

// BuildModule returns quickjs.wasm (wasm) with its stack moved: the memory
// minimum grows by StackBytes, the stack pointer starts at the top of the
// added region, every write of it traps ("unreachable" in an added
// function) when it would go below the region, so an overflow never runs
// into the data or the heap, and the region's base is exported as
// quickjs.StackBaseExport. The heap is unaffected: the allocator takes
// memory from the end of linear memory (memory.grow), above the region.
func BuildModule(wasm []byte) ([]byte, error) {
	m, err := wasmbin.Parse(wasm)
	if err != nil {
		return nil, fmt.Errorf("reading quickjs.wasm: %w", err)
	}
	exp, ok := m.Export(stackPointer)
	if !ok || exp.Kind != wasmbin.KindGlobal {
		return nil, fmt.Errorf("quickjs.wasm exports no %s global", stackPointer)
	}
	gt, err := m.GlobalType(exp.Index)
	if err != nil || !gt.Mutable || gt.Type != wasmbin.I32 {
		return nil, fmt.Errorf("quickjs.wasm's %s is not a mutable i32", stackPointer)
	}
	if len(m.Memories) != 1 {
		return nil, fmt.Errorf("quickjs.wasm defines %d memories, want 1", len(m.Memories))
	}
	base := m.Memories[0].Min * 64 << 10
	top := base + StackBytes
	if err := m.SetMemoryMin(top / (64 << 10)); err != nil {
		return nil, err
	}
	if err := m.SetGlobalInit(exp.Index, wasmbin.Value{Type: wasmbin.I32, Bits: top}); err != nil {
		return nil, err
	}
	if _, err := m.GuardGlobalSet(exp.Index, base); err != nil {
		return nil, err
	}
	g, err := m.AddGlobal(wasmbin.Value{Type: wasmbin.I32, Bits: base}, false)
	if err != nil {
		return nil, err
	}
	if err := m.AddExport(quickjs.StackBaseExport, wasmbin.KindGlobal, g); err != nil {
		return nil, err
	}
	return m.Encode(), nil
}
