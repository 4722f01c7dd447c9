package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/quickjs"
	"github.com/wasmsandbox/sandbox/internal/wasifs"
)

// Mount is one host directory the guest sees at Guest.
type Mount struct {
	Host, Guest string
	Writable    bool
}

// Spec is everything one execution may use and see. The caller (the root
// package) fills it from a validated policy; the engine enforces it.
type Spec struct {
	// Code is the guest's source.
	Code string
	// Fuel is the instruction budget.
	Fuel uint64
	// MemoryBytes caps the guest's linear memory.
	MemoryBytes int64
	// Timeout is the wall-clock deadline, from the start of Run.
	Timeout time.Duration
	// StdoutMax and StderrMax cap the captured output.
	StdoutMax, StderrMax int64
	// StdoutMirror and StderrMirror, when set, receive the kept output live (see Capture).
	StdoutMirror, StderrMirror io.Writer
	// Workspace is the host directory mounted read-write at GuestWorkspace.
	Workspace, GuestWorkspace string
	// Mounts are the other directories the guest sees.
	Mounts []Mount
	// Packages are the guest directories of the package sets the guest may
	// import from, in order (each is also one of Mounts, read-only).
	Packages []string
	// Env and Argv are exactly what the guest gets.
	Env  map[string]string
	Argv []string
	// Stdin is what the guest reads from its standard input (nothing when
	// empty).
	Stdin []byte
	// Args are the program's arguments (Python's sys.argv[1:],
	// JavaScript's process.argv[2:]).
	Args []string
	// ZoneDir, when not empty, is the host directory of TZif files a
	// runtime that reads time zones on the host (JavaScript's Intl) uses.
	ZoneDir string
	// ScriptName is the file name the program runs as, in the guest
	// workspace (JavaScript: "main.js" when empty; Python: no __file__).
	ScriptName string
	// Globals, when not nil, carries a session's saved globals in and out.
	Globals *Globals
	// Snapshot says that the runtime runs this execution from its
	// pre-initialised snapshot (set by the runtime's preparation; the
	// engine itself does not look at it).
	Snapshot bool
	// HostFS serves the guest's file calls from the host's own WASI file
	// system (internal/wasifs) instead of wasmtime's, for a module that
	// imports them from FSModule; the same mounts are shown either way.
	HostFS bool
	// Meter, when set, is told of every change the host is about to make
	// to the workspace for the guest (under HostFS, and by the JavaScript
	// runtime's fs), and may refuse it (see workspace.Meter).
	Meter wasifs.Meter
	// FixedRandom makes the guest's random_get return a fixed stream
	// instead of the operating system's randomness. Only a snapshot build
	// sets it, so that what the snapshot holds is the same everywhere.
	FixedRandom bool
}

// Why an execution was stopped from outside the guest.
const (
	StopNone int32 = iota
	StopTimeout
	StopCancelled
	// StopWorkspace: the workspace watchdog found the workspace over its
	// limits (see internal/workspace).
	StopWorkspace
)

// Execution is the per-run state. It is the store's data, so host
// functions reach it through their Caller.
type Execution struct {
	Ctx      context.Context
	Deadline time.Time
	Spec     Spec
	Stdout   *Capture
	Stderr   *Capture
	Store    *wasmtime.Store
	eng      *Engine
	stopped  atomic.Int32
	// wake is closed when Stop stops the guest, so that host waits end.
	wake     chan struct{}
	wakeOnce sync.Once
	// FuelConsumed is the fuel the guest used.
	FuelConsumed uint64
	// MemPeak is the size of the guest's linear memory when it ended.
	MemPeak int64
	// MemoryDenied is set by runtimes that can tell an allocation failed.
	MemoryDenied bool
	// Value is what the guest reported as the value of the code's last
	// expression (see ValueMagic), capped at MaxValueBytes.
	Value string
	// JS is the JavaScript guest's environment (nil for other runtimes).
	JS *quickjs.Host
	// stdoutGone and stderrGone record that the guest closed descriptor 1
	// or 2; its writes there then go through WASI (see stdio.go).
	stdoutGone, stderrGone bool
	// fs is the guest's file system under Spec.HostFS, and memory the
	// guest memory its calls read and write.
	fs     *wasifs.FS
	memory *wasmtime.Memory
}

// NewExecution prepares an execution of spec whose deadline starts now.
func NewExecution(ctx context.Context, spec Spec) *Execution {
	return &Execution{
		Ctx:      ctx,
		Deadline: time.Now().Add(spec.Timeout),
		Spec:     spec,
		Stdout:   NewCapture(spec.StdoutMax, spec.StdoutMirror),
		Stderr:   NewCapture(spec.StderrMax, spec.StderrMirror),
		wake:     make(chan struct{}),
	}
}

// QuickJSHost gives the JavaScript host functions this execution's guest
// environment; it implements quickjs.HostProvider.
func (x *Execution) QuickJSHost() *quickjs.Host { return x.JS }

// Stopped reports why the guest was stopped from outside (StopNone when
// it was not).
func (x *Execution) Stopped() int32 { return x.stopped.Load() }

// Expired reports whether the guest must stop now, recording why.
func (x *Execution) Expired() bool {
	if x.stopped.Load() != StopNone {
		return true
	}
	if !time.Now().Before(x.Deadline) {
		x.stopped.CompareAndSwap(StopNone, StopTimeout)
		return true
	}
	if x.Ctx.Err() != nil {
		x.stopped.CompareAndSwap(StopNone, StopCancelled)
		return true
	}
	return false
}

// Stop stops the guest for reason unless it was already stopped: the epoch
// callback traps it within an epoch tick and host waits end.
func (x *Execution) Stop(reason int32) {
	if x.stopped.CompareAndSwap(StopNone, reason) && x.wake != nil {
		x.wakeOnce.Do(func() { close(x.wake) })
	}
}

// ErrStopped is returned by host waits cut short by a limit or a
// cancellation; the guest must then be trapped.
var ErrStopped = errors.New("execution stopped by a limit or cancellation")

// Sleep waits d, or less when the deadline passes or the context ends, in
// which case it returns ErrStopped and the guest must be trapped.
func (x *Execution) Sleep(d time.Duration) error {
	if x.Expired() {
		return ErrStopped
	}
	left := time.Until(x.Deadline)
	if d < left {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-x.Ctx.Done():
			x.stopped.CompareAndSwap(StopNone, StopCancelled)
			return ErrStopped
		case <-x.wake:
			return ErrStopped
		}
	}
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-t.C:
		x.stopped.CompareAndSwap(StopNone, StopTimeout)
	case <-x.Ctx.Done():
		x.stopped.CompareAndSwap(StopNone, StopCancelled)
	case <-x.wake:
	}
	return ErrStopped
}

// Instantiate makes a fresh instance of mod in x's store.
func (x *Execution) Instantiate(mod *wasmtime.Module) (*wasmtime.Instance, error) {
	return x.eng.linker.Instantiate(x.Store, mod)
}

// RecordMemoryPeak notes the size of inst's linear memory, which only ever
// grows, as the execution's peak.
func (x *Execution) RecordMemoryPeak(inst *wasmtime.Instance) {
	if m := inst.GetExport(x.Store, "memory"); m != nil && m.Memory() != nil {
		x.MemPeak = int64(m.Memory().DataSize(x.Store))
	}
}

// ExitError carries a guest exit status that was not delivered through
// WASI proc_exit (the JavaScript runtime reports it as a return value).
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitStatus reports the guest's own exit status carried by err.
func ExitStatus(err error) (int, bool) {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code, true
	}
	var we *wasmtime.Error
	if errors.As(err, &we) {
		if code, ok := we.ExitStatus(); ok {
			return int(code), true
		}
	}
	return 0, false
}

// Globals is the state of one execution of a session that keeps its
// globals (auto_persist_globals). The payload is opaque to the host: the
// runtime produces it at the end of one execution and gets it back at the
// start of the next.
type Globals struct {
	// In is the payload saved by the previous execution, nil when none.
	In []byte
	// Max is the largest payload that will be kept.
	Max int64
	// Stage is an empty host directory private to this execution, removed
	// afterwards, that the runtime may use to exchange the payload.
	Stage string

	// Set by the runtime once the guest has ended:
	// Saved says that Out is the new payload to keep.
	Saved bool
	Out   []byte
	// NotKept names the globals that were not kept (reasons go to stderr).
	NotKept []string
}

// Bounds on the names of globals not kept that a runtime reports.
const (
	maxNotKept     = 1000
	maxNotKeptName = 200
)

// AddNotKept records the names of globals that were not kept, within bounds.
func (g *Globals) AddNotKept(names []string) {
	for _, name := range names {
		if len(g.NotKept) == maxNotKept {
			return
		}
		if len(name) > maxNotKeptName {
			name = name[:maxNotKeptName]
		}
		g.NotKept = append(g.NotKept, name)
	}
}

// StackOverflow is the trap cause reported for a guest whose C stack ran
// past its guard (a snapshot's relocated stack), and the message of the
// trap a guard raises.
const StackOverflow = "stack overflow"
