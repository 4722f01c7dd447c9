// Package dwarfwasm reads the DWARF debug information that clang leaves in
// a WebAssembly module's .debug_* custom sections, using the standard
// library's debug/dwarf, to find the addresses of C globals in linear
// memory and the byte offsets of struct members.
//
// It is separate from wasmbin so that the binary reader/rewriter stays free
// of debug-info concerns; it only needs wasmbin's custom sections.
package dwarfwasm

import (
	"debug/dwarf"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// Load returns the DWARF data of m. It fails if m has no .debug_info or
// .debug_abbrev section.
func Load(m *wasmbin.Module) (*dwarf.Data, error) {
	sec := func(name string) []byte {
		if s, ok := m.CustomSection(name); ok {
			return s.CustomData()
		}
		return nil
	}
	info, abbrev := sec(".debug_info"), sec(".debug_abbrev")
	if info == nil || abbrev == nil {
		return nil, errors.New("dwarfwasm: module has no .debug_info/.debug_abbrev sections")
	}
	d, err := dwarf.New(abbrev, sec(".debug_aranges"), sec(".debug_frame"), info, sec(".debug_line"), sec(".debug_pubnames"), sec(".debug_ranges"), sec(".debug_str"))
	if err != nil {
		return nil, fmt.Errorf("dwarfwasm: %w", err)
	}
	for _, name := range []string{".debug_addr", ".debug_line_str", ".debug_str_offsets", ".debug_rnglists", ".debug_loclists"} {
		if b := sec(name); b != nil {
			if err := d.AddSection(name, b); err != nil {
				return nil, fmt.Errorf("dwarfwasm: %s: %w", name, err)
			}
		}
	}
	return d, nil
}

// Variable returns the linear-memory address and the type of the global
// variable called name: the first DW_TAG_variable of that name whose
// location is a single DW_OP_addr.
func Variable(d *dwarf.Data, name string) (uint64, dwarf.Type, error) {
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return 0, nil, fmt.Errorf("dwarfwasm: %w", err)
		}
		if e == nil {
			return 0, nil, fmt.Errorf("dwarfwasm: no global variable %q with a static address", name)
		}
		if e.Tag != dwarf.TagVariable || e.Val(dwarf.AttrName) != name {
			continue
		}
		loc, ok := e.Val(dwarf.AttrLocation).([]byte)
		const opAddr = 0x03
		if !ok || len(loc) < 2 || loc[0] != opAddr {
			continue
		}
		var addr uint64
		switch len(loc) - 1 {
		case 4:
			addr = uint64(binary.LittleEndian.Uint32(loc[1:]))
		case 8:
			addr = binary.LittleEndian.Uint64(loc[1:])
		default:
			continue
		}
		toff, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
		if !ok {
			return 0, nil, fmt.Errorf("dwarfwasm: variable %q has no type", name)
		}
		t, err := d.Type(toff)
		if err != nil {
			return 0, nil, fmt.Errorf("dwarfwasm: type of %q: %w", name, err)
		}
		return addr, t, nil
	}
}

// Typedef returns the complete struct that the first typedef called name
// with a full definition names (C's "typedef struct {...} name;").
func Typedef(d *dwarf.Data, name string) (*dwarf.StructType, error) {
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("dwarfwasm: %w", err)
		}
		if e == nil {
			return nil, fmt.Errorf("dwarfwasm: no typedef %q of a complete struct", name)
		}
		if e.Tag != dwarf.TagTypedef || e.Val(dwarf.AttrName) != name {
			continue
		}
		t, err := d.Type(e.Offset)
		if err != nil {
			return nil, fmt.Errorf("dwarfwasm: typedef %q: %w", name, err)
		}
		if st, ok := Strip(t).(*dwarf.StructType); ok && !st.Incomplete {
			return st, nil
		}
	}
}

// Strip removes typedefs and qualifiers (const, volatile) around t.
func Strip(t dwarf.Type) dwarf.Type {
	for {
		switch u := t.(type) {
		case *dwarf.TypedefType:
			t = u.Type
		case *dwarf.QualType:
			t = u.Type
		default:
			return t
		}
	}
}

// Deref returns the type a pointer type (possibly behind typedefs) points
// to.
func Deref(t dwarf.Type) (dwarf.Type, error) {
	p, ok := Strip(t).(*dwarf.PtrType)
	if !ok {
		return nil, fmt.Errorf("dwarfwasm: %s is not a pointer", t)
	}
	if p.Type == nil {
		return nil, errors.New("dwarfwasm: void pointer")
	}
	return p.Type, nil
}

// Member returns the byte offset and the type of the member at path (dot
// separated, e.g. "interpreters.main") within the struct or union t. It
// does not follow pointers: use Deref and call Member again.
func Member(t dwarf.Type, path string) (int64, dwarf.Type, error) {
	var off int64
	for _, name := range strings.Split(path, ".") {
		st, ok := Strip(t).(*dwarf.StructType)
		if !ok {
			return 0, nil, fmt.Errorf("dwarfwasm: %s is not a struct (looking for %q)", t, name)
		}
		if st.Incomplete {
			return 0, nil, fmt.Errorf("dwarfwasm: %s is incomplete (a declaration)", t)
		}
		var f *dwarf.StructField
		for _, sf := range st.Field {
			if sf.Name == name {
				f = sf
				break
			}
		}
		if f == nil {
			return 0, nil, fmt.Errorf("dwarfwasm: %s has no member %q", st.StructName, name)
		}
		off += f.ByteOffset
		t = f.Type
	}
	return off, t, nil
}
