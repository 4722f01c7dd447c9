package wasmbin

import "encoding/binary"

// AppendULEB appends v to b as an unsigned LEB128 number, the encoding of
// indices and immediates in function bodies.
func AppendULEB(b []byte, v uint64) []byte { return appendULEB(b, v) }

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s string) []byte {
	b = appendULEB(b, uint64(len(s)))
	return append(b, s...)
}

func appendLimits(b []byte, l Limits) []byte {
	var flags byte
	if l.HasMax {
		flags |= 1
	}
	if l.Shared {
		flags |= 2
	}
	if l.Is64 {
		flags |= 4
	}
	b = append(b, flags)
	b = appendULEB(b, l.Min)
	if l.HasMax {
		b = appendULEB(b, l.Max)
	}
	return b
}

func appendGlobalType(b []byte, g GlobalType) []byte {
	mut := byte(0)
	if g.Mutable {
		mut = 1
	}
	return append(b, byte(g.Type), mut)
}

func appendValTypes(b []byte, ts []ValType) []byte {
	b = appendULEB(b, uint64(len(ts)))
	for _, t := range ts {
		b = append(b, byte(t))
	}
	return b
}

// Encode writes the module. Sections that no rewrite touched are copied
// from the parsed input byte for byte, so encoding an unmodified module
// reproduces its input exactly; touched sections are re-encoded with
// minimal LEB128 integers.
func (m *Module) Encode() []byte {
	size := len(magic)
	for _, s := range m.Sections {
		size += len(s.raw) + 5
	}
	out := make([]byte, 0, size+1024)
	out = append(out, magic...)
	for _, s := range m.Sections {
		if s.raw != nil && (s.ID == SecCustom || !m.dirty[s.ID]) {
			out = append(out, s.raw...)
			continue
		}
		payload := m.encodePayload(s.ID)
		out = append(out, byte(s.ID))
		out = appendULEB(out, uint64(len(payload)))
		out = append(out, payload...)
	}
	return out
}

func (m *Module) encodePayload(id SectionID) []byte {
	var b []byte
	switch id {
	case SecType:
		b = appendULEB(b, uint64(len(m.Types)))
		for _, t := range m.Types {
			b = append(b, 0x60)
			b = appendValTypes(b, t.Params)
			b = appendValTypes(b, t.Results)
		}
	case SecImport:
		b = appendULEB(b, uint64(len(m.Imports)))
		for _, im := range m.Imports {
			b = appendName(b, im.Module)
			b = appendName(b, im.Name)
			b = append(b, byte(im.Kind))
			switch im.Kind {
			case KindFunc:
				b = appendULEB(b, uint64(im.TypeIndex))
			case KindTable:
				b = append(b, byte(im.Table.Elem))
				b = appendLimits(b, im.Table.Limits)
			case KindMemory:
				b = appendLimits(b, im.Memory)
			case KindGlobal:
				b = appendGlobalType(b, im.Global)
			}
		}
	case SecFunction:
		b = appendULEB(b, uint64(len(m.Funcs)))
		for _, t := range m.Funcs {
			b = appendULEB(b, uint64(t))
		}
	case SecTable:
		b = appendULEB(b, uint64(len(m.Tables)))
		for _, t := range m.Tables {
			b = append(b, byte(t.Elem))
			b = appendLimits(b, t.Limits)
		}
	case SecMemory:
		b = appendULEB(b, uint64(len(m.Memories)))
		for _, l := range m.Memories {
			b = appendLimits(b, l)
		}
	case SecGlobal:
		b = appendULEB(b, uint64(len(m.Globals)))
		for _, g := range m.Globals {
			b = appendGlobalType(b, g.GlobalType)
			b = append(b, g.Init...)
		}
	case SecExport:
		b = appendULEB(b, uint64(len(m.Exports)))
		for _, e := range m.Exports {
			b = appendName(b, e.Name)
			b = append(b, byte(e.Kind))
			b = appendULEB(b, uint64(e.Index))
		}
	case SecStart:
		if m.Start != nil {
			b = appendULEB(b, uint64(*m.Start))
		}
	case SecElement:
		b = appendULEB(b, uint64(len(m.Elems)))
		for _, e := range m.Elems {
			b = append(b, e.Raw...)
		}
	case SecDataCount:
		if m.DataCount != nil {
			b = appendULEB(b, uint64(*m.DataCount))
		}
	case SecCode:
		n := 5
		for _, f := range m.Code {
			n += len(f.Body) + 5
		}
		b = make([]byte, 0, n)
		b = appendULEB(b, uint64(len(m.Code)))
		for _, f := range m.Code {
			b = appendULEB(b, uint64(len(f.Body)))
			b = append(b, f.Body...)
		}
	case SecData:
		n := 5
		for _, d := range m.Data {
			n += len(d.Init) + len(d.Offset) + 15
		}
		b = make([]byte, 0, n)
		b = appendULEB(b, uint64(len(m.Data)))
		for _, d := range m.Data {
			b = appendULEB(b, uint64(d.flags))
			if d.flags == 2 {
				b = appendULEB(b, uint64(d.Memory))
			}
			if d.Mode == DataActive {
				b = append(b, d.Offset...)
			}
			b = appendULEB(b, uint64(len(d.Init)))
			b = append(b, d.Init...)
		}
	}
	return b
}

// touch marks section id as changed, adding it in its place if the module
// has none.
func (m *Module) touch(id SectionID) {
	if m.dirty == nil {
		m.dirty = make(map[SectionID]bool)
	}
	m.dirty[id] = true
	// A new section goes before the first known section that must follow
	// it, or else just after the last known section (so trailing custom
	// sections, such as debug info, stay at the end).
	at := len(m.Sections)
	for i, s := range m.Sections {
		if s.ID == id {
			return
		}
		if s.ID == SecCustom {
			continue
		}
		if s.ID.order() > id.order() {
			at = i
			break
		}
		at = i + 1
	}
	m.Sections = append(m.Sections, nil)
	copy(m.Sections[at+1:], m.Sections[at:])
	m.Sections[at] = &Section{ID: id, Offset: -1, PayloadOffset: -1}
}

// dropSection removes section id from the module.
func (m *Module) dropSection(id SectionID) {
	for i, s := range m.Sections {
		if s.ID == id {
			m.Sections = append(m.Sections[:i], m.Sections[i+1:]...)
			return
		}
	}
}

// Value is a constant of a number type; for floats, Bits is the IEEE 754
// bit pattern.
type Value struct {
	Type ValType
	Bits uint64
}

// ConstExpr encodes v as a constant expression (t.const v; end).
func ConstExpr(v Value) Expr {
	var b []byte
	switch v.Type {
	case I32:
		b = appendSLEB([]byte{byte(OpI32Const)}, int64(int32(uint32(v.Bits))))
	case I64:
		b = appendSLEB([]byte{byte(OpI64Const)}, int64(v.Bits))
	case F32:
		b = binary.LittleEndian.AppendUint32([]byte{byte(OpF32Const)}, uint32(v.Bits))
	case F64:
		b = binary.LittleEndian.AppendUint64([]byte{byte(OpF64Const)}, v.Bits)
	default:
		return nil
	}
	return append(b, byte(OpEnd))
}
