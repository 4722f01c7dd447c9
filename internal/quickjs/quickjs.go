// Package quickjs runs JavaScript in the QuickJS-NG WASI reactor shipped by
// the quickjs-wasi package (quickjs.wasm), with a Node-like guest API
// (console, timers, process, require/import of fs and path) whose file access
// goes through a confined *vfs.FS.
//
// The caller owns the engine, the linker and the store: it calls Define once
// per linker to add the env.* imports the module needs, then, per execution,
// creates a store whose data implements HostProvider, instantiates the module
// and calls Run.
package quickjs

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/vfs"
	"github.com/wasmsandbox/sandbox/internal/wasmcall"
)

// Host is the per-execution environment a guest sees. A Host is used by one
// Run at a time.
type Host struct {
	// Stdout and Stderr receive the guest's output (nil discards it).
	Stdout, Stderr io.Writer
	// Env is the complete process.env of the guest.
	Env map[string]string
	// Argv is process.argv; when empty it is ["node", <filename>].
	Argv []string
	// FS is the guest filesystem; nil means no files at all.
	FS *vfs.FS
	// Packages are the guest directories of the package sets whose
	// node_modules bare specifiers resolve in, after the node_modules
	// directories above the importing file.
	Packages []string
	// Cwd is process.cwd() and the base of relative paths ("/app" when empty).
	Cwd string
	// MemoryLimit caps QuickJS's heap (JS_SetMemoryLimit) in bytes; 0 means
	// no cap. Exceeding it throws a catchable InternalError "out of memory".
	MemoryLimit int64
	// Sleep blocks for d while the guest waits for its next timer. A non-nil
	// error (deadline passed, run cancelled) stops the guest; Run returns it.
	Sleep func(d time.Duration) error
	// Interrupted reports that the guest must stop now. It is polled from
	// QuickJS's interrupt handler; when it returns true the guest is stopped
	// with a trap and Run returns ErrInterrupted.
	Interrupted func() bool
	// MaxStackSize is QuickJS's stack limit in bytes (DefaultMaxStackSize
	// when 0, at most three quarters of the module's stack); see
	// DefaultMaxStackSize.
	MaxStackSize int
	// Zones is a directory of TZif files that Intl's time zones come from
	// (internal/tzdata's tree); when empty, Go's zone database.
	Zones string
	// Now returns the current time (time.Now when nil); timers use it.
	Now func() time.Time

	// PersistGlobals makes Run keep the guest's globals across runs (a
	// session's auto_persist_globals): it restores those in StateIn before
	// the code and, once the code and the event loop are done (also after
	// an uncaught error or in process.exit, but not when the guest was
	// interrupted, trapped or ran out of memory), saves into StateOut those
	// the code created that JSON can hold: strings, finite numbers,
	// booleans, null, and arrays and plain objects of those (an accessor
	// property is saved as its value; -0, non-enumerable and symbol-keyed
	// properties and an array's non-index properties are lost, as in
	// JSON.stringify). Functions, classes, undefined, NaN, BigInt, symbols,
	// Map, Set, Date, RegExp, typed arrays, class instances, cycles and
	// anything containing them are not kept. A script's top-level
	// declarations (var, let, const, function, class) and the properties
	// the code added to globalThis are saved; an ES module's own bindings
	// are private to it, so only the latter. Restored globals are writable,
	// configurable properties of globalThis, so the next code can reassign
	// them or redeclare them with let or const. What was not kept is named
	// in NotKept and, with the reason, on Stderr as
	// "wasmsandbox: not persisted: f (function), m (Map)".
	PersistGlobals bool
	// StateIn is the payload saved by an earlier Run (StateOut), nil when
	// none. A payload that cannot be read is reported on Stderr and the
	// guest starts without it.
	StateIn []byte
	// StateMax caps StateOut in bytes (0: no cap). When the globals take
	// more, nothing is saved (StateSaved stays false, so the caller keeps
	// the previous payload) and Stderr says so, naming the largest.
	StateMax int64

	// OutOfMemory is set by Run when the guest ended with an uncaught
	// out-of-memory error, i.e. it needed more than MemoryLimit.
	OutOfMemory bool
	// Uncaught is set by Run to the one-line form of the exception that
	// ended the guest ("Error: ENOENT: no such file or directory, open
	// 'x.json'"), empty when none did.
	Uncaught string
	// Stdin is what the script reads from standard input (as UTF-8 text).
	Stdin []byte
	// Value is the inspected completion value of a script that ran to its
	// end (what a REPL shows), empty when it is undefined or the code is
	// a module.
	Value string
	// StateSaved is set by Run when StateOut holds the globals to keep: a
	// JSON object mapping each global's name to its value.
	StateSaved bool
	StateOut   []byte
	// NotKept is set by Run to the names of the globals that were not
	// saved (at most 1000), whether or not StateSaved.
	NotKept []string

	r *run // state of the Run in progress
}

// HostProvider is implemented by the store's data (wasmtime.NewStoreWithData);
// the env.* host functions find the Host of the execution through it.
type HostProvider interface {
	QuickJSHost() *Host
}

// ErrInterrupted is returned by Run when Host.Interrupted stopped the guest.
var ErrInterrupted = errors.New("quickjs: guest interrupted")

// errNoRun is reported when a host function is called outside Run.
var errNoRun = errors.New("quickjs: host function called outside Run")

// Stack limits for QuickJS's own overflow check (JS_SetMaxStackSize), which
// turns deep recursion into a catchable RangeError. QuickJS measures the
// module's shadow stack (in linear memory), but each JavaScript frame also
// uses three to four times as much native wasm stack, which wasmtime caps
// with Config.SetMaxWasmStack (512 KiB by default). Keep Host.MaxStackSize
// at most a quarter of the engine's max wasm stack; otherwise deep
// recursion traps with "call stack exhausted" instead of throwing.
//
// Run never sets the limit above three quarters of the module's shadow
// stack, the rest being left for C code that does not check: quickjs.wasm
// as shipped has 1 MiB of stack below its data (so at most 768 KiB); a
// module whose stack was moved to a larger region says where that region
// starts in an exported i32 global named StackBaseExport.
const (
	// DefaultMaxStackSize suits wasmtime's default 512 KiB max wasm stack
	// (about 500 nested JavaScript calls).
	DefaultMaxStackSize = 128 << 10
	// StackBaseExport names the global in which a module with a relocated
	// stack exports the lowest address of its stack region.
	StackBaseExport = "wasmsandbox_stack_base"
)

// maxReadBytes caps a single file read by the guest (further capped by MemoryLimit).
const maxReadBytes = 256 << 20

// EvalFlags from QuickJS (JS_EVAL_*).
const (
	evalGlobal = 0
	evalModule = 1 << 0
	evalStrict = 1 << 3
	evalAsync  = 1 << 7
)

// Define adds the env.* imports of quickjs.wasm (host_call, host_interrupt,
// host_module_load, host_module_normalize, host_promise_rejection,
// host_get_timezone_offset) to linker. Call it once per linker; the functions
// are store-independent and find their Host through caller.Data(), which
// must implement HostProvider.
func Define(linker *wasmtime.Linker) error {
	defs := []struct {
		name, params, results string
		fn                    func(r *run, a wasmcall.Args) (int32, error)
	}{
		{"host_call", "iiiii", "i", (*run).hostCall},
		{"host_interrupt", "", "i", (*run).hostInterrupt},
		{"host_promise_rejection", "iii", "", (*run).hostPromiseRejection},
		{"host_module_normalize", "ii", "i", (*run).hostModuleNormalize},
		{"host_module_load", "ii", "i", (*run).hostModuleLoad},
		{"host_get_timezone_offset", "ii", "i", func(*run, wasmcall.Args) (int32, error) { return 0, nil }},
	}
	for _, d := range defs {
		err := wasmcall.Define(linker, "env", d.name, d.params, d.results, func(c *wasmtime.Caller, a wasmcall.Args) (_ uint64, err error) {
			r := runOf(c)
			if r == nil {
				return 0, errNoRun
			}
			prev := r.st
			r.st = c
			defer func() {
				r.st = prev
				// A bad pointer from the guest must not crash the host.
				if p := recover(); p != nil {
					err = r.trap(fmt.Errorf("quickjs: host function %s failed: %v", d.name, p))
				}
			}()
			v, err := d.fn(r, a)
			if err != nil {
				return 0, r.trap(err)
			}
			return uint64(uint32(v)), nil
		})
		if err != nil {
			return fmt.Errorf("quickjs: define env.%s: %w", d.name, err)
		}
	}
	return nil
}

func runOf(c *wasmtime.Caller) *run {
	hp, ok := c.Data().(HostProvider)
	if !ok {
		return nil
	}
	h := hp.QuickJSHost()
	if h == nil {
		return nil
	}
	return h.r
}

// Run executes code in the freshly instantiated quickjs.wasm instance inst:
// it initialises the reactor, creates the QuickJS runtime and context, applies
// the memory limit and interrupt handler, installs the guest API and
// evaluates code (as an ES module when it uses import/export, as a script
// otherwise, with top-level await allowed in both), then runs jobs and timers
// until nothing is pending.
//
// An uncaught exception or unhandled rejection is printed to h.Stderr and
// gives exitCode 1; process.exit(n) gives n. err is non-nil only when the
// execution failed outside JavaScript: a wasm trap or other error from
// wasmtime is returned unchanged (so fuel and epoch traps can be classified),
// an error from h.Sleep is returned as is, and ErrInterrupted when
// h.Interrupted stopped the guest. The instance must not be reused.
func Run(store *wasmtime.Store, inst *wasmtime.Instance, h *Host, code string, filename string) (exitCode int, err error) {
	if h == nil {
		return 0, errors.New("quickjs: nil Host")
	}
	r := &run{h: h, st: store, store: store, inst: inst, fns: map[string]*wasmtime.Func{}}
	h.r = r
	h.OutOfMemory, h.Uncaught = false, ""
	h.StateSaved, h.StateOut, h.NotKept = false, nil, nil
	defer func() { h.r = nil }()
	if h.Cwd == "" {
		h.Cwd = "/app"
	}
	if filename == "" {
		filename = "main.js"
	}
	r.filename = filename
	r.start = r.now()

	defer func() {
		if p := recover(); p != nil {
			exitCode, err = 0, fmt.Errorf("quickjs: %v", p)
		}
	}()
	code2, err := r.execute(code)
	if err != nil {
		return r.classify(err)
	}
	return code2, nil
}

// classify turns an error that ended the execution into Run's results.
func (r *run) classify(err error) (int, error) {
	switch {
	case r.exited:
		return r.exitCode, nil
	case r.stopErr != nil:
		return 0, r.stopErr
	case r.nestedErr != nil:
		return 0, r.nestedErr
	}
	return 0, err
}
