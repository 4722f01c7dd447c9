package python

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/dwarfwasm"
	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/snapshot"
	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// A Python snapshot is the pinned CPython command module, started once at
// build time exactly as a cold execution starts it (-I -X utf8 -u, the
// default environment), with the standard library modules typical code
// uses imported and the bootstrap loaded (snapshot.py), then captured just
// before it would finalise. Each execution instantiates it (tens of
// microseconds) and calls PyRun_SimpleStringFlags with one line that hands
// the code to the bootstrap.
//
// What the build freezes and how each execution gets its own:
//
//   - The directories: wasi-libc reads its table of preopened directories
//     once, so the snapshot is built with Slots preopens named by long
//     placeholders. Each execution preopens exactly Slots directories in
//     the same order (the workspace, the mounts, then the workspace again,
//     read-only, as filler) and writes the real guest paths over the
//     placeholders, whose addresses the snapshot exports as globals.
//     The number of preopens also fixes the descriptor of the standard
//     library that wasi-vfs serves right after them.
//   - File calls: the snapshot imports every fd_*, path_* and sock_* call
//     from the engine's own file system (hostFiles, engine.FSModule), which
//     lays out its descriptors as wasmtime's WASI did at build time: 0-2
//     the standard streams, then one preopened directory per slot.
//   - The environment, argv and working directory: set by the bootstrap.
//   - The C stack: moved to a region of StackBytes of its own above the
//     captured memory, with every write of the stack pointer checked
//     (internal/snapshot), and CPython's C recursion limit raised to match.
//   - Randomness: modules that seed themselves on import are not imported
//     at build time, so random, os.urandom and uuid differ per execution.
//     The build draws from a fixed stream (engine.Spec.FixedRandom), so the
//     str hash secret is the same in every snapshot on every machine: every
//     dict in the snapshot caches hashes made with it, so it cannot change
//     per run, and a fixed one keeps the fuel of the same code the same
//     everywhere (dict probing depends on it).

//go:embed snapshot.py
var snapshotInit string

// Transform names the snapshot recipe, and so keys its cached builds:
// recipeVersion, which changes whenever the Go side of the recipe changes
// what a snapshot holds or how it is laid out, and a digest of the Python
// sources the snapshot is initialised from, so that no edit of those can
// reuse a stale build.
var Transform = func() string {
	h := sha256.New()
	for _, src := range []string{snapshotInit, bootstrap, persistSource, compatSource} {
		fmt.Fprintf(h, "%d:%s", len(src), src)
	}
	return fmt.Sprintf("%s-%x", recipeVersion, h.Sum(nil)[:8])
}()

// recipeVersion is the Go side's part of Transform.
const recipeVersion = "python-snapshot/20+hostfs+outbuf+packages"

const (
	// Slots is the number of directories a snapshot's guest can be shown:
	// the workspace and up to Slots-1 mounts.
	Slots = 17
	// MaxGuestPathBytes is the longest guest path of a directory that a
	// snapshot can show (the length of the placeholders).
	MaxGuestPathBytes = 255
	// StackBytes is the size of a snapshot's C stack.
	StackBytes = 32 << 20
	// cRecursionLimit is the snapshot's C recursion limit (the build's
	// C_RECURSION_LIMIT is 500, sized for a 512 KiB stack): deep recursion
	// through C code ends in RecursionError before it reaches the stack
	// guard.
	cRecursionLimit = 6000
	// buildCRecursion is the C recursion limit the pinned build was made
	// with; at rest, a thread's c_recursion_remaining equals it.
	buildCRecursion = 500
)

// Exports of a snapshot module.
const (
	exportRun    = "wasmsandbox_run"
	exportMalloc = "wasmsandbox_malloc"
	exportGuard  = "wasmsandbox_stack_guard"
	// exportSlot names the global holding the address of one copy of a
	// slot's name: wasmsandbox_slot_<slot>_<copy>.
	exportSlot = "wasmsandbox_slot_%d_%d"
	// maxSlotCopies bounds how many copies of one placeholder the build
	// accepts in the captured memory.
	maxSlotCopies = 4
)

// placeholder is the name slot i has while the snapshot is built.
func placeholder(i int) string {
	p := fmt.Sprintf("/wasmsandbox-slot-%02d-", i)
	return p + strings.Repeat("x", MaxGuestPathBytes-len(p))
}

// BuildSnapshot makes the snapshot module from wasm, the pinned CPython
// command module, on eng. It takes two compilations and one CPython
// start; the caller caches the result (see modcache.LoadDerived).
func BuildSnapshot(eng *engine.Engine, wasm []byte) ([]byte, error) {
	m, err := wasmbin.Parse(wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	f, err := identify(m)
	if err != nil {
		return nil, err
	}
	image, outObj, err := initialise(eng, wasm, f)
	if err != nil {
		return nil, err
	}
	slots, err := findSlots(image)
	if err != nil {
		return nil, err
	}
	out, err := stdoutFields(m, image, outObj)
	if err != nil {
		return nil, err
	}
	if err := raiseCRecursion(m, image); err != nil {
		return nil, err
	}
	if err := fastStdio(m); err != nil {
		return nil, err
	}
	if err := hostFiles(m); err != nil {
		return nil, err
	}
	l, err := snapshot.Build(m, image, snapshot.Options{StackPointer: f.stackPointer, StackBytes: StackBytes})
	if err != nil {
		return nil, err
	}
	exports := []struct {
		name string
		kind wasmbin.ExternKind
		idx  uint32
	}{{exportRun, wasmbin.KindFunc, f.runString}, {exportMalloc, wasmbin.KindFunc, f.malloc}}
	add := func(name string, v uint64) error {
		g, err := m.AddGlobal(wasmbin.Value{Type: wasmbin.I32, Bits: v}, false)
		if err == nil {
			err = m.AddExport(name, wasmbin.KindGlobal, g)
		}
		return err
	}
	for name, v := range map[string]uint64{exportGuard: uint64(l.Guard), exportOutBuffer: uint64(out.buffer),
		exportOutWritePos: uint64(out.writePos), exportOutWriteEnd: uint64(out.writeEnd)} {
		if err := add(name, v); err != nil {
			return nil, err
		}
	}
	for i, addrs := range slots {
		for k, a := range addrs {
			if err := add(fmt.Sprintf(exportSlot, i, k), a); err != nil {
				return nil, err
			}
		}
	}
	for _, e := range exports {
		if err := m.AddExport(e.name, e.kind, e.idx); err != nil {
			return nil, err
		}
	}
	// _start would initialise CPython a second time over the snapshot.
	m.RemoveExport("_start")
	return m.Encode(), nil
}

// initialise starts CPython from a copy of the module whose call to
// Py_FinalizeEx traps, runs snapshot.py, and returns the memory at the
// trap (a fully initialised interpreter with only _start's frame on the
// stack) and the address of the stdout writer snapshot.py made.
func initialise(eng *engine.Engine, wasm []byte, f funcs) ([]byte, uint64, error) {
	im, err := wasmbin.Parse(wasm)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	if err := im.ReplaceWithUnreachable(f.start, f.finalizeAt); err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	mod, err := wasmtime.NewModule(eng.Wasmtime(), im.Encode())
	if err != nil {
		return nil, 0, fmt.Errorf("compiling the Python initialisation module: %w", err)
	}
	dir, err := os.MkdirTemp("", "wasmsandbox-snapshot-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	spec := engine.Spec{
		Fuel:           100_000_000_000,
		MemoryBytes:    1 << 30,
		Timeout:        5 * time.Minute,
		StdoutMax:      1 << 20,
		StderrMax:      1 << 20,
		Workspace:      dir,
		GuestWorkspace: placeholder(0),
		Env:            map[string]string{"HOME": "/app", "LANG": "C.UTF-8", "PWD": "/app"},
		Argv:           append(append([]string(nil), Argv...), "-c", snapshotInit, bootstrap, persistSource, compatSource),
		FixedRandom:    true,
	}
	for i := 1; i < Slots; i++ {
		spec.Mounts = append(spec.Mounts, engine.Mount{Host: dir, Guest: placeholder(i)})
	}
	x := engine.NewExecution(context.Background(), spec)
	var image []byte
	runErr, err := eng.Run(x, func(x *engine.Execution) error {
		inst, err := x.Instantiate(mod)
		if err != nil {
			return err
		}
		_, err = inst.GetFunc(x.Store, "_start").Call(x.Store)
		var trap *wasmtime.Trap
		if errors.As(err, &trap) {
			if fr := trap.Frames(); len(fr) > 0 && fr[0].FuncIndex() == f.start && int(fr[0].FuncOffset()) == f.finalizeAt {
				image = bytes.Clone(inst.GetExport(x.Store, "memory").Memory().UnsafeData(x.Store))
				return nil
			}
		}
		if err == nil {
			err = errors.New("it returned")
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	stdout, _ := x.Stdout.Result()
	stderr, _ := x.Stderr.Result()
	var obj uint64
	if n, _ := fmt.Sscanf(stdout, "wasmsandbox: snapshot ready, stdout writer at %d\n", &obj); n != 1 || runErr != nil || image == nil || stderr != "" ||
		stdout != fmt.Sprintf("wasmsandbox: snapshot ready, stdout writer at %d\n", obj) {
		return nil, 0, fmt.Errorf("%w: initialising CPython did not stop where expected (%v); stdout %q, stderr %q",
			ErrRecipe, firstLine(runErr), stdout, stderr)
	}
	return image, obj, nil
}

func firstLine(err error) string {
	if err == nil {
		return "no error"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// findSlots returns, for each slot, the addresses of the copies of its
// placeholder name in image.
func findSlots(image []byte) ([][]uint64, error) {
	out := make([][]uint64, Slots)
	for i := range Slots {
		// wasi-libc keeps a preopen's name without its leading "/".
		name := []byte(strings.TrimLeft(placeholder(i), "/") + "\x00")
		for off := 0; ; {
			j := bytes.Index(image[off:], name)
			if j < 0 {
				break
			}
			out[i] = append(out[i], uint64(off+j))
			off += j + len(name)
		}
		if n := len(out[i]); n == 0 || n > maxSlotCopies {
			return nil, fmt.Errorf("%w: the name of preopened directory %d appears %d times in the initialised memory, want 1 to %d",
				ErrRecipe, i, n, maxSlotCopies)
		}
	}
	return out, nil
}

// raiseCRecursion sets the main thread's c_recursion_remaining in image to
// cRecursionLimit, finding it through the DWARF of m:
// _PyRuntime.interpreters.main->threads.head->c_recursion_remaining.
func raiseCRecursion(m *wasmbin.Module, image []byte) error {
	d, err := dwarfwasm.Load(m)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	rt, rtType, err := dwarfwasm.Variable(d, "_PyRuntime")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	mainOff, mainType, err := dwarfwasm.Member(rtType, "interpreters.main")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	interpType, err := dwarfwasm.Deref(mainType)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	headOff, headType, err := dwarfwasm.Member(interpType, "threads.head")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	tstateType, err := dwarfwasm.Deref(headType)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	remOff, _, err := dwarfwasm.Member(tstateType, "c_recursion_remaining")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRecipe, err)
	}
	word := func(addr uint64) (uint64, error) {
		if addr+4 > uint64(len(image)) {
			return 0, fmt.Errorf("%w: address %#x is outside the initialised memory", ErrRecipe, addr)
		}
		return uint64(binary.LittleEndian.Uint32(image[addr:])), nil
	}
	interp, err := word(rt + uint64(mainOff))
	if err != nil {
		return err
	}
	tstate, err := word(interp + uint64(headOff))
	if err != nil {
		return err
	}
	at := tstate + uint64(remOff)
	rem, err := word(at)
	if err != nil {
		return err
	}
	if rem != buildCRecursion {
		return fmt.Errorf("%w: the main thread's c_recursion_remaining is %d at rest, want %d", ErrRecipe, rem, buildCRecursion)
	}
	binary.LittleEndian.PutUint32(image[at:], cRecursionLimit)
	return nil
}
