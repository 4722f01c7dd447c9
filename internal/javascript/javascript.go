// Package javascript runs the QuickJS-NG reactor of the pinned quickjs-wasi
// artifact in an engine.Execution: it builds the guest's Node-style
// environment (internal/quickjs) over the execution's mounts, with every
// file access in Go through internal/vfs.
package javascript

import (
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/errs"
	"github.com/wasmsandbox/sandbox/internal/quickjs"
	"github.com/wasmsandbox/sandbox/internal/vfs"
)

// heapHeadroom is the part of memory_bytes kept for QuickJS's own
// structures, its stack and the module's data, so that QuickJS's heap limit
// (a catchable "out of memory") trips before the store limiter does.
const heapHeadroom = 8 << 20

// Argv is the default process.argv of a JavaScript guest (argv[1] becomes
// the script's absolute guest path, see argv).
var Argv = []string{"node", "main.js"}

// Run runs the execution's code in a fresh instance of the QuickJS
// reactor mod. All file access goes through Go (internal/vfs) over the
// same mounts WASI would have given: the workspace read-write and each
// mount as configured. A session's globals travel in and out through
// x.Spec.Globals directly.
func Run(x *engine.Execution, mod *wasmtime.Module) error {
	s := x.Spec
	mounts := []vfs.Mount{{Guest: s.GuestWorkspace, Host: s.Workspace, Writable: true, Metered: true}}
	for _, m := range s.Mounts {
		mounts = append(mounts, vfs.Mount{Guest: m.Guest, Host: m.Host, Writable: m.Writable})
	}
	fsys, err := vfs.New(mounts)
	if err != nil {
		return fmt.Errorf("%w: mounting the guest filesystem: %v", errs.Internal, err)
	}
	defer fsys.Close()
	if s.Meter != nil {
		fsys.SetMeter(s.Meter)
	}
	name := s.ScriptName
	if name == "" {
		name = "main.js"
	}
	x.JS = &quickjs.Host{
		Stdout:       x.Stdout,
		Stderr:       x.Stderr,
		Env:          s.Env,
		Argv:         argv(s, name),
		FS:           fsys,
		Cwd:          s.GuestWorkspace,
		Zones:        s.ZoneDir,
		Packages:     s.Packages,
		MemoryLimit:  max(s.MemoryBytes-heapHeadroom, s.MemoryBytes/2),
		Sleep:        x.Sleep,
		Interrupted:  x.Expired,
		Now:          time.Now,
		MaxStackSize: MaxStackSize,
		Stdin:        s.Stdin,
	}
	g := s.Globals
	if g != nil {
		x.JS.PersistGlobals, x.JS.StateIn, x.JS.StateMax = true, g.In, g.Max
	}
	inst, err := x.Instantiate(mod)
	if err != nil {
		return err
	}
	defer x.RecordMemoryPeak(inst)
	code, err := quickjs.Run(x.Store, inst, x.JS, s.Code, name)
	if x.JS.OutOfMemory {
		x.MemoryDenied = true
	}
	x.SetValue(x.JS.Value)
	if g != nil && err == nil && !x.MemoryDenied {
		// The guest ended by itself (not stopped by a limit).
		g.AddNotKept(x.JS.NotKept)
		if x.JS.StateSaved && int64(len(x.JS.StateOut)) <= g.Max {
			g.Saved, g.Out = true, x.JS.StateOut
		}
	}
	switch {
	case errors.Is(err, quickjs.ErrInterrupted), errors.Is(err, engine.ErrStopped):
		x.Expired() // records why, if the guest was not already stopped
		return err
	case err != nil:
		return err
	case code != 0:
		return &engine.ExitError{Code: code}
	}
	return nil
}

// argv is process.argv as Node gives it for the script name: the policy's
// argv[0], the script's absolute guest path, the policy's argv after
// [1], then the call's arguments.
func argv(s engine.Spec, name string) []string {
	a0, rest := "node", []string(nil)
	if len(s.Argv) > 0 {
		a0 = s.Argv[0]
	}
	if len(s.Argv) > 2 {
		rest = s.Argv[2:]
	}
	out := append([]string{a0, path.Join(s.GuestWorkspace, name)}, rest...)
	return append(out, s.Args...)
}
