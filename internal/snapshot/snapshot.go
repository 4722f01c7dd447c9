// Package snapshot turns the memory of an initialised WebAssembly instance
// into a module that starts in that state, the way Wizer does: the memory
// becomes the module's data (split on runs of zeros), the memory minimum
// grows to hold it, and the C stack moves to a region of its own, appended
// above the captured memory, whose every stack-pointer write is checked so
// that an overflow traps instead of running into the heap.
//
// It knows nothing of any particular language runtime: a recipe (see
// internal/python) initialises an instance, hands its memory here, and
// adds the exports it needs.
package snapshot

import (
	"fmt"

	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// PageSize is the WebAssembly page size.
const PageSize = 64 << 10

// zeroRun is the shortest run of zero bytes that splits two data segments.
const zeroRun = 64

// Options says how Build lays out the snapshot.
type Options struct {
	// StackPointer is the index of the C stack pointer global (a mutable
	// i32 that the code decrements to grow the stack).
	StackPointer uint32
	// StackBytes is the size of the relocated stack, a multiple of PageSize.
	StackBytes uint64
}

// Layout says where Build put the stack.
type Layout struct {
	// StackBase and StackTop bound the stack region: the stack pointer
	// starts at StackTop and may never go below StackBase.
	StackBase, StackTop uint64
	// Pages is the new memory minimum, in pages: the captured memory and
	// the stack.
	Pages uint64
	// Guard is the index of the function that checks stack-pointer
	// writes; a trap whose innermost frame is Guard is a stack overflow.
	Guard uint32
}

// Build rewrites m so that a new instance of it starts with memory equal
// to image followed by a zeroed stack region of opts.StackBytes, the stack
// pointer at the top of that region, and every write of the stack pointer
// trapping when it would go below the region. The image must hold whole
// pages. m must not have been instantiated with data other than its own
// (it must be the module image was captured from, or the same module).
//
// Memory that a program allocates later (malloc grows through memory.grow,
// above the memory's current size) lands above the stack region, never in
// it.
func Build(m *wasmbin.Module, image []byte, opts Options) (Layout, error) {
	if len(image)%PageSize != 0 {
		return Layout{}, fmt.Errorf("snapshot: the memory image is %d bytes, not whole pages", len(image))
	}
	if opts.StackBytes == 0 || opts.StackBytes%PageSize != 0 {
		return Layout{}, fmt.Errorf("snapshot: the stack size %d is not a positive number of pages", opts.StackBytes)
	}
	gt, err := m.GlobalType(opts.StackPointer)
	if err != nil {
		return Layout{}, fmt.Errorf("snapshot: stack pointer: %w", err)
	}
	if !gt.Mutable || gt.Type != wasmbin.I32 {
		return Layout{}, fmt.Errorf("snapshot: global %d is not a mutable i32, so it is not a stack pointer", opts.StackPointer)
	}
	base := uint64(len(image))
	top := base + opts.StackBytes
	if top > 1<<32 {
		return Layout{}, fmt.Errorf("snapshot: %d bytes of memory and %d of stack do not fit in 4 GiB", base, opts.StackBytes)
	}
	l := Layout{StackBase: base, StackTop: top, Pages: top / PageSize}
	if err := m.SetMemoryMin(l.Pages); err != nil {
		return Layout{}, fmt.Errorf("snapshot: memory: %w", err)
	}
	if _, err := m.ReplaceData(image, zeroRun); err != nil {
		return Layout{}, fmt.Errorf("snapshot: data: %w", err)
	}
	// The stack grows down from the top; keep it 16-byte aligned.
	if err := m.SetGlobalInit(opts.StackPointer, wasmbin.Value{Type: wasmbin.I32, Bits: top &^ 15}); err != nil {
		return Layout{}, fmt.Errorf("snapshot: stack pointer: %w", err)
	}
	if l.Guard, err = m.GuardGlobalSet(opts.StackPointer, base); err != nil {
		return Layout{}, fmt.Errorf("snapshot: stack guard: %w", err)
	}
	return l, nil
}
