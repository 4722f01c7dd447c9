package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/quickjs"
	"github.com/wasmsandbox/sandbox/internal/vfs"
)

// jsHeapHeadroom is the part of memory_bytes kept for QuickJS's own
// structures, its stack and the module's data, so that QuickJS's heap limit
// (a catchable "out of memory") trips before the store limiter does.
const jsHeapHeadroom = 8 << 20

// jsArgv is the default process.argv of a JavaScript guest.
var jsArgv = []string{"node", "main.js"}

// defineJSImports adds the JavaScript runtime's host imports (env.*) to the
// shared linker. The host functions find their execution through the
// store's data (execution.QuickJSHost).
func defineJSImports(l *wasmtime.Linker) error { return quickjs.Define(l) }

// setupJavaScript wires the JavaScript runtime into g.
func setupJavaScript(g *guestRuntime) error {
	g.run, g.defaultEnv, g.defaultArgv = runJavaScript, defaultGuestEnv, jsArgv
	g.persist = jsPersist
	// The first run in a process compiles the guest API's JavaScript and
	// keeps the bytecode; later runs load it. Doing that first run here,
	// before any caller's code, keeps fuel figures the same for every run.
	warm := &wasmSandbox{rt: g, policy: Policy{}.WithDefaults()}
	if _, err := warm.execute(context.Background(), "", warm.policy, ""); err != nil {
		return fmt.Errorf("%w: starting the JavaScript runtime: %v", ErrInternal, err)
	}
	return nil
}

// jsPersist prepares nothing: runJavaScript hands the saved globals to the
// runtime and takes the new ones back directly (quickjs.Host.PersistGlobals).
func jsPersist(*Policy, *guestState) (func(), error) { return nil, nil }

// QuickJSHost gives the JavaScript host functions this execution's guest
// environment; it implements quickjs.HostProvider.
func (x *execution) QuickJSHost() *quickjs.Host { return x.js }

// exitError carries a guest exit status that was not delivered through WASI
// proc_exit (the JavaScript runtime reports it as a return value).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// runJavaScript runs x.code in a fresh instance of the QuickJS reactor.
// All file access goes through Go (internal/vfs) over the same mounts WASI
// would have given: the workspace read-write and each mount as configured.
func runJavaScript(x *execution) error {
	p := x.policy
	mounts := []vfs.Mount{{Guest: p.GuestWorkspace, Host: x.workspace, Writable: true}}
	for _, m := range p.Mounts {
		mounts = append(mounts, vfs.Mount{Guest: m.Guest, Host: m.Host, Writable: m.Writable})
	}
	fsys, err := vfs.New(mounts)
	if err != nil {
		return fmt.Errorf("%w: mounting the guest filesystem: %v", ErrInternal, err)
	}
	defer fsys.Close()
	env := p.Env
	if env == nil {
		env = x.rt.defaultEnv(p)
	}
	argv := p.Argv
	if argv == nil {
		argv = x.rt.defaultArgv
	}
	x.js = &quickjs.Host{
		Stdout:       x.stdout,
		Stderr:       x.stderr,
		Env:          env,
		Argv:         argv,
		FS:           fsys,
		Cwd:          p.GuestWorkspace,
		MemoryLimit:  max(p.MemoryBytes-jsHeapHeadroom, p.MemoryBytes/2),
		Sleep:        x.sleep,
		Interrupted:  x.expired,
		Now:          time.Now,
		MaxStackSize: quickjs.MaxStackSizeLimit,
	}
	st := x.guestState()
	if st != nil {
		x.js.PersistGlobals, x.js.StateIn, x.js.StateMax = true, st.in, st.max
	}
	inst, err := x.instantiate()
	if err != nil {
		return err
	}
	defer x.recordMemoryPeak(inst)
	code, err := quickjs.Run(x.store, inst, x.js, x.code, "main.js")
	if x.js.OutOfMemory {
		x.memoryDenied = true
	}
	if st != nil && err == nil && !x.memoryDenied {
		// The guest ended by itself (not stopped by a limit).
		for _, name := range x.js.NotKept {
			if len(st.notKept) == maxNotKept {
				break
			}
			if len(name) > maxNotKeptName {
				name = name[:maxNotKeptName]
			}
			st.notKept = append(st.notKept, name)
		}
		if x.js.StateSaved && int64(len(x.js.StateOut)) <= st.max {
			st.saved, st.out = true, x.js.StateOut
		}
	}
	switch {
	case errors.Is(err, quickjs.ErrInterrupted), errors.Is(err, errStopped):
		x.expired() // records why, if the guest was not already stopped
		return err
	case err != nil:
		return err
	case code != 0:
		return &exitError{code: code}
	}
	return nil
}
