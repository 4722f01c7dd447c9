package wasmbin

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// kitchenSink uses every section kind and many instruction forms.
const kitchenSink = `(module
  (type $v (func))
  (import "env" "f" (func $imp (param i32) (result i32)))
  (import "env" "g" (global $ig i32))
  (import "env" "t" (table 1 funcref))
  (memory $mem 1 4)
  (table $t2 2 10 funcref)
  (global $sp (mut i32) (i32.const 65536))
  (global $k i64 (i64.const -5))
  (global $f f32 (f32.const 1.5))
  (global $d f64 (f64.const -2.25))
  (global $r funcref (ref.func $a))
  (export "a" (func $a))
  (export "mem" (memory $mem))
  (export "sp" (global $sp))
  (start $a)
  (elem (i32.const 0) $a $b)
  (elem $p funcref (ref.func $a) (ref.null func))
  (elem declare func $b)
  (data (i32.const 16) "hello\00world")
  (data $pd "passive")
  (func $a
    (local i32 i64) (local f32)
    block $out
      loop $l
        i32.const 1
        br_if $out
        i32.const 0
        br_table $l $out $out
      end
    end
    i32.const 0 i32.const 0 i32.const 7 memory.init $pd
    data.drop $pd
    i32.const 0 i32.const 1 i32.const 2 memory.copy
    i32.const 0 i32.const 0 i32.const 2 memory.fill
    i32.const 0 i32.const 0 i32.const 1 table.init $t2 $p
    elem.drop $p
    f32.const 3.5 i32.trunc_sat_f32_s i32.extend8_s drop
    i32.const 5 i32.load offset=4 align=2 drop
    i64.const 1 i64.const 2 i32.const 1 select (result i64) drop
    ref.func $b ref.is_null drop
    memory.size drop
    global.get $sp i32.const 16 i32.sub global.set $sp
    i32.const 0 if (result i32) i32.const 1 else i32.const 2 end drop
    i32.const 0 call_indirect $t2 (type $v)
    v128.const i32x4 1 2 3 4 i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 i32x4.extract_lane 2 drop
  )
  (func $b (result i32 i32) i32.const 1 i32.const 2)
)`

func TestRoundTripKitchenSink(t *testing.T) {
	b := wat(t, kitchenSink)
	m := parse(t, b)
	if m.NumImportedFuncs != 1 || m.NumImportedGlobals != 1 || m.NumImportedTables != 1 || len(m.Funcs) != 2 {
		t.Fatalf("imports/functions: %d funcs imported, %d globals imported, %d tables imported, %d defined", m.NumImportedFuncs, m.NumImportedGlobals, m.NumImportedTables, len(m.Funcs))
	}
	if m.Start == nil || *m.Start != 1 {
		t.Errorf("start = %v, want function 1", m.Start)
	}
	if m.DataCount == nil || *m.DataCount != 2 || len(m.Data) != 2 {
		t.Errorf("data count %v, %d segments", m.DataCount, len(m.Data))
	}
	if a, ok := m.Data[0].Address(); !ok || a != 16 || string(m.Data[0].Init) != "hello\x00world" {
		t.Errorf("data 0 = %d %q", a, m.Data[0].Init)
	}
	if m.Data[1].Mode != DataPassive || string(m.Data[1].Init) != "passive" {
		t.Errorf("data 1 = %+v", m.Data[1])
	}
	if got := string(b[m.Data[0].InitOffset : m.Data[0].InitOffset+5]); got != "hello" {
		t.Errorf("InitOffset points at %q", got)
	}
	if ty, v, ok := m.Globals[0].Init.Const(); !ok || ty != I32 || v != 65536 {
		t.Errorf("global $sp init = %v %v %v", ty, v, ok)
	}
	if ty, v, ok := m.Globals[1].Init.Const(); !ok || ty != I64 || v != -5 {
		t.Errorf("global $k init = %v %v %v", ty, v, ok)
	}
	if ty, v, ok := m.Globals[3].Init.Const(); !ok || ty != F64 || math.Float64frombits(uint64(v)) != -2.25 {
		t.Errorf("global $d init = %v %v %v", ty, v, ok)
	}
	if _, _, ok := m.Globals[4].Init.Const(); ok {
		t.Errorf("ref.func init reported as a number constant")
	}
	tf := m.TableFuncs()
	if !tf[1] || !tf[2] || len(tf) != 2 {
		t.Errorf("TableFuncs = %v", tf)
	}
	if ft, err := m.FuncType(2); err != nil || len(ft.Results) != 2 {
		t.Errorf("FuncType(2) = %v, %v", ft, err)
	}
	// Every instruction is decoded, and offsets are contiguous.
	f, _ := m.Func(1)
	next := f.ExprStart
	ops := map[Opcode]bool{}
	err := f.Walk(func(in *Instr) error {
		if in.Offset != next {
			t.Fatalf("instruction at %d, want %d", in.Offset, next)
		}
		next += in.Len
		ops[in.Op] = true
		return nil
	})
	if err != nil || next != len(f.Body) {
		t.Fatalf("walk: %v, ended at %d of %d", err, next, len(f.Body))
	}
	for _, op := range []Opcode{OpMemoryInit, OpDataDrop, OpMemoryCopy, OpMemoryFill, OpTableInit, OpElemDrop, OpSelectT, OpCallIndirect, OpBrTable, OpElse, PrefixSIMD<<16 | 13} {
		if !ops[op] {
			t.Errorf("opcode %v not seen", op)
		}
	}
}

// TestOffsetsMatchWasmtime pins down the offset convention against
// wasmtime: a frame's function offset is Instr.Offset (relative to the
// start of the body, after its size) and its module offset is the file
// offset Func.Offset + Instr.Offset.
func TestOffsetsMatchWasmtime(t *testing.T) {
	b := wat(t, `(module
	  (func $inner (local i32) i32.const 1 drop nop unreachable)
	  (func (export "run") (local i64 i64) nop i32.const 300 drop call $inner))`)
	m := parse(t, b)
	unreach, err := m.Find([]uint32{0}, func(in *Instr) bool { return in.Op == OpUnreachable })
	if err != nil || len(unreach) != 1 {
		t.Fatal(unreach, err)
	}
	calls, err := m.Calls(1)
	if err != nil || len(calls) != 1 || calls[0].Index != 0 {
		t.Fatal(calls, err)
	}
	_, err = instantiate(t, b).call(t, "run")
	frames := trapOf(t, err).Frames()
	if len(frames) < 2 {
		t.Fatalf("want 2 frames, got %d", len(frames))
	}
	for i, want := range []Site{unreach[0], calls[0]} {
		fr := frames[i]
		file, _ := m.FileOffset(want)
		if fr.FuncIndex() != want.Func || int(fr.FuncOffset()) != want.Offset || int(fr.ModuleOffset()) != file {
			t.Errorf("frame %d: wasmtime says func %d func-offset %d module-offset %d; wasmbin says func %d offset %d file offset %d",
				i, fr.FuncIndex(), fr.FuncOffset(), fr.ModuleOffset(), want.Func, want.Offset, file)
		}
	}
}

func TestReplaceWithUnreachable(t *testing.T) {
	b := wat(t, `(module
	  (global $hits (export "hits") (mut i32) (i32.const 0))
	  (func $side (result i32) global.get $hits i32.const 1 i32.add global.set $hits i32.const 42)
	  (func (export "run") (result i32) (local i32) i32.const 1 drop call $side))`)
	m := parse(t, b)
	if v := instantiate(t, b).mustCall(t, "run"); v != int32(42) {
		t.Fatalf("before: run() = %v", v)
	}
	calls, _ := m.Calls(1)
	if len(calls) != 1 {
		t.Fatal(calls)
	}
	site := calls[0]
	fileOff, _ := m.FileOffset(site)
	if err := m.ReplaceWithUnreachable(1, site.Offset+1); err == nil {
		t.Errorf("replacing at an offset inside an instruction succeeded")
	}
	if err := m.ReplaceWithUnreachable(1, site.Offset); err != nil {
		t.Fatal(err)
	}
	out := encodeValid(t, m)
	if len(out) != len(b) {
		t.Errorf("module size changed from %d to %d; padding should keep it", len(b), len(out))
	}
	in := instantiate(t, out)
	_, err := in.call(t, "run")
	trap := trapOf(t, err)
	if c := trap.Code(); c == nil || *c != wasmtime.UnreachableCodeReached {
		t.Errorf("trap code %v, want unreachable", c)
	}
	fr := trap.Frames()[0]
	if fr.FuncIndex() != 1 || int(fr.FuncOffset()) != site.Offset || int(fr.ModuleOffset()) != fileOff {
		t.Errorf("trap at func %d offset %d (file %d), want func 1 offset %d (file %d)", fr.FuncIndex(), fr.FuncOffset(), fr.ModuleOffset(), site.Offset, fileOff)
	}
	if v := in.inst.GetExport(in.store, "hits").Global().Get(in.store).I32(); v != 0 {
		t.Errorf("the replaced call ran: hits = %d", v)
	}
	// The end of a block is not replaceable.
	m2 := parse(t, b)
	f, _ := m2.Func(1)
	if err := m2.ReplaceWithUnreachable(1, len(f.Body)-1); err == nil {
		t.Errorf("replacing the final end succeeded")
	}
}

func TestGuardGlobalSet(t *testing.T) {
	for _, typ := range []string{"i32", "i64"} {
		t.Run(typ, func(t *testing.T) {
			src := strings.ReplaceAll(`(module
			  (global $sp (export "sp") (mut T) (T.const 5000))
			  (global $other (mut T) (T.const 0))
			  (func (export "set") (param T) local.get 0 global.set $sp)
			  (func (export "setOther") (param T) local.get 0 global.set $other)
			  (func (export "push") (param T) global.get $sp local.get 0 T.sub global.set $sp)
			  (func (export "get") (result T) global.get $sp))`, "T", typ)
			b := wat(t, src)
			m := parse(t, b)
			nfuncs := m.NumFuncs()
			guard, err := m.GuardGlobalSet(0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if guard != nfuncs {
				t.Errorf("guard index %d, want %d (end of the index space)", guard, nfuncs)
			}
			out := encodeValid(t, m)
			m2, _ := Parse(out)
			sets, _ := m2.Find(nil, func(in *Instr) bool { return in.Op == OpGlobalSet && in.Index == 0 })
			calls, _ := m2.Find(nil, func(in *Instr) bool { return in.Op == OpCall && in.Index == guard })
			if len(sets) != 2 || len(calls) != 2 {
				t.Errorf("%d writes of global 0 and %d calls of the guard, want 2 and 2", len(sets), len(calls))
			}
			val := func(v int64) any {
				if typ == "i32" {
					return int32(v)
				}
				return v
			}
			in := instantiate(t, out)
			in.mustCall(t, "set", val(1000)) // at the bound: allowed
			if v := in.mustCall(t, "get"); v != val(1000) {
				t.Errorf("get() = %v after set(1000)", v)
			}
			in.mustCall(t, "set", val(4000))
			in.mustCall(t, "push", val(100))
			if v := in.mustCall(t, "get"); v != val(3900) {
				t.Errorf("get() = %v after push(100)", v)
			}
			_, err = in.call(t, "set", val(999))
			if c := trapOf(t, err).Code(); c == nil || *c != wasmtime.UnreachableCodeReached {
				t.Errorf("trap code %v, want unreachable", c)
			}
			// The write lands before the check traps; a real program never
			// runs again after the trap, the test sets a sane value back.
			in.mustCall(t, "set", val(3900))
			_, err = in.call(t, "push", val(3000)) // 3900-3000 = 900 < 1000
			trapOf(t, err)
			_, err = in.call(t, "set", val(-1)) // unsigned: a huge value, allowed
			if err != nil {
				t.Errorf("set(-1) trapped; the bound is unsigned: %v", err)
			}
			if v := in.mustCall(t, "get"); v != val(-1) {
				t.Errorf("get() = %v after set(-1)", v)
			}
			in.mustCall(t, "setOther", val(1)) // other globals are not guarded
		})
	}
	m := parse(t, wat(t, `(module (global (mut f32) (f32.const 0)) (global i32 (i32.const 0)))`))
	if _, err := m.GuardGlobalSet(0, 1); err == nil {
		t.Error("guarding an f32 global succeeded")
	}
	if _, err := m.GuardGlobalSet(1, 1); err == nil {
		t.Error("guarding an immutable global succeeded")
	}
}

func TestReplaceData(t *testing.T) {
	b := wat(t, `(module
	  (memory (export "mem") 1 8)
	  (data (i32.const 100) "old contents")
	  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))`)
	m := parse(t, b)
	image := make([]byte, 3*65536+1000) // spans into a 4th page
	copy(image[10:], "abc")
	copy(image[13+20:], "short gap") // 20 zeros: below the threshold, same segment
	copy(image[5000:], "after a long gap")
	// page 1 stays all zero
	for i := 2 * 65536; i < 2*65536+300; i++ {
		image[i] = byte(i%251 + 1)
	}
	binary.LittleEndian.PutUint32(image[3*65536+900:], 0xdeadbeef)
	if _, err := m.ReplaceData(image, 32); err == nil {
		t.Fatal("ReplaceData succeeded with contents beyond the memory minimum")
	}
	if err := m.SetMemoryMin(4); err != nil {
		t.Fatal(err)
	}
	n, err := m.ReplaceData(image, 32)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%d segments, want 4", n)
	}
	if s := m.Data[0].Init; string(s[:3]) != "abc" || s[len(s)-1] != 'p' {
		t.Errorf("first segment %q", s)
	}
	out := encodeValid(t, m)
	in := instantiate(t, out)
	mem := in.inst.GetExport(in.store, "mem").Memory()
	if got := mem.Size(in.store); got != 4 {
		t.Errorf("memory has %d pages, want 4", got)
	}
	data := mem.UnsafeData(in.store)
	if !bytes.Equal(data[:len(image)], image) {
		t.Error("memory after instantiation differs from the image")
	}
	if !bytes.Equal(data[len(image):], make([]byte, len(data)-len(image))) {
		t.Error("memory beyond the image is not zero")
	}
	if v := in.mustCall(t, "load", int32(100)); v != int32(0) {
		t.Errorf("old data survived: load(100) = %v", v)
	}
	// The maximum is kept when it is above the new minimum and raised when
	// below.
	m2, _ := Parse(out)
	if l := m2.Memories[0]; l.Min != 4 || !l.HasMax || l.Max != 8 {
		t.Errorf("limits %+v, want min 4 max 8", l)
	}
	if err := m2.SetMemoryMin(9); err != nil {
		t.Fatal(err)
	}
	if l := m2.Memories[0]; l.Min != 9 || l.Max != 9 {
		t.Errorf("limits %+v, want min 9 max 9", l)
	}
	if err := m2.SetMemoryMin(70000); err == nil {
		t.Error("SetMemoryMin(70000) succeeded")
	}
	// An all-zero image produces no segments.
	if n, err := m2.ReplaceData(make([]byte, 65536), 32); err != nil || n != 0 || len(m2.Data) != 0 {
		t.Errorf("zero image: %d segments, %v", n, err)
	}
	encodeValid(t, m2)
}

func TestReplaceDataRefusesBulkMemoryUsers(t *testing.T) {
	b := wat(t, `(module (memory 1)
	  (data $p "x")
	  (data (i32.const 0) "y")
	  (func (export "init") i32.const 0 i32.const 0 i32.const 1 memory.init $p))`)
	m := parse(t, b)
	if m.DataCount == nil {
		t.Fatal("expected a data count section")
	}
	if _, err := m.ReplaceData([]byte{1, 2, 3}, 32); err == nil || !strings.Contains(err.Error(), "memory.init") {
		t.Errorf("ReplaceData: %v, want a refusal naming memory.init", err)
	}
}

func TestReplaceDataUpdatesDataCount(t *testing.T) {
	// A data count section without bulk-memory users: it must be updated.
	b := wat(t, `(module (memory (export "mem") 1)
	  (data (i32.const 0) "a") (data (i32.const 100) "b") (data (i32.const 200) "c"))`)
	m := parse(t, b)
	// wat2wasm only writes a data count section when it is needed, so add
	// one the way a linker might.
	three := uint32(3)
	m.DataCount = &three
	m.touch(SecDataCount)
	b = encodeValid(t, m)
	m = parse(t, b)
	if m.DataCount == nil {
		t.Fatal("no data count section")
	}
	if _, err := m.ReplaceData([]byte("xyz"), 32); err != nil {
		t.Fatal(err)
	}
	out := encodeValid(t, m)
	m2, _ := Parse(out)
	if m2.DataCount == nil || *m2.DataCount != 1 || len(m2.Data) != 1 {
		t.Errorf("data count %v, %d segments; want 1", m2.DataCount, len(m2.Data))
	}
	in := instantiate(t, out)
	if got := in.inst.GetExport(in.store, "mem").Memory().UnsafeData(in.store)[:4]; string(got) != "xyz\x00" {
		t.Errorf("memory starts %q", got)
	}
}

func TestNonZeroSpans(t *testing.T) {
	cases := []struct {
		in   string
		run  int
		want [][2]int
	}{
		{"", 2, nil},
		{"\x00\x00\x00", 2, nil},
		{"a", 2, [][2]int{{0, 1}}},
		{"a\x00b", 2, [][2]int{{0, 3}}},
		{"a\x00\x00b", 2, [][2]int{{0, 1}, {3, 4}}},
		{"\x00a\x00\x00\x00bc\x00", 2, [][2]int{{1, 2}, {5, 7}}},
		{"a\x00", 1, [][2]int{{0, 1}}},
	}
	for _, c := range cases {
		got := nonZeroSpans([]byte(c.in), c.run)
		if len(got) != len(c.want) {
			t.Errorf("%q/%d: %v, want %v", c.in, c.run, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q/%d: %v, want %v", c.in, c.run, got, c.want)
			}
		}
	}
}

func TestSetGlobalInit(t *testing.T) {
	b := wat(t, `(module
	  (global (export "a") i32 (i32.const 1))
	  (global (export "b") (mut i64) (i64.const 1))
	  (global (export "c") f32 (f32.const 1))
	  (global (export "d") f64 (f64.const 1)))`)
	m := parse(t, b)
	vals := []Value{
		{I32, uint64(uint32(0xfffffff0))},
		{I64, uint64(1) << 40},
		{F32, uint64(math.Float32bits(-0.75))},
		{F64, math.Float64bits(1e300)},
	}
	for i, v := range vals {
		if err := m.SetGlobalInit(uint32(i), v); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.SetGlobalInit(0, Value{I64, 1}); err == nil {
		t.Error("setting an i32 global to an i64 succeeded")
	}
	in := instantiate(t, encodeValid(t, m))
	get := func(name string) wasmtime.Val { return in.inst.GetExport(in.store, name).Global().Get(in.store) }
	if v := get("a").I32(); v != -16 {
		t.Errorf("a = %d", v)
	}
	if v := get("b").I64(); v != 1<<40 {
		t.Errorf("b = %d", v)
	}
	if v := get("c").F32(); v != -0.75 {
		t.Errorf("c = %v", v)
	}
	if v := get("d").F64(); v != 1e300 {
		t.Errorf("d = %v", v)
	}
}

func TestExportsAndStart(t *testing.T) {
	b := wat(t, `(module
	  (memory 1)
	  (global $n (mut i32) (i32.const 0))
	  (func $init global.get $n i32.const 1 i32.add global.set $n)
	  (func $double (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
	  (func (export "old") nop)
	  (start $init))`)
	m := parse(t, b)
	if in := instantiate(t, b); in.inst.GetExport(in.store, "n") != nil {
		t.Fatal("unexpected export n")
	}
	if !m.RemoveStart() || m.RemoveStart() {
		t.Error("RemoveStart did not report the start section correctly")
	}
	for _, e := range []Export{{"double", KindFunc, 1}, {"n", KindGlobal, 0}, {"memory", KindMemory, 0}} {
		if err := m.AddExport(e.Name, e.Kind, e.Index); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.AddExport("double", KindFunc, 0); err == nil {
		t.Error("duplicate export name accepted")
	}
	if err := m.AddExport("x", KindFunc, 99); err == nil {
		t.Error("out-of-range export accepted")
	}
	if !m.RemoveExport("old") || m.RemoveExport("old") {
		t.Error("RemoveExport did not report the export correctly")
	}
	out := encodeValid(t, m)
	if bytes.Contains(out, []byte("old")) {
		t.Error("removed export still present")
	}
	in := instantiate(t, out)
	if v := in.mustCall(t, "double", int32(21)); v != int32(42) {
		t.Errorf("double(21) = %v", v)
	}
	if v := in.inst.GetExport(in.store, "n").Global().Get(in.store).I32(); v != 0 {
		t.Errorf("n = %d: the start function still ran", v)
	}
	if in.inst.GetExport(in.store, "memory").Memory() == nil {
		t.Error("memory not exported")
	}
	if in.inst.GetExport(in.store, "old") != nil {
		t.Error("old still exported")
	}
}

// TestAddSectionsToEmptyModule adds a function, an export and data to a
// module that has none of the sections they need.
func TestAddSectionsToEmptyModule(t *testing.T) {
	m := parse(t, wat(t, `(module (memory 1) (@custom "tail" "x"))`))
	idx, err := m.AddFunction(FuncType{Results: []ValType{I32}}, []LocalGroup{{1, I32}}, []byte{byte(OpI32Const), 7, byte(OpEnd)})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddExport("seven", KindFunc, idx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ReplaceData([]byte("hi"), 32); err != nil {
		t.Fatal(err)
	}
	out := encodeValid(t, m)
	m2, _ := Parse(out)
	if last := m2.Sections[len(m2.Sections)-1]; last.ID != SecCustom || last.Name != "tail" {
		t.Errorf("custom section no longer last: %v", last.ID)
	}
	if v := instantiate(t, out).mustCall(t, "seven"); v != int32(7) {
		t.Errorf("seven() = %v", v)
	}
}

func TestAnalysis(t *testing.T) {
	b := wat(t, `(module
	  (import "wasi" "args" (func $args (param i32 i32) (result i32)))
	  (memory 1)
	  (global $sp (mut i32) (i32.const 1024))
	  (data (i32.const 2000) "xx__main__\00yy")
	  (func $grow (param i32) (result i32) memory.size drop local.get 0 memory.grow)
	  (func $alloc (param i32) (result i32) local.get 0 call $grow)
	  (func $user (result i32)
	    global.get $sp i32.const 16 i32.sub global.set $sp
	    i32.const 2002 i32.const 0 call $args drop
	    i32.const 8 call $alloc drop
	    i32.const 8 call $alloc)
	  (func $other (result i32) i32.const 2012))`)
	m := parse(t, b)
	calls, err := m.Calls(3)
	if err != nil {
		t.Fatal(err)
	}
	var targets []uint32
	for _, c := range calls {
		targets = append(targets, c.Index)
	}
	if !equalU32(targets, []uint32{0, 2, 2}) {
		t.Errorf("calls of $user: %v", targets)
	}
	if idx, ok := m.FuncIndexOfImport("wasi", "args"); !ok || idx != 0 {
		t.Errorf("FuncIndexOfImport = %d %v", idx, ok)
	}
	if c, _ := m.Callers(2); !equalU32(c, []uint32{3}) {
		t.Errorf("callers of $alloc: %v", c)
	}
	if c, _ := m.Callers(1); !equalU32(c, []uint32{2}) {
		t.Errorf("callers of $grow: %v", c)
	}
	acc, _ := m.GlobalAccesses(0)
	if len(acc) != 2 || acc[0].Op != OpGlobalGet || acc[1].Op != OpGlobalSet || acc[0].Func != 3 {
		t.Errorf("global accesses: %+v", acc)
	}
	grow, _ := m.MemoryGrowUsers()
	if len(grow) != 2 || grow[0].Func != 1 || grow[1].Func != 1 {
		t.Errorf("memory.grow/size users: %+v", grow)
	}
	addrs := m.FindData([]byte("__main__\x00"))
	if len(addrs) != 1 || addrs[0] != 2002 {
		t.Fatalf("FindData = %v", addrs)
	}
	refs, _ := m.ConstRefs(nil, addrs[0], addrs[0]+9)
	if len(refs) != 1 || refs[0].Func != 3 || refs[0].Const != 2002 {
		t.Errorf("ConstRefs = %+v", refs)
	}
}

func equalU32(a, b []uint32) bool {
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

func TestParseErrors(t *testing.T) {
	good := wat(t, `(module (memory 1) (func (export "f") (result i32) i32.const 1))`)
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"version", []byte("\x00asm\x02\x00\x00\x00"), "unsupported version"},
		{"truncated", good[:len(good)-3], "exceeds"},
		{"section size", append(append([]byte{}, magic...), 1, 0xff, 0xff, 0xff, 0xff, 0x0f), "exceeds"},
		{"huge count", append(append([]byte{}, magic...), 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f), "type count"},
		{"overlong leb", append(append([]byte{}, magic...), 1, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), "too long"},
		{"order", append(append([]byte{}, magic...), 3, 1, 0, 1, 1, 0), "out of order"},
		{"bad valtype", append(append([]byte{}, magic...), 1, 4, 1, 0x60, 1, 0x55), "invalid value type"},
		{"unknown opcode", append(append([]byte{}, magic...),
			1, 4, 1, 0x60, 0, 0, // type: () -> ()
			3, 2, 1, 0, // function 0 of type 0
			10, 5, 1, 3, 0, 0xff, 0x0b), "unknown opcode"},
		{"missing end", append(append([]byte{}, magic...),
			1, 4, 1, 0x60, 0, 0,
			3, 2, 1, 0,
			10, 4, 1, 2, 0, 0x01), "without end"},
		{"code without funcs", append(append([]byte{}, magic...), 10, 1, 0), ""},
		{"funcs without code", append(append([]byte{}, magic...), 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0), "no code section"},
		{"bad type index", append(append([]byte{}, magic...), 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b), "type index"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			if c.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse error %v, want one containing %q", err, c.want)
			}
		})
	}
	var unk error
	_, unk = Parse(cases[8].in)
	if !errors.Is(unk, ErrUnknownOpcode) {
		t.Errorf("unknown opcode error %v does not match ErrUnknownOpcode", unk)
	}
}

func TestLEB(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, 64, -64, -65, 1 << 31, -1 << 31, math.MaxInt64, math.MinInt64, 624485, -123456} {
		enc := appendSLEB(nil, v)
		r := newReader(enc, 0)
		if got := r.sleb(64); r.err != nil || got != v || !r.eof() {
			t.Errorf("sleb64 %d: got %d err %v", v, got, r.err)
		}
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			r := newReader(enc, 0)
			if got := r.sleb(32); r.err != nil || got != v {
				t.Errorf("sleb32 %d: got %d err %v", v, got, r.err)
			}
		}
	}
	for _, v := range []uint64{0, 127, 128, math.MaxUint32, math.MaxUint64} {
		r := newReader(appendULEB(nil, v), 0)
		if got := r.uleb(64); r.err != nil || got != v {
			t.Errorf("uleb64 %d: got %d err %v", v, got, r.err)
		}
	}
	bad := []struct {
		in   []byte
		bits uint
		sign bool
	}{
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x1f}, 32, false}, // > u32
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x4f}, 32, true}, // bits above the sign differ
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x10}, 32, true},
		{[]byte{0x80}, 32, false}, // truncated
	}
	for _, c := range bad {
		r := newReader(c.in, 0)
		if c.sign {
			r.sleb(c.bits)
		} else {
			r.uleb(c.bits)
		}
		if r.err == nil {
			t.Errorf("% x accepted as %d-bit (signed %v)", c.in, c.bits, c.sign)
		}
	}
	// Padded encodings, as linkers write them, are valid.
	r := newReader([]byte{0x85, 0x80, 0x80, 0x80, 0x00}, 0)
	if v := r.u32(); r.err != nil || v != 5 {
		t.Errorf("padded u32: %d %v", v, r.err)
	}
	r = newReader([]byte{0xff, 0xff, 0xff, 0xff, 0x7f}, 0)
	if v := r.sleb(32); r.err != nil || v != -1 {
		t.Errorf("padded s32 -1: %d %v", v, r.err)
	}
}

func TestAddGlobalExported(t *testing.T) {
	wasm, err := wasmtime.Wat2Wasm(`(module (global (mut i32) (i32.const 7)) (func (export "f") (result i32) (global.get 0)))`)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := m.AddGlobal(Value{Type: I64, Bits: 1 << 40}, false)
	if err != nil || idx != 1 {
		t.Fatalf("AddGlobal = %d, %v", idx, err)
	}
	if err := m.AddExport("big", KindGlobal, idx); err != nil {
		t.Fatal(err)
	}
	eng := wasmtime.NewEngine()
	mod, err := wasmtime.NewModule(eng, m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(eng)
	inst, err := wasmtime.NewInstance(store, mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := inst.GetExport(store, "big").Global().Get(store).I64(); got != 1<<40 {
		t.Errorf("exported global = %d", got)
	}
	if got, _ := inst.GetFunc(store, "f").Call(store); got.(int32) != 7 {
		t.Errorf("the old global reads %v", got)
	}
}

func TestRenameImportAndRedirectCalls(t *testing.T) {
	wasm, err := wasmtime.Wat2Wasm(`(module
	  (import "env" "double" (func $double (param i32) (result i32)))
	  (import "env" "unused" (func $unused (param i32) (result i32)))
	  (func (export "f") (param i32) (result i32) (call $double (local.get 0)))
	  (func (export "g") (param i32) (result i32) (i32.add (call $double (local.get 0)) (i32.const 1))))`)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.RenameImport(1, "mine", "triple"); err != nil {
		t.Fatal(err)
	}
	// wrapper: triple for odd numbers, double otherwise, then never redirected itself.
	wrap, err := m.AddFunction(FuncType{Params: []ValType{I32}, Results: []ValType{I32}}, nil, []byte{
		byte(OpLocalGet), 0, byte(OpI32Const), 1, 0x71, // i32.and
		byte(OpIf), byte(I32), byte(OpLocalGet), 0, byte(OpCall), 1,
		byte(OpElse), byte(OpLocalGet), 0, byte(OpCall), 0, byte(OpEnd), byte(OpEnd)})
	if err != nil {
		t.Fatal(err)
	}
	n, err := m.RedirectCalls(0, wrap, wrap)
	if err != nil || n != 2 {
		t.Fatalf("RedirectCalls = %d, %v; want 2 calls", n, err)
	}
	if _, err := m.RedirectCalls(0, 99); err == nil {
		t.Error("redirecting to a function that does not exist succeeded")
	}
	eng := wasmtime.NewEngine()
	mod, err := wasmtime.NewModule(eng, m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(eng)
	l := wasmtime.NewLinker(eng)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.FuncWrap("env", "double", func(x int32) int32 { return 2 * x }))
	must(l.FuncWrap("mine", "triple", func(x int32) int32 { return 3 * x }))
	inst, err := l.Instantiate(store, mod)
	must(err)
	for arg, want := range map[int32]int32{4: 8, 5: 15} {
		if got, err := inst.GetFunc(store, "f").Call(store, arg); err != nil || got.(int32) != want {
			t.Errorf("f(%d) = %v, %v; want %d", arg, got, err, want)
		}
		if got, _ := inst.GetFunc(store, "g").Call(store, arg); got.(int32) != want+1 {
			t.Errorf("g(%d) = %v; want %d", arg, got, want+1)
		}
	}
}
