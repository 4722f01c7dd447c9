package python

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/engine"
)

// unusedSlot is the guest path written over the placeholder of a slot an
// execution does not use: not absolute, so no path ever resolves to it.
const unusedSlot = "\x01"

// Prepare decides whether spec can run from the snapshot and, when it can,
// lays its mounts out in the snapshot's slots and makes room for the
// snapshot's stack above the memory cap. A spec runs cold (from _start)
// when its interpreter command line is not the default (the snapshot's
// flags are frozen), when it has more than Slots-1 mounts, or when a guest
// path is longer than MaxGuestPathBytes.
func Prepare(spec *engine.Spec) {
	if !slices.Equal(spec.Argv, Argv) || len(spec.Mounts) > Slots-1 || len(spec.GuestWorkspace) > MaxGuestPathBytes {
		return
	}
	for _, m := range spec.Mounts {
		if len(m.Guest) > MaxGuestPathBytes {
			return
		}
	}
	for len(spec.Mounts) < Slots-1 {
		spec.Mounts = append(spec.Mounts, engine.Mount{Host: spec.Workspace, Guest: unusedSlot})
	}
	spec.MemoryBytes += StackBytes
	spec.Snapshot = true
	spec.HostFS = true
}

// runArgs is what the bootstrap's start() receives, as base64 of JSON.
type runArgs struct {
	Code      string            `json:"code"`
	Workspace string            `json:"workspace"`
	Env       map[string]string `json:"env"`
	Args      []string          `json:"args,omitempty"`
	Stage     *string           `json:"stage,omitempty"`
	Limit     int64             `json:"limit,omitempty"`
	Packages  []string          `json:"packages,omitempty"`
	Script    string            `json:"script,omitempty"`
	// Line makes stdout line-buffered (the output is mirrored live).
	Line bool `json:"line,omitempty"`
}

// RunSnapshot runs the execution's code in a fresh instance of the
// snapshot module mod; spec must have been prepared by Prepare.
func RunSnapshot(x *engine.Execution, mod *wasmtime.Module) error {
	s := x.Spec
	inst, err := x.Instantiate(mod)
	if err != nil {
		return err
	}
	defer func() {
		x.RecordMemoryPeak(inst)
		x.MemPeak = max(0, x.MemPeak-StackBytes)
	}()
	mem := inst.GetExport(x.Store, "memory").Memory()

	l, err := layoutOf(x, mod, inst)
	if err != nil {
		return err
	}
	// Name the slots as this execution's directories are named.
	names := []string{s.GuestWorkspace}
	for _, m := range s.Mounts {
		names = append(names, m.Guest)
	}
	data := mem.UnsafeData(x.Store)
	for i, name := range names {
		// wasi-libc keeps a preopen's name without its leading "/".
		name = strings.TrimLeft(name, "/")
		for _, at := range l.slots[i] {
			if at < 0 || at+len(name)+1 > len(data) || len(name) > MaxGuestPathBytes {
				return fmt.Errorf("python snapshot: slot %d does not fit", i)
			}
			copy(data[at:], name)
			data[at+len(name)] = 0
		}
	}

	a := runArgs{Code: base64.StdEncoding.EncodeToString([]byte(s.Code)), Workspace: s.GuestWorkspace, Env: s.Env, Args: s.Args,
		Packages: s.Packages, Script: s.ScriptName, Line: s.StdoutMirror != nil}
	if g := s.Globals; g != nil {
		stage := StateGuestDir
		a.Stage, a.Limit = &stage, g.Max
	}
	blob, err := json.Marshal(a)
	if err != nil {
		return err
	}
	src := `__import__("_wasmsandbox").start("` + base64.StdEncoding.EncodeToString(blob) + "\")\x00"
	p, err := inst.GetFunc(x.Store, exportMalloc).Call(x.Store, int32(len(src)))
	if err != nil {
		return err
	}
	ptr := int(p.(int32))
	data = mem.UnsafeData(x.Store) // malloc may have grown the memory
	if ptr <= 0 || ptr+len(src) > len(data) {
		return fmt.Errorf("python snapshot: malloc(%d) = %d", len(src), ptr)
	}
	copy(data[ptr:], src)
	_, err = inst.GetFunc(x.Store, exportRun).Call(x.Store, int32(ptr), int32(0))
	// However the guest ended, what it printed and did not flush is not
	// lost (after a normal end the buffer is empty).
	recoverStdout(x, mem.UnsafeData(x.Store), l.out)
	if err == nil {
		// start() always exits; returning means the bootstrap itself failed.
		return errors.New("python snapshot: the execution returned without exiting")
	}
	var trap *wasmtime.Trap
	if errors.As(err, &trap) {
		if fr := trap.Frames(); len(fr) > 0 && fr[0].FuncIndex() == l.guard {
			return errStackOverflow
		}
	}
	return err
}

// layout is what a snapshot module exports about itself: the addresses of
// its slots' names and its stack guard. It is the same for every instance,
// so it is read from the first one and kept per module.
type layout struct {
	slots [Slots][]int
	guard uint32
	out   outFields
}

var layouts sync.Map // *wasmtime.Module -> *layout

func layoutOf(x *engine.Execution, mod *wasmtime.Module, inst *wasmtime.Instance) (*layout, error) {
	if l, ok := layouts.Load(mod); ok {
		return l.(*layout), nil
	}
	l := &layout{}
	g := inst.GetExport(x.Store, exportGuard)
	if g == nil || g.Global() == nil {
		return nil, errors.New("python snapshot: no stack guard export")
	}
	l.guard = uint32(g.Global().Get(x.Store).I32())
	for name, dst := range map[string]*uint32{exportOutBuffer: &l.out.buffer, exportOutWritePos: &l.out.writePos, exportOutWriteEnd: &l.out.writeEnd} {
		g := inst.GetExport(x.Store, name)
		if g == nil || g.Global() == nil {
			return nil, fmt.Errorf("python snapshot: no %s export", name)
		}
		*dst = uint32(g.Global().Get(x.Store).I32())
	}
	for i := range Slots {
		for k := range maxSlotCopies {
			g := inst.GetExport(x.Store, fmt.Sprintf(exportSlot, i, k))
			if g == nil || g.Global() == nil {
				break
			}
			l.slots[i] = append(l.slots[i], int(g.Global().Get(x.Store).I32()))
		}
		if len(l.slots[i]) == 0 {
			return nil, fmt.Errorf("python snapshot: slot %d has no address", i)
		}
	}
	layouts.Store(mod, l)
	return l, nil
}

// errStackOverflow is the error of a guest stopped by the stack guard.
var errStackOverflow = errors.New("wasm trap: " + engine.StackOverflow)
