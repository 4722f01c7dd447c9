package wasmbin

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// edit replaces the instruction at body offset off, n bytes long, with code.
type edit struct {
	off, n int
	code   []byte
}

// editBody applies edits (sorted by offset, not overlapping) to function
// idx. A replacement shorter than the instruction is padded with nop, so
// the body keeps its length and every other offset keeps its meaning; a
// longer one makes the body grow. The body is copied, never changed in
// place (it may alias the parsed input).
func (m *Module) editBody(idx uint32, edits []edit) error {
	f, err := m.Func(idx)
	if err != nil {
		return err
	}
	var out []byte
	pos := 0
	for _, e := range edits {
		if e.off < pos || e.off+e.n > len(f.Body) {
			return fmt.Errorf("wasm: function %d: bad edit at offset %d", idx, e.off)
		}
		out = append(out, f.Body[pos:e.off]...)
		out = append(out, e.code...)
		for i := len(e.code); i < e.n; i++ {
			out = append(out, byte(OpNop))
		}
		pos = e.off + e.n
	}
	out = append(out, f.Body[pos:]...)
	f.Body = out
	m.touch(SecCode)
	return nil
}

// instrAt returns the instruction of function idx that starts at body
// offset off.
func (m *Module) instrAt(idx uint32, off int) (Instr, error) {
	f, err := m.Func(idx)
	if err != nil {
		return Instr{}, err
	}
	var found Instr
	ok := false
	errStop := errors.New("stop")
	err = f.Walk(func(in *Instr) error {
		if in.Offset == off {
			found, ok = *in, true
			return errStop
		}
		if in.Offset > off {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return Instr{}, err
	}
	if !ok {
		return Instr{}, fmt.Errorf("wasm: function %d has no instruction starting at body offset %d", idx, off)
	}
	return found, nil
}

// ReplaceWithUnreachable replaces the instruction of function idx that
// starts at body offset off (for instance a call) with unreachable,
// followed by nop padding up to the instruction's length. The body keeps
// its size, so no offset anywhere in the module moves. Structured control
// instructions (block, loop, if, else, end) cannot be replaced.
func (m *Module) ReplaceWithUnreachable(idx uint32, off int) error {
	in, err := m.instrAt(idx, off)
	if err != nil {
		return err
	}
	switch in.Op {
	case OpBlock, OpLoop, OpIf, OpElse, OpEnd:
		return fmt.Errorf("wasm: function %d offset %d: will not replace a structured control instruction (%v)", idx, off, in.Op)
	}
	return m.editBody(idx, []edit{{off: off, n: in.Len, code: []byte{byte(OpUnreachable)}}})
}

// typeIndex returns the index of type t, adding it to the type section if
// the module has no such type.
func (m *Module) typeIndex(t FuncType) uint32 {
	for i, u := range m.Types {
		if u.Equal(t) {
			return uint32(i)
		}
	}
	m.Types = append(m.Types, FuncType{Params: slices.Clone(t.Params), Results: slices.Clone(t.Results)})
	m.touch(SecType)
	return uint32(len(m.Types) - 1)
}

// AddFunction appends a function with signature t, the given local
// declarations and instructions (code must end with the end opcode), and
// returns its index. It goes at the end of the function index space, so no
// existing index changes.
func (m *Module) AddFunction(t FuncType, locals []LocalGroup, code []byte) (uint32, error) {
	if len(code) == 0 || code[len(code)-1] != byte(OpEnd) {
		return 0, errors.New("wasm: function code must end with end")
	}
	if n, err := exprLen(code, 0); err != nil || n != len(code) {
		return 0, fmt.Errorf("wasm: malformed function code (%v)", err)
	}
	ti := m.typeIndex(t)
	body := appendULEB(nil, uint64(len(locals)))
	for _, l := range locals {
		body = appendULEB(body, uint64(l.Count))
		body = append(body, byte(l.Type))
	}
	exprStart := len(body)
	body = append(body, code...)
	m.Funcs = append(m.Funcs, ti)
	m.Code = append(m.Code, Func{Locals: slices.Clone(locals), Body: body, ExprStart: exprStart, Offset: -1})
	m.touch(SecFunction)
	m.touch(SecCode)
	return m.NumFuncs() - 1, nil
}

// GuardGlobalSet checks every write of global g, which must be a mutable
// i32 or i64 (a C stack pointer), against lowerBound: right after each
// global.set g, inline code compares the new value with lowerBound
// (unsigned) and, when it is below, calls an added function that executes
// unreachable. The added function is the last in the function index space
// (no existing index moves) and its index is returned, so a trap whose
// innermost frame is that function is a guard failure. The check runs
// before anything can be stored through the new value, and costs no call
// on the path where it passes. Bodies grow, so body offsets after a
// guarded write move: parse the result again before using offsets.
func (m *Module) GuardGlobalSet(g uint32, lowerBound uint64) (uint32, error) {
	gt, err := m.GlobalType(g)
	if err != nil {
		return 0, err
	}
	if !gt.Mutable {
		return 0, fmt.Errorf("wasm: global %d is immutable", g)
	}
	var bound []byte
	var lt Opcode
	switch gt.Type {
	case I32:
		if lowerBound > math.MaxUint32 {
			return 0, fmt.Errorf("wasm: lower bound %d does not fit in i32", lowerBound)
		}
		bound, lt = appendSLEB([]byte{byte(OpI32Const)}, int64(int32(uint32(lowerBound)))), OpI32LtU
	case I64:
		bound, lt = appendSLEB([]byte{byte(OpI64Const)}, int64(lowerBound)), OpI64LtU
	default:
		return 0, fmt.Errorf("wasm: global %d has type %v, want i32 or i64", g, gt.Type)
	}
	sites, err := m.Find(nil, func(in *Instr) bool { return in.Op == OpGlobalSet && in.Index == g })
	if err != nil {
		return 0, err
	}
	fail, err := m.AddFunction(FuncType{}, nil, []byte{byte(OpUnreachable), byte(OpEnd)})
	if err != nil {
		return 0, err
	}
	// global.set g; global.get g; bound; lt_u; if; call fail; end
	idx := appendULEB(nil, uint64(g))
	check := append([]byte{byte(OpGlobalGet)}, idx...)
	check = append(check, bound...)
	check = append(check, byte(lt), byte(OpIf), 0x40, byte(OpCall))
	check = appendULEB(check, uint64(fail))
	check = append(check, byte(OpEnd))
	for i := 0; i < len(sites); {
		j := i
		var edits []edit
		for ; j < len(sites) && sites[j].Func == sites[i].Func; j++ {
			n := m.instrLen(sites[j], 1+len(idx))
			f, _ := m.Func(sites[j].Func)
			set := append(append([]byte(nil), f.Body[sites[j].Offset:sites[j].Offset+n]...), check...)
			edits = append(edits, edit{off: sites[j].Offset, n: n, code: set})
		}
		if err := m.editBody(sites[i].Func, edits); err != nil {
			return 0, err
		}
		i = j
	}
	return fail, nil
}

// instrLen returns the encoded length of the global.set at site s, which
// may use a padded (non-minimal) LEB128 index, as linkers often emit.
func (m *Module) instrLen(s Site, minimal int) int {
	f, _ := m.Func(s.Func)
	r := newReader(f.Body[s.Offset+1:], 0)
	r.u32()
	if r.err != nil {
		return minimal
	}
	return 1 + r.pos
}

// SetMemoryMin sets the minimum size of memory 0, in 64 KiB pages, whether
// it is defined or imported. If the memory has a maximum below the new
// minimum, the maximum is raised to it; otherwise it is kept.
func (m *Module) SetMemoryMin(pages uint64) error {
	var l *Limits
	var sec SectionID
	for i := range m.Imports {
		if m.Imports[i].Kind == KindMemory {
			l, sec = &m.Imports[i].Memory, SecImport
			break
		}
	}
	if l == nil {
		if len(m.Memories) == 0 {
			return errors.New("wasm: module has no memory")
		}
		l, sec = &m.Memories[0], SecMemory
	}
	limit := uint64(1 << 16)
	if l.Is64 {
		limit = 1 << 48
	}
	if pages > limit {
		return fmt.Errorf("wasm: %d pages exceeds the limit of %d", pages, limit)
	}
	l.Min = pages
	if l.HasMax && l.Max < pages {
		l.Max = pages
	}
	m.touch(sec)
	return nil
}

// SetGlobalInit sets the initial value of defined global idx to the
// constant v, which must have the global's type.
func (m *Module) SetGlobalInit(idx uint32, v Value) error {
	if idx < m.NumImportedGlobals {
		return fmt.Errorf("wasm: global %d is imported", idx)
	}
	i := idx - m.NumImportedGlobals
	if i >= uint32(len(m.Globals)) {
		return fmt.Errorf("wasm: global %d out of range (%d globals)", idx, m.NumGlobals())
	}
	if m.Globals[i].Type != v.Type {
		return fmt.Errorf("wasm: global %d has type %v, value has type %v", idx, m.Globals[i].Type, v.Type)
	}
	e := ConstExpr(v)
	if e == nil {
		return fmt.Errorf("wasm: no constant expression for type %v", v.Type)
	}
	m.Globals[i].Init = e
	m.touch(SecGlobal)
	return nil
}

// AddExport exports item idx of the given kind under name.
func (m *Module) AddExport(name string, kind ExternKind, idx uint32) error {
	if _, ok := m.Export(name); ok {
		return fmt.Errorf("wasm: export %q already exists", name)
	}
	n, ok := m.indexSpace(kind)
	if !ok {
		return fmt.Errorf("wasm: invalid export kind %v", kind)
	}
	if idx >= n {
		return fmt.Errorf("wasm: %v %d out of range (%d)", kind, idx, n)
	}
	m.Exports = append(m.Exports, Export{Name: name, Kind: kind, Index: idx})
	m.touch(SecExport)
	return nil
}

// RemoveExport removes the export called name and reports whether there
// was one.
func (m *Module) RemoveExport(name string) bool {
	for i, e := range m.Exports {
		if e.Name == name {
			m.Exports = slices.Delete(m.Exports, i, i+1)
			m.touch(SecExport)
			return true
		}
	}
	return false
}

// RemoveStart removes the start section and reports whether there was one.
func (m *Module) RemoveStart() bool {
	if m.Start == nil {
		return false
	}
	m.Start = nil
	m.dropSection(SecStart)
	return true
}

// ReplaceData replaces all data segments with active segments for memory 0
// that reproduce image, the contents of memory from address 0. Runs of at
// least zeroRun zero bytes are left out (memory starts zeroed), splitting
// the image into segments; a zero-only region produces nothing. The data
// count section, if any, is updated. It fails if any function uses
// memory.init or data.drop (their segment indices would be invalidated), or
// if the image's non-zero contents reach beyond the memory's minimum size
// (call SetMemoryMin first). It returns the number of segments written.
func (m *Module) ReplaceData(image []byte, zeroRun int) (int, error) {
	if zeroRun < 1 {
		return 0, fmt.Errorf("wasm: zero run threshold %d must be at least 1", zeroRun)
	}
	var mem *Limits
	for i := range m.Imports {
		if m.Imports[i].Kind == KindMemory {
			mem = &m.Imports[i].Memory
			break
		}
	}
	if mem == nil && len(m.Memories) > 0 {
		mem = &m.Memories[0]
	}
	if mem == nil {
		return 0, errors.New("wasm: module has no memory")
	}
	users, err := m.Find(nil, func(in *Instr) bool { return in.Op == OpMemoryInit || in.Op == OpDataDrop })
	if err != nil {
		return 0, err
	}
	if len(users) > 0 {
		return 0, fmt.Errorf("wasm: function %d uses data segment %d (%v at offset %d); cannot replace the data segments", users[0].Func, users[0].Index, users[0].Op, users[0].Offset)
	}
	spans := nonZeroSpans(image, zeroRun)
	if len(spans) > maxDataSegs {
		return 0, fmt.Errorf("wasm: image needs %d segments, more than the limit %d; use a larger zero run", len(spans), maxDataSegs)
	}
	if len(spans) > 0 {
		end := uint64(spans[len(spans)-1][1])
		if end > mem.Min*65536 {
			return 0, fmt.Errorf("wasm: image contents reach address %d, beyond the memory minimum of %d pages", end, mem.Min)
		}
	}
	data := make([]Data, 0, len(spans))
	for _, sp := range spans {
		v := Value{Type: I32, Bits: uint64(sp[0])}
		if mem.Is64 {
			v.Type = I64
		}
		data = append(data, Data{Mode: DataActive, Offset: ConstExpr(v), Init: image[sp[0]:sp[1]:sp[1]], InitOffset: -1})
	}
	m.Data = data
	m.touch(SecData)
	if m.DataCount != nil {
		n := uint32(len(data))
		m.DataCount = &n
		m.touch(SecDataCount)
	}
	return len(data), nil
}

// nonZeroSpans splits b into [start, end) spans separated by runs of at
// least zeroRun zero bytes; spans neither start nor end with a zero.
func nonZeroSpans(b []byte, zeroRun int) [][2]int {
	var spans [][2]int
	i := 0
	for {
		for i < len(b) && b[i] == 0 {
			i++
		}
		if i == len(b) {
			return spans
		}
		start := i
		end := i // end of the last non-zero byte seen + 1
		for i < len(b) {
			if b[i] != 0 {
				i++
				end = i
				continue
			}
			z := i
			for i < len(b) && b[i] == 0 {
				i++
			}
			if i-z >= zeroRun || i == len(b) {
				break
			}
		}
		spans = append(spans, [2]int{start, end})
	}
}

// AddGlobal appends a global initialised to v, mutable or not, and returns
// its index; it is the last in the global index space, so no existing
// index moves.
func (m *Module) AddGlobal(v Value, mutable bool) (uint32, error) {
	e := ConstExpr(v)
	if e == nil {
		return 0, fmt.Errorf("wasm: no constant expression for type %v", v.Type)
	}
	m.Globals = append(m.Globals, Global{GlobalType: GlobalType{Type: v.Type, Mutable: mutable}, Init: e})
	m.touch(SecGlobal)
	return m.NumGlobals() - 1, nil
}

// RenameImport gives function import idx a new module and name, keeping
// its type and index. A module can then reach a host function of its own
// through an import slot it does not otherwise need, without moving any
// function index.
func (m *Module) RenameImport(idx uint32, module, name string) error {
	im, ok := m.ImportedFunc(idx)
	if !ok {
		return fmt.Errorf("wasm: function %d is not imported", idx)
	}
	im.Module, im.Name = module, name
	m.touch(SecImport)
	return nil
}

// RedirectCalls makes every direct call of function from, in every defined
// function but those in except, call function to instead, which must have
// the same type. It returns the number of calls changed. Indirect calls
// (through a table) are not changed. Bodies may grow.
func (m *Module) RedirectCalls(from, to uint32, except ...uint32) (int, error) {
	ft, err := m.FuncType(from)
	if err != nil {
		return 0, err
	}
	tt, err := m.FuncType(to)
	if err != nil {
		return 0, err
	}
	if !ft.Equal(tt) {
		return 0, fmt.Errorf("wasm: function %d has type %v, function %d has %v", from, ft, to, tt)
	}
	sites, err := m.Find(nil, func(in *Instr) bool { return in.Op == OpCall && in.Index == from })
	if err != nil {
		return 0, err
	}
	call := appendULEB([]byte{byte(OpCall)}, uint64(to))
	n := 0
	for i := 0; i < len(sites); {
		j := i
		var edits []edit
		for ; j < len(sites) && sites[j].Func == sites[i].Func; j++ {
			edits = append(edits, edit{off: sites[j].Offset, n: m.instrLen(sites[j], len(appendULEB([]byte{byte(OpCall)}, uint64(from)))), code: call})
		}
		if !slices.Contains(except, sites[i].Func) {
			if err := m.editBody(sites[i].Func, edits); err != nil {
				return n, err
			}
			n += len(edits)
		}
		i = j
	}
	return n, nil
}
