package quickjs

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"
	"golang.org/x/text/collate"

	"github.com/wasmsandbox/sandbox/internal/wasmcall"
)

// errExit unwinds the guest after process.exit.
var errExit = errors.New("quickjs: process.exit")

// run is the state of one Run. Values called "box" are pointers to
// heap-allocated JSValue boxes in linear memory, the currency of the qjs_*
// C interface.
type run struct {
	h        *Host
	store    *wasmtime.Store
	st       wasmtime.Storelike // the store, or the caller inside host functions
	inst     *wasmtime.Instance
	mem      *wasmtime.Memory
	fns      map[string]*wasmtime.Func
	exports  map[string]*wasmcall.Export // see (*run).export; nil: call through fns
	scratch  int32                       // 32 bytes for out-parameters
	filename string
	start    time.Time

	loop      int32   // box: the object returned by the prelude
	loopFns   []int32 // boxes: next, fire, report, exitCode
	mainProm  int32   // box: promise of the main module / async script, or 0
	module    bool    // the user's code runs as an ES module
	mainObj   int32
	rejected  []rejection
	lastFSErr error

	exited    bool
	exitCode  int
	stateDone bool  // host.saveState was called, or the globals are not to be saved
	stopErr   error // from Sleep or Interrupted
	nestedErr error // first wasm error raised inside a host function
	depth     int

	collators map[string]*collate.Collator // see host_collate.go
}

type rejection struct {
	obj    int32 // object pointer of the promise (identity)
	reason int32 // owned box
}

// Indices into run.loopFns, matching the array the prelude returns.
const (
	loopNext = iota
	loopFire
	loopReport
	loopExitCode
	loopPersistBegin
	loopPersistSave
	loopCompletion
	loopTicks
	loopCount
)

func (r *run) now() time.Time {
	if r.h.Now != nil {
		return r.h.Now()
	}
	return time.Now()
}

func (r *run) execute(code string) (int, error) {
	if mem := r.inst.GetExport(r.store, "memory"); mem != nil && mem.Memory() != nil {
		r.mem = mem.Memory()
	} else {
		return 0, errors.New("quickjs: module has no memory export")
	}
	if f := r.inst.GetFunc(r.store, "_initialize"); f != nil {
		if _, err := f.Call(r.store); err != nil {
			return 0, err
		}
	}
	if rc, err := r.i32("qjs_init"); err != nil {
		return 0, err
	} else if rc != 0 {
		return 0, errors.New("quickjs: qjs_init failed")
	}
	stack := r.h.MaxStackSize
	if stack <= 0 {
		stack = DefaultMaxStackSize
	}
	stack = min(stack, r.stackRoom()*3/4)
	if err := r.void("qjs_set_max_stack_size", int32(stack)); err != nil {
		return 0, err
	}
	if err := r.setMemoryLimit(r.h.MemoryLimit); err != nil {
		return 0, err
	}
	if r.h.Interrupted != nil {
		if err := r.void("qjs_set_interrupt_handler", int32(1)); err != nil {
			return 0, err
		}
	}
	if err := r.void("qjs_set_promise_rejection_handler", int32(1)); err != nil {
		return 0, err
	}
	if err := r.void("qjs_set_module_loader", int32(1)); err != nil {
		return 0, err
	}
	var err error
	if r.scratch, err = r.i32("wasm_malloc", int32(32)); err != nil {
		return 0, err
	}
	if err := r.installPrelude(); err != nil {
		return 0, err
	}
	module := isModuleSource(code)
	if r.h.PersistGlobals {
		if err := r.restoreGlobals(code, module); err != nil {
			return 0, err
		}
	}
	exitCode, err := r.evalMain(code, module)
	if err != nil || !r.h.PersistGlobals || r.h.OutOfMemory {
		return exitCode, err
	}
	return exitCode, r.saveGlobals()
}

// stackRoom is the size of the module's shadow stack: from the stack
// pointer (at the top between calls into the module) down to the base the
// module exports in StackBaseExport, or to 0 (a linker's stack-first
// layout).
func (r *run) stackRoom() int {
	sp := r.inst.GetExport(r.store, "__stack_pointer")
	if sp == nil || sp.Global() == nil {
		return 0
	}
	top := int64(uint32(sp.Global().Get(r.store).I32()))
	var base int64
	if b := r.inst.GetExport(r.store, StackBaseExport); b != nil && b.Global() != nil {
		base = int64(uint32(b.Global().Get(r.store).I32()))
	}
	return int(max(top-base, 0))
}

// evalMain evaluates the user's code, as a module or as a script, and runs
// the event loop.
func (r *run) evalMain(code string, module bool) (int, error) {
	r.module = module
	// Scripts are evaluated with top-level await allowed (their top-level
	// declarations are still globals).
	flags := int32(evalAsync)
	if module {
		flags = evalModule
	}
	res, exc, err := r.evalSource(code, r.mainName(), flags)
	if err != nil {
		return 0, err
	}
	if exc {
		return r.reportException()
	}
	if flags != evalGlobal {
		r.mainProm = res
		if err := r.void("qjs_promise_mark_as_handled", res); err != nil {
			return 0, err
		}
		if r.mainObj, err = r.i32("qjs_get_value_ptr", res); err != nil {
			return 0, err
		}
	} else if err := r.freeValue(res); err != nil {
		return 0, err
	}
	return r.eventLoop()
}

func (r *run) mainName() string {
	return r.filename
}

func (r *run) setMemoryLimit(limit int64) error {
	if limit <= 0 {
		return nil
	}
	if limit > math.MaxInt32 {
		limit = math.MaxInt32
	}
	return r.void("qjs_set_memory_limit", int32(limit))
}

// eval evaluates trusted source and returns the result box; a JavaScript
// exception becomes a Go error.
func (r *run) eval(src, name string, flags int32) (int32, error) {
	res, exc, err := r.evalSource(src, name, flags)
	if err != nil {
		return 0, err
	}
	if exc {
		return 0, fmt.Errorf("quickjs: evaluating %s: %s", name, r.exceptionText())
	}
	return res, nil
}

// evalSource evaluates src, named name, with qjs_eval and returns the
// result box and whether it is an exception (then pending, for the caller
// to take).
func (r *run) evalSource(src, name string, flags int32) (int32, bool, error) {
	s, err := r.alloc([]byte(src))
	if err != nil {
		return 0, false, err
	}
	n, err := r.alloc([]byte(name))
	if err != nil {
		return 0, false, err
	}
	res, err := r.i32("qjs_eval", s, int32(len(src)), n, flags)
	if err != nil {
		return 0, false, err
	}
	if err := r.free(s); err != nil {
		return 0, false, err
	}
	if err := r.free(n); err != nil {
		return 0, false, err
	}
	exc, err := r.isException(res)
	if err != nil {
		return 0, false, err
	}
	return res, exc, nil
}
