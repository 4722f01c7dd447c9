package quickjs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"
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
	scratch  int32 // 32 bytes for out-parameters
	filename string
	start    time.Time

	loop      int32   // box: the object returned by the prelude
	loopFns   []int32 // boxes: next, fire, report, exitCode
	mainProm  int32   // box: promise of the main module / async script, or 0
	mainObj   int32
	rejected  []rejection
	lastFSErr error

	exited    bool
	exitCode  int
	stateDone bool  // host.saveState was called
	stopErr   error // from Sleep or Interrupted
	nestedErr error // first wasm error raised inside a host function
	depth     int
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
	loopCount
)

func (r *run) now() time.Time {
	if r.h.Now != nil {
		return r.h.Now()
	}
	return time.Now()
}

// fn returns the exported function name.
func (r *run) fn(name string) (*wasmtime.Func, error) {
	if f, ok := r.fns[name]; ok {
		return f, nil
	}
	f := r.inst.GetFunc(r.store, name)
	if f == nil {
		return nil, fmt.Errorf("quickjs: module does not export %s", name)
	}
	r.fns[name] = f
	return f, nil
}

// call calls an export and returns its result.
func (r *run) call(name string, args ...interface{}) (interface{}, error) {
	f, err := r.fn(name)
	if err != nil {
		return nil, err
	}
	v, err := f.Call(r.st, args...)
	if err != nil && r.depth > 0 && r.nestedErr == nil && !r.exited && r.stopErr == nil {
		r.nestedErr = err
	}
	return v, err
}

// i32 calls an export returning an i32.
func (r *run) i32(name string, args ...interface{}) (int32, error) {
	v, err := r.call(name, args...)
	if err != nil {
		return 0, err
	}
	n, _ := v.(int32)
	return n, nil
}

// void calls an export and discards its result.
func (r *run) void(name string, args ...interface{}) error {
	_, err := r.call(name, args...)
	return err
}

func (r *run) data() []byte { return r.mem.UnsafeData(r.st) }

func (r *run) u32(ptr int32) uint32 {
	return binary.LittleEndian.Uint32(r.data()[uint32(ptr):])
}

// trap records why a host function stopped the guest and returns the trap.
func (r *run) trap(err error) *wasmtime.Trap {
	if r.nestedErr == nil && !r.exited && r.stopErr == nil && !errors.Is(err, errExit) {
		r.nestedErr = err
	}
	return wasmtime.NewTrap(err.Error())
}

// alloc copies b plus a NUL byte into freshly malloc'd memory.
func (r *run) alloc(b []byte) (int32, error) {
	p, err := r.i32("wasm_malloc", int32(len(b)+1))
	if err != nil {
		return 0, err
	}
	if p == 0 {
		return 0, errors.New("quickjs: wasm_malloc failed")
	}
	d := r.data()
	copy(d[uint32(p):], b)
	d[uint32(p)+uint32(len(b))] = 0
	return p, nil
}

func (r *run) free(p int32) error {
	if p == 0 {
		return nil
	}
	return r.void("wasm_free", p)
}

// cstr reads the NUL-terminated string at p.
func (r *run) cstr(p int32) string {
	d := r.data()[uint32(p):]
	n := 0
	for n < len(d) && d[n] != 0 {
		n++
	}
	return string(d[:n])
}

// newString returns a new string box.
func (r *run) newString(s string) (int32, error) {
	return r.newFrom("qjs_new_string", []byte(s))
}

// newBytes returns a new Uint8Array box holding a copy of b.
func (r *run) newBytes(b []byte) (int32, error) {
	return r.newFrom("qjs_new_uint8_array", b)
}

// newFrom copies b into guest memory and returns the box that the export
// ctor(ptr, len) makes of it; the copy is freed.
func (r *run) newFrom(ctor string, b []byte) (int32, error) {
	p, err := r.alloc(b)
	if err != nil {
		return 0, err
	}
	box, err := r.i32(ctor, p, int32(len(b)))
	if ferr := r.free(p); err == nil {
		err = ferr
	}
	return box, err
}

// str converts the value in box to a Go string (running toString for
// non-strings).
func (r *run) str(box int32) (string, error) {
	c, err := r.i32("qjs_get_string_len", box, r.scratch)
	if err != nil {
		return "", err
	}
	if c == 0 {
		return "", nil
	}
	n := r.u32(r.scratch)
	s := string(r.data()[uint32(c) : uint32(c)+n])
	return s, r.void("qjs_free_cstring", c)
}

// bytes returns a copy of the contents of a typed array or ArrayBuffer box;
// ok is false when box is neither.
func (r *run) bytes(box int32) (b []byte, ok bool, err error) {
	isAB, err := r.i32("qjs_is_array_buffer", box)
	if err != nil {
		return nil, false, err
	}
	ab, off, n := box, uint32(0), uint32(0)
	owned := false
	if isAB == 0 {
		ab, err = r.i32("qjs_get_typed_array_buffer", box, r.scratch, r.scratch+4, r.scratch+8)
		if err != nil {
			return nil, false, err
		}
		owned = true
		exc, err := r.i32("qjs_is_exception", ab)
		if err != nil {
			return nil, false, err
		}
		if exc != 0 {
			// Not a typed array: drop the pending TypeError.
			r.void("qjs_free_value", ab)
			e, err := r.i32("qjs_get_exception")
			if err == nil {
				r.void("qjs_free_value", e)
			}
			return nil, false, err
		}
		off, n = r.u32(r.scratch), r.u32(r.scratch+4)
	}
	p, err := r.i32("qjs_get_array_buffer", ab, r.scratch+12)
	if err == nil && isAB != 0 {
		n = r.u32(r.scratch + 12)
	}
	if err == nil && p != 0 {
		b = append([]byte(nil), r.data()[uint32(p)+off:uint32(p)+off+n]...)
	}
	if owned {
		if ferr := r.void("qjs_free_value", ab); err == nil {
			err = ferr
		}
	}
	return b, err == nil, err
}

func (r *run) num(box int32) (float64, error) {
	v, err := r.call("qjs_get_float64", box)
	if err != nil {
		return 0, err
	}
	f, _ := v.(float64)
	return f, nil
}

func (r *run) undefined() (int32, error) { return r.i32("qjs_get_undefined") }

func (r *run) boolean(b bool) (int32, error) {
	if b {
		return r.i32("qjs_get_true")
	}
	return r.i32("qjs_get_false")
}

func (r *run) number(f float64) (int32, error) { return r.i32("qjs_new_number", f) }

func (r *run) freeValue(box int32) error {
	if box == 0 {
		return nil
	}
	return r.void("qjs_free_value", box)
}

// throw raises a JavaScript Error with message in the guest. The host
// function must then return 0.
func (r *run) throw(name, message string) error {
	e, err := r.i32("qjs_new_error")
	if err != nil {
		return err
	}
	if err := r.setStr(e, "message", message); err != nil {
		return err
	}
	if name != "" && name != "Error" {
		if err := r.setStr(e, "name", name); err != nil {
			return err
		}
	}
	if _, err := r.i32("qjs_throw", e); err != nil {
		return err
	}
	return r.freeValue(e)
}

func (r *run) setStr(obj int32, key, value string) error {
	v, err := r.newString(value)
	if err != nil {
		return err
	}
	if err := r.setProp(obj, key, v); err != nil {
		return err
	}
	return r.freeValue(v)
}

// setProp sets obj[key] = value (value is not consumed).
func (r *run) setProp(obj int32, key string, value int32) error {
	k, err := r.alloc([]byte(key))
	if err != nil {
		return err
	}
	_, err = r.i32("qjs_set_prop_string", obj, k, value)
	if ferr := r.free(k); err == nil {
		err = ferr
	}
	return err
}

func (r *run) getProp(obj int32, key string) (int32, error) {
	k, err := r.alloc([]byte(key))
	if err != nil {
		return 0, err
	}
	v, err := r.i32("qjs_get_prop_string", obj, k)
	if ferr := r.free(k); err == nil {
		err = ferr
	}
	return v, err
}

// callFn calls fn(this=undefined, args...) and returns the result box,
// which may be an exception box.
func (r *run) callFn(fn int32, args ...int32) (int32, error) {
	argv := int32(0)
	if len(args) > 0 {
		b := make([]byte, 4*len(args))
		for i, a := range args {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(a))
		}
		var err error
		if argv, err = r.alloc(b); err != nil {
			return 0, err
		}
	}
	this, err := r.undefined()
	if err != nil {
		return 0, err
	}
	res, err := r.i32("qjs_call", fn, this, int32(len(args)), argv)
	if err != nil {
		return 0, err
	}
	if err := r.freeValue(this); err != nil {
		return 0, err
	}
	return res, r.free(argv)
}

// isException reports whether box is the exception marker; it frees box then.
func (r *run) isException(box int32) (bool, error) {
	e, err := r.i32("qjs_is_exception", box)
	if err != nil || e == 0 {
		return false, err
	}
	return true, r.freeValue(box)
}

// ---- execution ----

// hostNames are the host functions installed on the prelude's host object.
var hostNames = []string{
	"write", "now", "exit", "utf8Encode", "utf8Decode", "promiseState", "random",
	"fsRead", "fsWrite", "fsStat", "fsReaddir", "fsMkdir", "fsRm", "fsRename", "fsError",
	"saveState",
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
	if stack > MaxStackSizeLimit {
		stack = MaxStackSizeLimit
	}
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

// evalMain evaluates the user's code, as a module or as a script, and runs
// the event loop.
func (r *run) evalMain(code string, module bool) (int, error) {
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

// preludeCache holds the prelude compiled to QuickJS bytecode, keyed by the
// engine's version string; compiling the source costs ~10 ms per run.
var preludeCache sync.Map // string -> []byte

func (r *run) installPrelude() error {
	fn, err := r.loadPrelude()
	if err != nil {
		return err
	}
	host, err := r.i32("qjs_new_object")
	if err != nil {
		return err
	}
	for _, name := range hostNames {
		p, err := r.alloc([]byte(name))
		if err != nil {
			return err
		}
		f, err := r.i32("qjs_new_host_function", p, int32(len(name)), int32(0))
		if err != nil {
			return err
		}
		if _, err := r.i32("qjs_set_prop_string", host, p, f); err != nil {
			return err
		}
		if err := r.freeValue(f); err != nil {
			return err
		}
		if err := r.free(p); err != nil {
			return err
		}
	}
	cfg, err := r.newString(r.config())
	if err != nil {
		return err
	}
	loop, err := r.callFn(fn, host, cfg)
	if err != nil {
		return err
	}
	if exc, err := r.isException(loop); err != nil {
		return err
	} else if exc {
		return fmt.Errorf("quickjs: prelude failed: %s", r.exceptionText())
	}
	for _, b := range []int32{fn, host, cfg} {
		if err := r.freeValue(b); err != nil {
			return err
		}
	}
	r.loop = loop
	for i := 0; i < loopCount; i++ {
		f, err := r.i32("qjs_get_prop_uint32", loop, int32(i))
		if err != nil {
			return err
		}
		r.loopFns = append(r.loopFns, f)
	}
	return nil
}

// loadPrelude evaluates the prelude, from cached bytecode when possible,
// and returns the function it evaluates to.
func (r *run) loadPrelude() (int32, error) {
	vp, err := r.i32("qjs_get_quickjs_version")
	if err != nil {
		return 0, err
	}
	version := r.cstr(vp)
	if bc, ok := preludeCache.Load(version); ok {
		b := bc.([]byte)
		p, err := r.alloc(b)
		if err != nil {
			return 0, err
		}
		res, err := r.i32("qjs_eval_bytecode", p, int32(len(b)))
		if err != nil {
			return 0, err
		}
		if err := r.free(p); err != nil {
			return 0, err
		}
		if exc, err := r.isException(res); err != nil {
			return 0, err
		} else if !exc {
			return res, nil
		}
		r.dropException()
		preludeCache.Delete(version)
	}
	// Compile, remember the bytecode, then evaluate it.
	src, err := r.alloc([]byte(preludeSource))
	if err != nil {
		return 0, err
	}
	name, err := r.alloc([]byte("<wasmsandbox>"))
	if err != nil {
		return 0, err
	}
	buf, err := r.i32("qjs_compile", src, int32(len(preludeSource)), name, int32(evalGlobal), int32(0), r.scratch)
	if err != nil {
		return 0, err
	}
	if buf != 0 {
		n := r.u32(r.scratch)
		preludeCache.Store(version, append([]byte(nil), r.data()[uint32(buf):uint32(buf)+n]...))
		if err := r.free(buf); err != nil {
			return 0, err
		}
	} else {
		r.dropException()
	}
	r.free(src)
	r.free(name)
	return r.eval(preludeSource, "<wasmsandbox>", evalGlobal)
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

// exceptionText takes the pending exception and returns it as a string,
// with its stack (for internal errors).
func (r *run) exceptionText() string {
	return r.describeException(func(e int32, s string) string {
		if st, err := r.getProp(e, "stack"); err == nil {
			if t, err := r.str(st); err == nil && t != "undefined" {
				s += "\n" + t
			}
			r.freeValue(st)
		}
		return s
	})
}

// describeException takes the pending exception e and returns what
// describe makes of it and its string s; when either cannot be had, the
// error's text. e is freed afterwards.
func (r *run) describeException(describe func(e int32, s string) string) string {
	e, err := r.i32("qjs_get_exception")
	if err != nil {
		return err.Error()
	}
	defer r.freeValue(e)
	s, err := r.str(e)
	if err != nil {
		return err.Error()
	}
	return describe(e, s)
}

// dropException takes the pending exception, if it can, and frees it.
func (r *run) dropException() {
	if e, err := r.i32("qjs_get_exception"); err == nil {
		r.freeValue(e)
	}
}

// config is the JSON the prelude receives: argv, env, cwd, filename.
func (r *run) config() string {
	argv := r.h.Argv
	if len(argv) == 0 {
		argv = []string{"node", r.resolve(r.filename)}
	}
	env := r.h.Env
	if env == nil {
		env = map[string]string{}
	}
	return mustJSON(map[string]any{
		"argv":     argv,
		"env":      env,
		"cwd":      r.h.Cwd,
		"filename": r.resolve(r.filename),
	})
}

// reportException takes the pending exception, prints it as uncaught and
// returns exit code 1.
func (r *run) reportException() (int, error) {
	e, err := r.i32("qjs_get_exception")
	if err != nil {
		return 0, err
	}
	return r.reportValue(e)
}

// reportValue prints the thrown value in box (consumed) as uncaught and
// returns exit code 1.
func (r *run) reportValue(box int32) (int, error) {
	oom, err := r.isOutOfMemory(box)
	if err != nil {
		return 0, err
	}
	if oom {
		r.h.OutOfMemory = true
		// Leave room to format the report.
		if r.h.MemoryLimit > 0 {
			if err := r.setMemoryLimit(r.h.MemoryLimit + 8<<20); err != nil {
				return 0, err
			}
		}
	}
	res, err := r.callFn(r.loopFns[loopReport], box)
	if err != nil {
		return 0, err
	}
	if exc, err := r.isException(res); err != nil {
		return 0, err
	} else if exc {
		// Formatting failed (e.g. out of memory again): fall back to Go.
		r.dropException()
		msg, _ := r.str(box)
		if oom {
			msg = "InternalError: out of memory"
		}
		r.writeOut(2, "Uncaught "+msg+"\n")
	} else if err := r.freeValue(res); err != nil {
		return 0, err
	}
	return 1, r.freeValue(box)
}

func (r *run) isOutOfMemory(box int32) (bool, error) {
	isErr, err := r.i32("qjs_is_error", box)
	if err != nil || isErr == 0 {
		return false, err
	}
	m, err := r.getProp(box, "message")
	if err != nil {
		return false, err
	}
	defer r.freeValue(m)
	isStr, err := r.i32("qjs_is_string", m)
	if err != nil || isStr == 0 {
		return false, err
	}
	s, err := r.str(m)
	return s == "out of memory", err
}

func (r *run) writeOut(fd int, s string) {
	w := r.h.Stdout
	if fd == 2 {
		w = r.h.Stderr
	}
	if w != nil {
		io.WriteString(w, s)
	}
}

// drain runs pending jobs; done is true when the run ended (an exception
// escaped a job).
func (r *run) drain() (done bool, code int, err error) {
	for {
		p, err := r.i32("qjs_is_job_pending")
		if err != nil || p == 0 {
			return false, 0, err
		}
		rc, err := r.i32("qjs_execute_pending_job")
		if err != nil {
			return true, 0, err
		}
		if rc < 0 {
			code, err := r.reportException()
			return true, code, err
		}
	}
}

func (r *run) eventLoop() (int, error) {
	for {
		if done, code, err := r.drain(); done || err != nil {
			return code, err
		}
		if r.mainProm != 0 {
			state, err := r.i32("qjs_promise_state", r.mainProm)
			if err != nil {
				return 0, err
			}
			if state == 2 {
				reason, err := r.i32("qjs_promise_result", r.mainProm)
				if err != nil {
					return 0, err
				}
				return r.reportValue(reason)
			}
		}
		if len(r.rejected) > 0 {
			rej := r.rejected[0]
			r.rejected = r.rejected[1:]
			return r.reportValue(rej.reason)
		}
		ms, thrown, code, err := r.callLoopNum(loopNext)
		if thrown || err != nil {
			return code, err
		}
		if ms < 0 {
			break
		}
		if ms > 0 {
			if err := r.sleep(time.Duration(ms * float64(time.Millisecond))); err != nil {
				r.stopErr = err
				return 0, err
			}
		}
		res, thrown, code, err := r.callLoop(loopFire)
		if thrown || err != nil {
			return code, err
		}
		if err := r.freeValue(res); err != nil {
			return 0, err
		}
	}
	if r.mainProm != 0 {
		state, err := r.i32("qjs_promise_state", r.mainProm)
		if err != nil {
			return 0, err
		}
		if state == 0 {
			r.writeOut(2, "Warning: Detected unsettled top-level await\n")
			return 13, nil
		}
	}
	f, thrown, code, err := r.callLoopNum(loopExitCode)
	if thrown {
		return code, err
	}
	return int(f), err
}

// callLoop calls the prelude's event-loop function i and returns its
// result box. When it throws, thrown is true: the exception was reported
// as uncaught, and code is the exit code.
func (r *run) callLoop(i int) (res int32, thrown bool, code int, err error) {
	res, err = r.callFn(r.loopFns[i])
	if err != nil {
		return 0, false, 0, err
	}
	if exc, err := r.isException(res); err != nil {
		return 0, false, 0, err
	} else if exc {
		code, err := r.reportException()
		return 0, true, code, err
	}
	return res, false, 0, nil
}

// callLoopNum is callLoop for a function that returns a number; it frees
// the result box.
func (r *run) callLoopNum(i int) (n float64, thrown bool, code int, err error) {
	res, thrown, code, err := r.callLoop(i)
	if thrown || err != nil {
		return 0, thrown, code, err
	}
	if n, err = r.num(res); err != nil {
		return 0, false, 0, err
	}
	return n, false, 0, r.freeValue(res)
}

func (r *run) sleep(d time.Duration) error {
	if r.h.Interrupted != nil && r.h.Interrupted() {
		return ErrInterrupted
	}
	if r.h.Sleep != nil {
		return r.h.Sleep(d)
	}
	time.Sleep(d)
	return nil
}
