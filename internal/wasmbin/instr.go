package wasmbin

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Opcode identifies an instruction. A single-byte opcode is its byte; a
// prefixed opcode (0xFC, 0xFD, 0xFE) is prefix<<16 | sub-opcode.
type Opcode uint32

// Prefix bytes of multi-byte opcodes.
const (
	PrefixMisc    = 0xfc // saturating truncation, bulk memory, table ops
	PrefixSIMD    = 0xfd
	PrefixThreads = 0xfe
)

// Opcodes the package refers to by name. Others can be written as
// Opcode(byte) or Opcode(prefix<<16 | sub).
const (
	OpUnreachable        Opcode = 0x00
	OpNop                Opcode = 0x01
	OpBlock              Opcode = 0x02
	OpLoop               Opcode = 0x03
	OpIf                 Opcode = 0x04
	OpElse               Opcode = 0x05
	OpEnd                Opcode = 0x0b
	OpBr                 Opcode = 0x0c
	OpBrIf               Opcode = 0x0d
	OpBrTable            Opcode = 0x0e
	OpReturn             Opcode = 0x0f
	OpCall               Opcode = 0x10
	OpCallIndirect       Opcode = 0x11
	OpReturnCall         Opcode = 0x12
	OpReturnCallIndirect Opcode = 0x13
	OpDrop               Opcode = 0x1a
	OpSelect             Opcode = 0x1b
	OpSelectT            Opcode = 0x1c
	OpLocalGet           Opcode = 0x20
	OpLocalSet           Opcode = 0x21
	OpLocalTee           Opcode = 0x22
	OpGlobalGet          Opcode = 0x23
	OpGlobalSet          Opcode = 0x24
	OpTableGet           Opcode = 0x25
	OpTableSet           Opcode = 0x26
	OpI32Load            Opcode = 0x28
	OpI32Store           Opcode = 0x36
	OpMemorySize         Opcode = 0x3f
	OpMemoryGrow         Opcode = 0x40
	OpI32Const           Opcode = 0x41
	OpI64Const           Opcode = 0x42
	OpF32Const           Opcode = 0x43
	OpF64Const           Opcode = 0x44
	OpI32LtU             Opcode = 0x49
	OpI64LtU             Opcode = 0x54
	OpRefNull            Opcode = 0xd0
	OpRefIsNull          Opcode = 0xd1
	OpRefFunc            Opcode = 0xd2

	OpMemoryInit Opcode = PrefixMisc<<16 | 8
	OpDataDrop   Opcode = PrefixMisc<<16 | 9
	OpMemoryCopy Opcode = PrefixMisc<<16 | 10
	OpMemoryFill Opcode = PrefixMisc<<16 | 11
	OpTableInit  Opcode = PrefixMisc<<16 | 12
	OpElemDrop   Opcode = PrefixMisc<<16 | 13
	OpTableCopy  Opcode = PrefixMisc<<16 | 14
	OpTableGrow  Opcode = PrefixMisc<<16 | 15
	OpTableSize  Opcode = PrefixMisc<<16 | 16
	OpTableFill  Opcode = PrefixMisc<<16 | 17
)

var opNames = map[Opcode]string{
	OpUnreachable: "unreachable", OpNop: "nop", OpBlock: "block", OpLoop: "loop", OpIf: "if", OpElse: "else", OpEnd: "end",
	OpBr: "br", OpBrIf: "br_if", OpBrTable: "br_table", OpReturn: "return", OpCall: "call", OpCallIndirect: "call_indirect",
	OpReturnCall: "return_call", OpReturnCallIndirect: "return_call_indirect", OpDrop: "drop", OpSelect: "select", OpSelectT: "select",
	OpLocalGet: "local.get", OpLocalSet: "local.set", OpLocalTee: "local.tee", OpGlobalGet: "global.get", OpGlobalSet: "global.set",
	OpTableGet: "table.get", OpTableSet: "table.set", OpI32Load: "i32.load", OpI32Store: "i32.store",
	OpMemorySize: "memory.size", OpMemoryGrow: "memory.grow", OpI32Const: "i32.const", OpI64Const: "i64.const",
	OpF32Const: "f32.const", OpF64Const: "f64.const", OpI32LtU: "i32.lt_u", OpI64LtU: "i64.lt_u",
	OpRefNull: "ref.null", OpRefIsNull: "ref.is_null", OpRefFunc: "ref.func",
	OpMemoryInit: "memory.init", OpDataDrop: "data.drop", OpMemoryCopy: "memory.copy", OpMemoryFill: "memory.fill",
	OpTableInit: "table.init", OpElemDrop: "elem.drop", OpTableCopy: "table.copy", OpTableGrow: "table.grow",
	OpTableSize: "table.size", OpTableFill: "table.fill",
}

// String returns the instruction's name for the opcodes this package names,
// and its encoding in hex otherwise.
func (op Opcode) String() string {
	if s, ok := opNames[op]; ok {
		return s
	}
	if op > 0xff {
		return fmt.Sprintf("0x%02x %d", byte(op>>16), uint32(op&0xffff))
	}
	return fmt.Sprintf("0x%02x", byte(op))
}

// MemArg is the immediate of a load or store.
type MemArg struct {
	Align  uint32 // log2 of the alignment
	Offset uint64
	Memory uint32
}

// Instr is one decoded instruction. Which immediate fields are set depends
// on the opcode.
type Instr struct {
	Op Opcode
	// Offset is the position of the instruction's first byte, relative to
	// the base passed to WalkExpr (the start of the function body for
	// Func.Walk); Len is its encoded length.
	Offset, Len int
	// Index is the first index immediate: the function of call and
	// ref.func, local, global, label of br/br_if, type of call_indirect,
	// table of table.*, data segment of memory.init/data.drop, element
	// segment of table.init/elem.drop, memory of memory.*.
	Index uint32
	// Index2 is the second index immediate: the table of call_indirect, the
	// source of table.copy/memory.copy, the table of table.init, the memory
	// of memory.init.
	Index2 uint32
	// Const is the value of i32.const (sign-extended) and i64.const.
	Const int64
	// Bits is the bit pattern of f32.const and f64.const.
	Bits uint64
	// Mem is the memory argument of loads, stores and atomics.
	Mem MemArg
	// BlockType is the block type of block/loop/if: -64 (0x40) for no
	// result, a negative value type code for one result, or a type index.
	BlockType int64
	// Labels are the targets of br_table, the default last.
	Labels []uint32
	// Types are the operand types of a typed select, and the reference
	// type of ref.null.
	Types []ValType
	// Lane is the lane index of SIMD lane instructions.
	Lane byte
	// V128 is the immediate of v128.const and the lanes of i8x16.shuffle.
	V128 [16]byte
}

// ErrUnknownOpcode is wrapped by the error WalkExpr returns for an opcode it
// does not know.
var ErrUnknownOpcode = errors.New("unknown opcode")

// WalkExpr decodes the expression at the start of code: instructions up to
// and including the end that closes the expression (the implicit outer
// block). fn sees each instruction, that final end included; base is added
// to every Instr.Offset. The *Instr passed to fn is reused; copy it to keep
// it. An error from fn stops the walk and is returned as is.
func WalkExpr(code []byte, base int, fn func(*Instr) error) error {
	var d decoder
	d.init(code, base)
	for {
		in, err := d.next()
		if err != nil {
			return err
		}
		if err := fn(in); err != nil {
			return err
		}
		if d.depth == 0 {
			return nil
		}
	}
}

// decoder decodes one instruction at a time and tracks block nesting so it
// knows where the expression ends.
type decoder struct {
	r     reader
	base  int
	in    Instr
	depth int
	ifs   []bool // per open block: whether it is an if without else yet
}

func (d *decoder) init(code []byte, base int) {
	d.r = reader{buf: code, base: base}
	d.base = base
	d.depth = 1
	d.ifs = d.ifs[:0]
	d.ifs = append(d.ifs, false)
}

func (d *decoder) next() (*Instr, error) {
	r := &d.r
	if d.depth == 0 {
		return nil, &FormatError{Offset: r.offset(), Msg: "read past the end of the expression"}
	}
	if r.eof() {
		return nil, &FormatError{Offset: r.offset(), Msg: "expression ends without end opcode"}
	}
	in := &d.in
	labels := in.Labels[:0]
	*in = Instr{Offset: r.offset()}
	start := r.pos
	b := r.byte()
	in.Op = Opcode(b)
	switch {
	case b == 0x00 || b == 0x01 || b == 0x0f || b == 0x1a || b == 0x1b || b == 0xd1:
		// no immediates
	case b == 0x02 || b == 0x03 || b == 0x04:
		in.BlockType = r.sleb(33)
		if r.err == nil && in.BlockType < 0 && in.BlockType != -64 && !validValType(ValType(byte(in.BlockType&0x7f))) {
			r.failAt(in.Offset+1, "invalid block type %d", in.BlockType)
		}
		d.depth++
		d.ifs = append(d.ifs, b == 0x04)
	case b == 0x05:
		if !d.ifs[len(d.ifs)-1] {
			r.failAt(in.Offset, "else outside an if block")
		}
		d.ifs[len(d.ifs)-1] = false
	case b == 0x0b:
		d.depth--
		d.ifs = d.ifs[:len(d.ifs)-1]
	case b == 0x0c || b == 0x0d || b == 0x10 || b == 0x12 || (b >= 0x20 && b <= 0x26) || b == 0xd2:
		in.Index = r.u32()
	case b == 0x0e:
		n := r.count("br_table label", maxBrTable, 1)
		for i := 0; i <= n && r.err == nil; i++ {
			labels = append(labels, r.u32())
		}
		in.Labels = labels
	case b == 0x11 || b == 0x13:
		in.Index = r.u32()
		in.Index2 = r.u32()
	case b == 0x1c:
		in.Types = r.valTypes("select type", 1)
		if r.err == nil && len(in.Types) != 1 {
			r.failAt(in.Offset, "typed select must have exactly one type, has %d", len(in.Types))
		}
	case b >= 0x28 && b <= 0x3e:
		in.Mem = d.memarg()
	case b == 0x3f || b == 0x40:
		in.Index = r.u32() // memory index (a zero byte before multi-memory)
	case b == 0x41:
		in.Const = r.sleb(32)
	case b == 0x42:
		in.Const = r.sleb(64)
	case b == 0x43:
		if p := r.bytes(4); p != nil {
			in.Bits = uint64(binary.LittleEndian.Uint32(p))
		}
	case b == 0x44:
		if p := r.bytes(8); p != nil {
			in.Bits = binary.LittleEndian.Uint64(p)
		}
	case b >= 0x45 && b <= 0xc4:
		// numeric instructions without immediates (incl. sign extension)
	case b == 0xd0:
		in.Types = []ValType{r.refType()}
	case b == PrefixMisc:
		d.misc(in)
	case b == PrefixSIMD:
		d.simd(in)
	case b == PrefixThreads:
		d.atomic(in)
	default:
		if r.err == nil {
			r.err = &unknownOpError{&FormatError{Offset: in.Offset, Msg: fmt.Sprintf("%v 0x%02x", ErrUnknownOpcode, b)}}
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	in.Len = r.pos - start
	return in, nil
}

// unknownOpError is a FormatError that also matches ErrUnknownOpcode.
type unknownOpError struct{ *FormatError }

func (e *unknownOpError) Unwrap() []error { return []error{e.FormatError, ErrUnknownOpcode} }

func (d *decoder) unknown(in *Instr, prefix byte, sub uint32) {
	if d.r.err == nil {
		d.r.err = &unknownOpError{&FormatError{Offset: in.Offset, Msg: fmt.Sprintf("%v 0x%02x %d", ErrUnknownOpcode, prefix, sub)}}
	}
}

func (d *decoder) memarg() MemArg {
	r := &d.r
	var m MemArg
	off := r.offset()
	m.Align = r.u32()
	if m.Align&0x40 != 0 { // multi-memory: a memory index follows
		m.Align &^= 0x40
		m.Memory = r.u32()
	}
	if r.err == nil && m.Align >= 64 {
		r.failAt(off, "invalid alignment 2**%d", m.Align)
	}
	m.Offset = r.uleb(64)
	return m
}

func (d *decoder) misc(in *Instr) {
	r := &d.r
	sub := r.u32()
	if r.err != nil {
		return
	}
	in.Op = Opcode(PrefixMisc)<<16 | Opcode(sub)
	switch {
	case sub <= 7: // saturating truncation
	case sub == 8: // memory.init data mem
		in.Index = r.u32()
		in.Index2 = r.u32()
	case sub == 9 || sub == 13: // data.drop, elem.drop
		in.Index = r.u32()
	case sub == 10 || sub == 14: // memory.copy dst src, table.copy dst src
		in.Index = r.u32()
		in.Index2 = r.u32()
	case sub == 11 || sub == 15 || sub == 16 || sub == 17: // memory.fill, table.grow/size/fill
		in.Index = r.u32()
	case sub == 12: // table.init elem table
		in.Index = r.u32()
		in.Index2 = r.u32()
	default:
		d.unknown(in, PrefixMisc, sub)
	}
}

// simdUndefined lists the SIMD sub-opcodes 14..255 that are not defined.
var simdUndefined = map[uint32]bool{154: true, 162: true, 165: true, 166: true, 175: true, 176: true, 178: true, 179: true, 180: true, 187: true, 194: true, 197: true, 198: true, 207: true, 208: true, 210: true, 211: true, 212: true, 226: true}

func (d *decoder) simd(in *Instr) {
	r := &d.r
	sub := r.u32()
	if r.err != nil {
		return
	}
	in.Op = Opcode(PrefixSIMD)<<16 | Opcode(sub)
	switch {
	case sub <= 11 || sub == 92 || sub == 93: // loads and store
		in.Mem = d.memarg()
	case sub == 12 || sub == 13: // v128.const, i8x16.shuffle
		if p := r.bytes(16); p != nil {
			copy(in.V128[:], p)
		}
	case sub >= 21 && sub <= 34: // extract/replace lane
		in.Lane = r.byte()
	case sub >= 84 && sub <= 91: // load/store lane
		in.Mem = d.memarg()
		in.Lane = r.byte()
	case sub <= 255 && !simdUndefined[sub]:
	case sub >= 0x100 && sub <= 0x113: // relaxed SIMD
	default:
		d.unknown(in, PrefixSIMD, sub)
	}
}

func (d *decoder) atomic(in *Instr) {
	r := &d.r
	sub := r.u32()
	if r.err != nil {
		return
	}
	in.Op = Opcode(PrefixThreads)<<16 | Opcode(sub)
	switch {
	case sub == 3: // atomic.fence
		if b := r.byte(); r.err == nil && b != 0 {
			r.failAt(r.offset()-1, "atomic.fence: expected 0x00, got 0x%02x", b)
		}
	case sub <= 2 || sub >= 0x10 && sub <= 0x4e:
		in.Mem = d.memarg()
	default:
		d.unknown(in, PrefixThreads, sub)
	}
}
