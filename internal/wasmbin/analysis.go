package wasmbin

import (
	"bytes"
	"fmt"
)

// Site is an instruction in a function: Offset is relative to the start of
// the function's body (see Func.Offset for the file offset).
type Site struct {
	Func   uint32
	Offset int
	Op     Opcode
	// Index is the instruction's first index immediate (call target,
	// global index, ...), Const its integer constant (i32/i64.const).
	Index uint32
	Const int64
}

// FileOffset returns the file offset of s in the parsed input.
func (m *Module) FileOffset(s Site) (int, error) {
	f, err := m.Func(s.Func)
	if err != nil {
		return 0, err
	}
	return f.Offset + s.Offset, nil
}

// Find walks every defined function (or, if funcs is non-empty, just
// those) and returns the instructions for which match is true, in function
// and offset order.
func (m *Module) Find(funcs []uint32, match func(*Instr) bool) ([]Site, error) {
	if len(funcs) == 0 {
		funcs = make([]uint32, len(m.Code))
		for i := range funcs {
			funcs[i] = m.NumImportedFuncs + uint32(i)
		}
	}
	var sites []Site
	for _, idx := range funcs {
		f, err := m.Func(idx)
		if err != nil {
			return nil, err
		}
		err = f.Walk(func(in *Instr) error {
			if match(in) {
				sites = append(sites, Site{Func: idx, Offset: in.Offset, Op: in.Op, Index: in.Index, Const: in.Const})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", idx, err)
		}
	}
	return sites, nil
}

// Calls returns the direct calls (call and return_call) in function idx,
// in order. Site.Index is the callee.
func (m *Module) Calls(idx uint32) ([]Site, error) {
	return m.Find([]uint32{idx}, func(in *Instr) bool { return in.Op == OpCall || in.Op == OpReturnCall })
}

// Callers returns the functions with a direct call to target, each once, in
// index order.
func (m *Module) Callers(target uint32) ([]uint32, error) {
	sites, err := m.Find(nil, func(in *Instr) bool {
		return (in.Op == OpCall || in.Op == OpReturnCall) && in.Index == target
	})
	if err != nil {
		return nil, err
	}
	var out []uint32
	for _, s := range sites {
		if len(out) == 0 || out[len(out)-1] != s.Func {
			out = append(out, s.Func)
		}
	}
	return out, nil
}

// GlobalAccesses returns every global.get and global.set of global g.
func (m *Module) GlobalAccesses(g uint32) ([]Site, error) {
	return m.Find(nil, func(in *Instr) bool {
		return (in.Op == OpGlobalGet || in.Op == OpGlobalSet) && in.Index == g
	})
}

// MemoryGrowUsers returns every memory.grow and memory.size instruction.
func (m *Module) MemoryGrowUsers() ([]Site, error) {
	return m.Find(nil, func(in *Instr) bool { return in.Op == OpMemoryGrow || in.Op == OpMemorySize })
}

// TableFuncs returns the set of functions referenced by element segments
// (the functions that can be called indirectly or taken by ref.func).
func (m *Module) TableFuncs() map[uint32]bool {
	out := make(map[uint32]bool)
	for _, e := range m.Elems {
		for _, f := range e.Funcs {
			out[f] = true
		}
	}
	return out
}

// FindData returns the memory addresses at which s occurs in the active
// data segments that have a constant offset. An occurrence that spans two
// segments is not found.
func (m *Module) FindData(s []byte) []uint64 {
	if len(s) == 0 {
		return nil
	}
	var out []uint64
	for i := range m.Data {
		d := &m.Data[i]
		base, ok := d.Address()
		if !ok {
			continue
		}
		for from := 0; ; {
			j := bytes.Index(d.Init[from:], s)
			if j < 0 {
				break
			}
			out = append(out, base+uint64(from+j))
			from += j + 1
		}
	}
	return out
}

// ConstRefs returns every i32.const whose value, read as an unsigned
// address, lies in [lo, hi). This is how code built without PIC refers to
// static data.
func (m *Module) ConstRefs(funcs []uint32, lo, hi uint64) ([]Site, error) {
	return m.Find(funcs, func(in *Instr) bool {
		a := uint64(uint32(in.Const))
		return in.Op == OpI32Const && a >= lo && a < hi
	})
}

// indexSpace returns the size of kind's index space (imported and
// defined items), and false for a kind that has none.
func (m *Module) indexSpace(kind ExternKind) (uint32, bool) {
	switch kind {
	case KindFunc:
		return m.NumFuncs(), true
	case KindTable:
		return m.NumImportedTables + uint32(len(m.Tables)), true
	case KindMemory:
		return m.NumImportedMemories + uint32(len(m.Memories)), true
	case KindGlobal:
		return m.NumGlobals(), true
	}
	return 0, false
}
