package wasmbin

import (
	"bytes"
	"testing"
)

// fuzzSeeds are small modules covering the section kinds and instruction
// forms; FuzzParse compiles them from WAT for its seed corpus.
var fuzzSeeds = []string{
	kitchenSink,
	`(module)`,
	`(module (memory 1 2) (data (i32.const 8) "abc") (func (export "f") (param i32) (result i32) local.get 0 memory.grow))`,
	`(module (global (mut i64) (i64.const -1)) (func (result i64) (local i32) block (result i64) i64.const 3 br 0 end))`,
	`(module (type (func (param i32) (result i32 i32))) (table 1 funcref) (func (type 0) local.get 0 local.get 0) (elem (i32.const 0) 0))`,
	`(module (memory 1) (func v128.const i64x2 1 2 i32.const 0 v128.load8_lane 3 drop i32.const 0 v128.load64_zero i64x2.add drop))`,
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(wat(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			if m != nil {
				t.Fatal("Parse returned both a module and an error")
			}
			return
		}
		if !bytes.Equal(m.Encode(), b) {
			t.Fatal("Encode of an unmodified module differs from its input")
		}
		for i := range m.Code {
			next := m.Code[i].ExprStart
			err := m.Code[i].Walk(func(in *Instr) error {
				if in.Offset != next || in.Len <= 0 {
					t.Fatalf("function %d: instruction at %d (len %d), want %d", i, in.Offset, in.Len, next)
				}
				next += in.Len
				return nil
			})
			if err != nil || next != len(m.Code[i].Body) {
				t.Fatalf("function %d: walk ended at %d of %d: %v", i, next, len(m.Code[i].Body), err)
			}
		}
		// Re-encoding every section must give a module that parses to the
		// same contents.
		for _, s := range m.Sections {
			if s.ID != SecCustom {
				m.touch(s.ID)
			}
		}
		b2 := m.Encode()
		m2, err := Parse(b2)
		if err != nil {
			t.Fatalf("re-encoded module does not parse: %v", err)
		}
		if len(m2.Code) != len(m.Code) || len(m2.Data) != len(m.Data) || len(m2.Exports) != len(m.Exports) || len(m2.Sections) != len(m.Sections) {
			t.Fatal("re-encoded module differs")
		}
		for i := range m.Code {
			if !bytes.Equal(m.Code[i].Body, m2.Code[i].Body) {
				t.Fatalf("function %d body differs after re-encoding", i)
			}
		}
		if m.RemoveStart() {
			if _, err := Parse(m.Encode()); err != nil {
				t.Fatalf("module without start does not parse: %v", err)
			}
		}
	})
}
