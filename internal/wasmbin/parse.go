package wasmbin

import (
	"bytes"
	"fmt"
)

// Implementation limits. Counts above these are rejected before anything is
// allocated for them. They match the limits wasmtime and the web engines
// enforce, so a module beyond them could not be run anyway.
const (
	maxTypes     = 1_000_000
	maxImports   = 100_000
	maxExports   = 100_000
	maxFuncs     = 1_000_000
	maxTables    = 100_000
	maxMemories  = 100
	maxGlobals   = 1_000_000
	maxElemSegs  = 10_000_000
	maxElemItems = 10_000_000
	maxDataSegs  = 100_000
	maxParams    = 1000
	maxResults   = 1000
	maxLocals    = 50_000
	maxBodySize  = 7_654_321
	maxBrTable   = 1 << 20
)

var magic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// Parse decodes a module. The returned module refers to b (it does not copy
// it); b must not be modified while the module is in use.
func Parse(b []byte) (*Module, error) {
	if len(b) < len(magic) || !bytes.Equal(b[:4], magic[:4]) {
		return nil, &FormatError{Offset: 0, Msg: "not a WebAssembly module (bad magic number)"}
	}
	if !bytes.Equal(b[4:8], magic[4:]) {
		return nil, &FormatError{Offset: 4, Msg: fmt.Sprintf("unsupported version % x (want 1, a core module)", b[4:8])}
	}
	m := &Module{}
	r := newReader(b, 0)
	r.pos = len(magic)
	lastOrder := 0
	var funcCount = -1
	for !r.eof() {
		start := r.pos
		id := SectionID(r.byte())
		size := r.u32()
		if r.err != nil {
			return nil, r.err
		}
		payloadStart := r.pos
		payload := r.bytes(int(size))
		if r.err != nil {
			return nil, &FormatError{Offset: start, Msg: fmt.Sprintf("%v section: size %d exceeds the %d bytes left", id, size, len(b)-payloadStart)}
		}
		sec := &Section{ID: id, Offset: start, PayloadOffset: payloadStart, Payload: payload, raw: b[start:r.pos:r.pos]}
		if id > SecDataCount {
			return nil, &FormatError{Offset: start, Msg: fmt.Sprintf("unsupported section id %d", byte(id))}
		}
		if id != SecCustom {
			if id.order() <= lastOrder {
				return nil, &FormatError{Offset: start, Msg: fmt.Sprintf("%v section out of order or repeated", id)}
			}
			lastOrder = id.order()
		}
		sr := newReader(payload, payloadStart)
		switch id {
		case SecCustom:
			sec.Name = sr.name()
		case SecType:
			m.parseTypes(sr)
		case SecImport:
			m.parseImports(sr)
		case SecFunction:
			m.parseFunctions(sr)
			funcCount = len(m.Funcs)
		case SecTable:
			m.parseTables(sr)
		case SecMemory:
			m.parseMemories(sr)
		case SecGlobal:
			m.parseGlobals(sr)
		case SecExport:
			m.parseExports(sr)
		case SecStart:
			v := sr.u32()
			m.Start = &v
		case SecElement:
			m.parseElems(sr)
		case SecDataCount:
			v := sr.u32()
			m.DataCount = &v
		case SecCode:
			m.parseCode(sr)
			if sr.err == nil && len(m.Code) != len(m.Funcs) {
				sr.failAt(payloadStart, "code section has %d bodies but the function section declares %d functions", len(m.Code), len(m.Funcs))
			}
		case SecData:
			m.parseData(sr)
		}
		if sr.err != nil {
			return nil, fmt.Errorf("%v section: %w", id, sr.err)
		}
		if id != SecCustom && !sr.eof() {
			return nil, &FormatError{Offset: sr.offset(), Msg: fmt.Sprintf("%v section: %d unexpected bytes at the end", id, sr.remaining())}
		}
		m.Sections = append(m.Sections, sec)
	}
	if funcCount > 0 && m.Code == nil {
		return nil, &FormatError{Offset: len(b), Msg: fmt.Sprintf("function section declares %d functions but there is no code section", funcCount)}
	}
	if m.DataCount != nil && int(*m.DataCount) != len(m.Data) {
		return nil, &FormatError{Offset: len(b), Msg: fmt.Sprintf("data count section says %d segments, data section has %d", *m.DataCount, len(m.Data))}
	}
	if err := m.checkIndices(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkIndices checks the cross-section references the rest of the package
// relies on.
func (m *Module) checkIndices() error {
	for i, ti := range m.Funcs {
		if int(ti) >= len(m.Types) {
			return fmt.Errorf("wasm: function %d: type index %d out of range (%d types)", m.NumImportedFuncs+uint32(i), ti, len(m.Types))
		}
	}
	for _, im := range m.Imports {
		if im.Kind == KindFunc && int(im.TypeIndex) >= len(m.Types) {
			return fmt.Errorf("wasm: import %s.%s: type index %d out of range (%d types)", im.Module, im.Name, im.TypeIndex, len(m.Types))
		}
	}
	if m.Start != nil && *m.Start >= m.NumFuncs() {
		return fmt.Errorf("wasm: start function %d out of range (%d functions)", *m.Start, m.NumFuncs())
	}
	for _, e := range m.Exports {
		if n, _ := m.indexSpace(e.Kind); e.Index >= n {
			return fmt.Errorf("wasm: export %q: %v index %d out of range", e.Name, e.Kind, e.Index)
		}
	}
	return nil
}

func (r *reader) valType() ValType {
	off := r.offset()
	t := ValType(r.byte())
	if r.err == nil && !validValType(t) {
		r.failAt(off, "invalid value type 0x%02x", byte(t))
	}
	return t
}

func (r *reader) refType() ValType {
	off := r.offset()
	t := ValType(r.byte())
	if r.err == nil && t != FuncRef && t != ExternRef {
		r.failAt(off, "invalid reference type 0x%02x", byte(t))
	}
	return t
}

func (r *reader) valTypes(what string, limit uint32) []ValType {
	n := r.count(what, limit, 1)
	if r.err != nil || n == 0 {
		return nil
	}
	ts := make([]ValType, n)
	for i := range ts {
		ts[i] = r.valType()
	}
	return ts
}

func (r *reader) limits(memory bool) Limits {
	off := r.offset()
	flags := r.byte()
	valid := flags <= 1
	if memory {
		valid = flags <= 7
	}
	if r.err == nil && !valid {
		r.failAt(off, "invalid limits flags 0x%02x", flags)
		return Limits{}
	}
	l := Limits{HasMax: flags&1 != 0, Shared: flags&2 != 0, Is64: flags&4 != 0}
	bits := uint(32)
	if l.Is64 {
		bits = 64
	}
	l.Min = r.uleb(bits)
	if l.HasMax {
		l.Max = r.uleb(bits)
		if r.err == nil && l.Max < l.Min {
			r.failAt(off, "limits maximum %d is below the minimum %d", l.Max, l.Min)
		}
	}
	if r.err == nil && l.Shared && !l.HasMax {
		r.failAt(off, "shared memory must have a maximum")
	}
	return l
}

func (r *reader) globalType() GlobalType {
	t := r.valType()
	off := r.offset()
	mut := r.byte()
	if r.err == nil && mut > 1 {
		r.failAt(off, "invalid global mutability 0x%02x", mut)
	}
	return GlobalType{Type: t, Mutable: mut == 1}
}

// constExpr reads a constant expression up to and including its end opcode.
func (r *reader) constExpr() Expr {
	if r.err != nil {
		return nil
	}
	start := r.pos
	n, err := exprLen(r.buf[r.pos:], r.offset())
	if err != nil {
		r.err = err
		return nil
	}
	r.pos += n
	return Expr(r.buf[start:r.pos:r.pos])
}

// exprLen returns the length of the expression at the start of b, through
// its final end.
func exprLen(b []byte, base int) (int, error) {
	var d decoder
	d.init(b, base)
	for {
		if _, err := d.next(); err != nil {
			return 0, err
		}
		if d.depth == 0 {
			return d.r.pos, nil
		}
	}
}

func (m *Module) parseTypes(r *reader) {
	n := r.count("type", maxTypes, 3)
	m.Types = make([]FuncType, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		off := r.offset()
		if form := r.byte(); r.err == nil && form != 0x60 {
			r.failAt(off, "type %d: unsupported type form 0x%02x (only function types are supported)", i, form)
			return
		}
		var t FuncType
		t.Params = r.valTypes("parameter", maxParams)
		t.Results = r.valTypes("result", maxResults)
		m.Types = append(m.Types, t)
	}
}

func (m *Module) parseImports(r *reader) {
	n := r.count("import", maxImports, 4)
	m.Imports = make([]Import, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		var im Import
		im.Module = r.name()
		im.Name = r.name()
		off := r.offset()
		im.Kind = ExternKind(r.byte())
		switch im.Kind {
		case KindFunc:
			im.TypeIndex = r.u32()
			m.NumImportedFuncs++
		case KindTable:
			im.Table.Elem = r.refType()
			im.Table.Limits = r.limits(false)
			m.NumImportedTables++
		case KindMemory:
			im.Memory = r.limits(true)
			m.NumImportedMemories++
		case KindGlobal:
			im.Global = r.globalType()
			m.NumImportedGlobals++
		default:
			r.failAt(off, "import %d (%s.%s): unsupported kind 0x%02x", i, im.Module, im.Name, byte(im.Kind))
		}
		m.Imports = append(m.Imports, im)
	}
}

func (m *Module) parseFunctions(r *reader) {
	n := r.count("function", maxFuncs, 1)
	m.Funcs = make([]uint32, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		m.Funcs = append(m.Funcs, r.u32())
	}
}

func (m *Module) parseTables(r *reader) {
	n := r.count("table", maxTables, 3)
	m.Tables = make([]Table, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		var t Table
		t.Elem = r.refType()
		t.Limits = r.limits(false)
		m.Tables = append(m.Tables, t)
	}
}

func (m *Module) parseMemories(r *reader) {
	n := r.count("memory", maxMemories, 2)
	m.Memories = make([]Limits, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		m.Memories = append(m.Memories, r.limits(true))
	}
}

func (m *Module) parseGlobals(r *reader) {
	n := r.count("global", maxGlobals, 3)
	m.Globals = make([]Global, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		var g Global
		g.GlobalType = r.globalType()
		g.Init = r.constExpr()
		m.Globals = append(m.Globals, g)
	}
}

func (m *Module) parseExports(r *reader) {
	n := r.count("export", maxExports, 3)
	m.Exports = make([]Export, 0, n)
	seen := make(map[string]bool, n)
	for i := 0; i < n && r.err == nil; i++ {
		off := r.offset()
		var e Export
		e.Name = r.name()
		e.Kind = ExternKind(r.byte())
		e.Index = r.u32()
		if r.err == nil && e.Kind > KindGlobal {
			r.failAt(off, "export %q: unsupported kind 0x%02x", e.Name, byte(e.Kind))
		}
		if r.err == nil && seen[e.Name] {
			r.failAt(off, "duplicate export name %q", e.Name)
		}
		seen[e.Name] = true
		m.Exports = append(m.Exports, e)
	}
}

func (m *Module) parseElems(r *reader) {
	n := r.count("element segment", maxElemSegs, 1)
	m.Elems = make([]Elem, 0, min(n, 1024))
	for i := 0; i < n && r.err == nil; i++ {
		start := r.pos
		off := r.offset()
		var e Elem
		e.Flags = r.u32()
		if r.err == nil && e.Flags > 7 {
			r.failAt(off, "element segment %d: invalid flags %d", i, e.Flags)
			return
		}
		active := e.Flags&1 == 0
		explicitTable := e.Flags&2 != 0
		usesExprs := e.Flags&4 != 0
		if active && explicitTable {
			r.u32() // table index
		}
		if active {
			r.constExpr()
		}
		if e.Flags&3 != 0 { // not the legacy form 0 or 4: elemkind / reftype
			if usesExprs {
				r.refType()
			} else if k := r.byte(); r.err == nil && k != 0 {
				r.failAt(r.offset()-1, "element segment %d: invalid element kind 0x%02x", i, k)
			}
		}
		cnt := r.count("element", maxElemItems, 1)
		for j := 0; j < cnt && r.err == nil; j++ {
			if !usesExprs {
				e.Funcs = append(e.Funcs, r.u32())
				continue
			}
			ex := r.constExpr()
			if r.err == nil && len(ex) > 1 && ex[0] == byte(OpRefFunc) {
				er := newReader(ex[1:], 0)
				e.Funcs = append(e.Funcs, er.u32())
			}
		}
		e.Raw = r.buf[start:r.pos:r.pos]
		m.Elems = append(m.Elems, e)
	}
}

func (m *Module) parseCode(r *reader) {
	n := r.count("function body", maxFuncs, 2)
	m.Code = make([]Func, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		sizeOff := r.offset()
		size := r.u32()
		if r.err == nil && size > maxBodySize {
			r.failAt(sizeOff, "function body %d: size %d exceeds the limit %d", i, size, maxBodySize)
			return
		}
		bodyOff := r.offset()
		body := r.bytes(int(size))
		if r.err != nil {
			return
		}
		f := Func{Body: body, Offset: bodyOff}
		br := newReader(body, bodyOff)
		groups := br.count("local group", maxLocals, 2)
		total := uint64(0)
		for j := 0; j < groups && br.err == nil; j++ {
			var g LocalGroup
			g.Count = br.u32()
			g.Type = br.valType()
			total += uint64(g.Count)
			if br.err == nil && total > maxLocals {
				br.fail("function body %d: more than %d locals", i, maxLocals)
			}
			f.Locals = append(f.Locals, g)
		}
		if br.err != nil {
			r.err = br.err
			return
		}
		f.ExprStart = br.pos
		n, err := exprLen(body[f.ExprStart:], bodyOff+f.ExprStart)
		if err != nil {
			r.err = fmt.Errorf("function body %d (function %d): %w", i, m.NumImportedFuncs+uint32(i), err)
			return
		}
		if f.ExprStart+n != len(body) {
			r.failAt(bodyOff+f.ExprStart+n, "function body %d: %d bytes after the final end", i, len(body)-f.ExprStart-n)
			return
		}
		m.Code = append(m.Code, f)
	}
}

func (m *Module) parseData(r *reader) {
	n := r.count("data segment", maxDataSegs, 1)
	m.Data = make([]Data, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		off := r.offset()
		var d Data
		d.flags = r.u32()
		switch d.flags {
		case 0:
			d.Offset = r.constExpr()
		case 1:
			d.Mode = DataPassive
		case 2:
			d.Memory = r.u32()
			d.Offset = r.constExpr()
		default:
			if r.err == nil {
				r.failAt(off, "data segment %d: invalid flags %d", i, d.flags)
			}
			return
		}
		size := r.u32()
		d.InitOffset = r.offset()
		d.Init = r.bytes(int(min(size, 1<<31-1)))
		m.Data = append(m.Data, d)
	}
}
