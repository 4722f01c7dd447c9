// Package wasmbin reads, inspects, rewrites and writes WebAssembly binary
// modules.
//
// It covers the core 1.0 binary format plus the post-MVP features that a
// clang/wasi-sdk build uses (bulk memory, sign extension, non-trapping
// float-to-int, multi-value, mutable globals, reference types), and it can
// decode (to skip over) SIMD, relaxed-SIMD, threads and tail-call
// instructions. Exception handling, GC and component-model sections are
// rejected with an error.
//
// Parse decodes a module but keeps the input bytes of every section, and
// Encode writes an unchanged section back verbatim, so Encode(Parse(b))
// reproduces b exactly. The rewriting methods change the decoded view and
// mark the sections they touch; only those sections are re-encoded (with
// minimal LEB128 encodings). The decoded fields of Module are exported for
// reading; change a module only through its methods, or the change will not
// reach Encode.
//
// Offsets: Func.Offset is the file offset of the first byte of a function's
// body (its local declarations, just after the body size), and Instr.Offset
// is relative to that, so a file offset is Func.Offset + Instr.Offset. This
// is the convention wasmtime uses for a frame's "function offset"; its
// "module offset" is the file offset. Offsets describe the parsed input:
// after a rewrite that changes a body's length, Encode and Parse again to
// get offsets of the new module.
package wasmbin

import "fmt"

// SectionID identifies a section kind.
type SectionID byte

// Section IDs of the binary format.
const (
	SecCustom    SectionID = 0
	SecType      SectionID = 1
	SecImport    SectionID = 2
	SecFunction  SectionID = 3
	SecTable     SectionID = 4
	SecMemory    SectionID = 5
	SecGlobal    SectionID = 6
	SecExport    SectionID = 7
	SecStart     SectionID = 8
	SecElement   SectionID = 9
	SecCode      SectionID = 10
	SecData      SectionID = 11
	SecDataCount SectionID = 12
)

var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"}

func (id SectionID) String() string {
	if int(id) < len(sectionNames) {
		return sectionNames[id]
	}
	return fmt.Sprintf("section(%d)", byte(id))
}

// order is the position a known section must take relative to the others
// (the data count section sits between element and code).
func (id SectionID) order() int {
	switch id {
	case SecDataCount:
		return 95
	case SecCode:
		return 100
	case SecData:
		return 110
	}
	return int(id) * 10
}

// ValType is a value type (number, vector or reference type).
type ValType byte

// Value types.
const (
	I32       ValType = 0x7f
	I64       ValType = 0x7e
	F32       ValType = 0x7d
	F64       ValType = 0x7c
	V128      ValType = 0x7b
	FuncRef   ValType = 0x70
	ExternRef ValType = 0x6f
)

func (t ValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case V128:
		return "v128"
	case FuncRef:
		return "funcref"
	case ExternRef:
		return "externref"
	}
	return fmt.Sprintf("valtype(0x%02x)", byte(t))
}

func validValType(t ValType) bool {
	switch t {
	case I32, I64, F32, F64, V128, FuncRef, ExternRef:
		return true
	}
	return false
}

// FuncType is a function signature.
type FuncType struct {
	Params, Results []ValType
}

// Equal reports whether t and u have the same parameters and results.
func (t FuncType) Equal(u FuncType) bool {
	return equalTypes(t.Params, u.Params) && equalTypes(t.Results, u.Results)
}

func equalTypes(a, b []ValType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (t FuncType) String() string { return fmt.Sprintf("%v->%v", t.Params, t.Results) }

// ExternKind is the kind of an import or export.
type ExternKind byte

// Import and export kinds.
const (
	KindFunc   ExternKind = 0
	KindTable  ExternKind = 1
	KindMemory ExternKind = 2
	KindGlobal ExternKind = 3
)

func (k ExternKind) String() string {
	switch k {
	case KindFunc:
		return "func"
	case KindTable:
		return "table"
	case KindMemory:
		return "memory"
	case KindGlobal:
		return "global"
	}
	return fmt.Sprintf("kind(%d)", byte(k))
}

// Limits are the size limits of a memory (in 64 KiB pages) or table.
type Limits struct {
	Min    uint64
	Max    uint64 // meaningful only if HasMax
	HasMax bool
	Shared bool // threads proposal (memories only)
	Is64   bool // memory64 proposal (memories only)
}

// Table is a table type.
type Table struct {
	Elem   ValType
	Limits Limits
}

// GlobalType is the type of a global.
type GlobalType struct {
	Type    ValType
	Mutable bool
}

// Import is one entry of the import section. Which of TypeIndex, Table,
// Memory and Global applies depends on Kind.
type Import struct {
	Module, Name string
	Kind         ExternKind
	TypeIndex    uint32
	Table        Table
	Memory       Limits
	Global       GlobalType
}

// Expr is a constant expression (global initialiser, segment offset), kept
// as its encoded bytes including the final end opcode.
type Expr []byte

// Const decodes e if it is a single constant instruction (i32.const,
// i64.const, f32.const or f64.const). For floats the value is the bit
// pattern.
func (e Expr) Const() (t ValType, v int64, ok bool) {
	var in Instr
	n := 0
	err := WalkExpr(e, 0, func(i *Instr) error {
		n++
		if n == 1 {
			in = *i
		}
		return nil
	})
	if err != nil || n != 2 {
		return 0, 0, false
	}
	switch in.Op {
	case OpI32Const:
		return I32, in.Const, true
	case OpI64Const:
		return I64, in.Const, true
	case OpF32Const:
		return F32, int64(in.Bits), true
	case OpF64Const:
		return F64, int64(in.Bits), true
	}
	return 0, 0, false
}

// Global is a global defined by the module.
type Global struct {
	GlobalType
	Init Expr
}

// Export is one entry of the export section.
type Export struct {
	Name  string
	Kind  ExternKind
	Index uint32
}

// Elem is an element segment, kept as its encoded bytes. Funcs lists the
// functions it references when it is written as a vector of function
// indices or of ref.func expressions.
type Elem struct {
	Flags uint32
	Raw   []byte
	Funcs []uint32
}

// LocalGroup declares Count locals of type Type.
type LocalGroup struct {
	Count uint32
	Type  ValType
}

// Func is the code of a defined function.
type Func struct {
	// Locals are the local declarations, as grouped in the binary.
	Locals []LocalGroup
	// Body is the function body as encoded after its size: the local
	// declarations followed by the instructions.
	Body []byte
	// ExprStart is where the instructions start within Body.
	ExprStart int
	// Offset is the file offset of Body[0] in the parsed input.
	Offset int
}

// Walk decodes the instructions of f in order. Instr.Offset is relative to
// the start of Body.
func (f *Func) Walk(fn func(*Instr) error) error {
	return WalkExpr(f.Body[f.ExprStart:], f.ExprStart, fn)
}

// DataMode says whether a data segment is active or passive.
type DataMode byte

// Data segment modes.
const (
	DataActive  DataMode = 0
	DataPassive DataMode = 1
)

// Data is a data segment.
type Data struct {
	Mode   DataMode
	Memory uint32 // active only
	Offset Expr   // active only
	Init   []byte
	// InitOffset is the file offset of Init[0] in the parsed input.
	InitOffset int
	flags      uint32
}

// Address returns the constant start address of an active segment whose
// offset is an i32.const or i64.const.
func (d *Data) Address() (uint64, bool) {
	if d.Mode != DataActive {
		return 0, false
	}
	t, v, ok := d.Offset.Const()
	if !ok {
		return 0, false
	}
	switch t {
	case I32:
		return uint64(uint32(v)), true
	case I64:
		return uint64(v), true
	}
	return 0, false
}

// Section is one section of a module, in file order.
type Section struct {
	ID SectionID
	// Name is the name of a custom section.
	Name string
	// Offset is the file offset of the section's id byte in the parsed
	// input, and PayloadOffset that of its contents; both are -1 for a
	// section added by a rewrite.
	Offset, PayloadOffset int
	// Payload is the section contents as parsed (for a custom section,
	// including its name). It is not updated by rewrites.
	Payload []byte
	raw     []byte // the whole section as parsed: id, size, payload
}

// CustomData returns the contents of a custom section after its name.
func (s *Section) CustomData() []byte {
	if s.ID != SecCustom {
		return nil
	}
	r := newReader(s.Payload, 0)
	r.name()
	if r.err != nil {
		return nil
	}
	return s.Payload[r.pos:]
}

// Module is a decoded module.
type Module struct {
	Sections []*Section

	Types    []FuncType
	Imports  []Import
	Funcs    []uint32 // type index of each defined function
	Tables   []Table
	Memories []Limits
	Globals  []Global
	Exports  []Export
	Start    *uint32
	Elems    []Elem
	// DataCount is the value of the data count section, if there is one.
	DataCount *uint32
	Code      []Func
	Data      []Data

	// Number of imports of each kind; a kind's index space starts with its
	// imports.
	NumImportedFuncs, NumImportedTables, NumImportedMemories, NumImportedGlobals uint32

	dirty map[SectionID]bool
}

// NumFuncs returns the size of the function index space.
func (m *Module) NumFuncs() uint32 { return m.NumImportedFuncs + uint32(len(m.Funcs)) }

// NumGlobals returns the size of the global index space.
func (m *Module) NumGlobals() uint32 { return m.NumImportedGlobals + uint32(len(m.Globals)) }

// FuncType returns the signature of function idx (imported or defined).
func (m *Module) FuncType(idx uint32) (FuncType, error) {
	var ti uint32
	if idx < m.NumImportedFuncs {
		n := uint32(0)
		for _, im := range m.Imports {
			if im.Kind != KindFunc {
				continue
			}
			if n == idx {
				ti = im.TypeIndex
				break
			}
			n++
		}
	} else if idx-m.NumImportedFuncs < uint32(len(m.Funcs)) {
		ti = m.Funcs[idx-m.NumImportedFuncs]
	} else {
		return FuncType{}, fmt.Errorf("wasm: function %d out of range (%d functions)", idx, m.NumFuncs())
	}
	if int(ti) >= len(m.Types) {
		return FuncType{}, fmt.Errorf("wasm: function %d has type %d out of range", idx, ti)
	}
	return m.Types[ti], nil
}

// ImportedFunc returns the import of function idx, if it is imported.
func (m *Module) ImportedFunc(idx uint32) (*Import, bool) {
	n := uint32(0)
	for i := range m.Imports {
		if m.Imports[i].Kind != KindFunc {
			continue
		}
		if n == idx {
			return &m.Imports[i], true
		}
		n++
	}
	return nil, false
}

// FuncIndexOfImport returns the function index of the imported function
// module.name.
func (m *Module) FuncIndexOfImport(module, name string) (uint32, bool) {
	n := uint32(0)
	for _, im := range m.Imports {
		if im.Kind != KindFunc {
			continue
		}
		if im.Module == module && im.Name == name {
			return n, true
		}
		n++
	}
	return 0, false
}

// Func returns the code of defined function idx (an index in the function
// index space, so idx >= NumImportedFuncs).
func (m *Module) Func(idx uint32) (*Func, error) {
	if idx < m.NumImportedFuncs {
		return nil, fmt.Errorf("wasm: function %d is imported and has no code", idx)
	}
	i := idx - m.NumImportedFuncs
	if i >= uint32(len(m.Code)) {
		return nil, fmt.Errorf("wasm: function %d out of range (%d functions)", idx, m.NumFuncs())
	}
	return &m.Code[i], nil
}

// Export returns the export called name.
func (m *Module) Export(name string) (Export, bool) {
	for _, e := range m.Exports {
		if e.Name == name {
			return e, true
		}
	}
	return Export{}, false
}

// GlobalType returns the type of global idx (imported or defined).
func (m *Module) GlobalType(idx uint32) (GlobalType, error) {
	if idx < m.NumImportedGlobals {
		n := uint32(0)
		for _, im := range m.Imports {
			if im.Kind != KindGlobal {
				continue
			}
			if n == idx {
				return im.Global, nil
			}
			n++
		}
	}
	i := idx - m.NumImportedGlobals
	if idx < m.NumImportedGlobals || i >= uint32(len(m.Globals)) {
		return GlobalType{}, fmt.Errorf("wasm: global %d out of range (%d globals)", idx, m.NumGlobals())
	}
	return m.Globals[i].GlobalType, nil
}

// CustomSection returns the first custom section called name.
func (m *Module) CustomSection(name string) (*Section, bool) {
	for _, s := range m.Sections {
		if s.ID == SecCustom && s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// CodeSection returns the code section, if any.
func (m *Module) CodeSection() (*Section, bool) {
	for _, s := range m.Sections {
		if s.ID == SecCode {
			return s, true
		}
	}
	return nil, false
}
