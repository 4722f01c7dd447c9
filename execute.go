package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/quickjs"
)

// Why an execution was stopped from outside the guest.
const (
	stopNone int32 = iota
	stopTimeout
	stopCancelled
	// stopWorkspace: the workspace watchdog found the workspace over
	// workspace_max_bytes or maxWorkspaceEntries (see watchWorkspace).
	stopWorkspace
)

// execution is the per-Execute state. It is the store's data, so host
// functions reach it through their Caller.
type execution struct {
	ctx      context.Context
	deadline time.Time
	policy   Policy
	code     string
	// workspace is the host directory mounted at policy.GuestWorkspace.
	workspace string
	stdout    *capture
	stderr    *capture
	store     *wasmtime.Store
	rt        *guestRuntime
	stopped   atomic.Int32
	// wake is closed when stop stops the guest, so that host waits end;
	// nil when nothing but the deadline and the context can stop it.
	wake     chan struct{}
	wakeOnce sync.Once
	// fuelConsumed is the fuel the guest used.
	fuelConsumed uint64
	// memPeak is the size of the guest's linear memory when it ended.
	memPeak int64
	// memoryDenied is set by runtimes that can tell an allocation failed.
	memoryDenied bool
	// js is the JavaScript guest's environment (nil for other runtimes).
	js *quickjs.Host
}

// expired reports whether the guest must stop now, recording why.
func (x *execution) expired() bool {
	if x.stopped.Load() != stopNone {
		return true
	}
	if !time.Now().Before(x.deadline) {
		x.stopped.CompareAndSwap(stopNone, stopTimeout)
		return true
	}
	if x.ctx.Err() != nil {
		x.stopped.CompareAndSwap(stopNone, stopCancelled)
		return true
	}
	return false
}

// stop stops the guest for reason unless it was already stopped: the epoch
// callback traps it within an epoch tick and host waits end.
func (x *execution) stop(reason int32) {
	if x.stopped.CompareAndSwap(stopNone, reason) && x.wake != nil {
		x.wakeOnce.Do(func() { close(x.wake) })
	}
}

var errStopped = errors.New("execution stopped by a limit or cancellation")

// sleep waits d, or less when the deadline passes or the context ends, in
// which case it returns errStopped and the guest must be trapped.
func (x *execution) sleep(d time.Duration) error {
	if x.expired() {
		return errStopped
	}
	left := time.Until(x.deadline)
	if d < left {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-x.ctx.Done():
			x.stopped.CompareAndSwap(stopNone, stopCancelled)
			return errStopped
		case <-x.wake:
			return errStopped
		}
	}
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-t.C:
		x.stopped.CompareAndSwap(stopNone, stopTimeout)
	case <-x.ctx.Done():
		x.stopped.CompareAndSwap(stopNone, stopCancelled)
	case <-x.wake:
	}
	return errStopped
}

// wasmSandbox is the Sandbox of every runtime: the runtime-specific part is
// in guestRuntime.run.
type wasmSandbox struct {
	rt     *guestRuntime
	policy Policy
	opts   options
}

func (s *wasmSandbox) Runtime() Runtime { return s.rt.name }
func (s *wasmSandbox) Policy() Policy   { return s.policy }

func (s *wasmSandbox) Execute(ctx context.Context, code string) (*Result, error) {
	if s.opts.session != nil {
		return s.executeInSession(ctx, s.opts.session, code)
	}
	return s.execute(ctx, code, s.policy, s.opts.sessionID)
}

// execute runs code under p. The workspace is p.Workspace, or a fresh
// temporary directory removed afterwards.
func (s *wasmSandbox) execute(ctx context.Context, code string, p Policy, sessionID string) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	if int64(len(code)) > p.MaxCodeBytes {
		return nil, fmt.Errorf("%w: %d bytes of code exceed max_code_bytes (%d); send less code or raise the limit",
			ErrCodeTooLarge, len(code), p.MaxCodeBytes)
	}
	ws := p.Workspace
	if ws == "" {
		dir, err := os.MkdirTemp("", "wasmsandbox-ws-")
		if err != nil {
			return nil, fmt.Errorf("%w: creating a workspace: %v", ErrInternal, err)
		}
		defer os.RemoveAll(dir)
		ws = dir
	}
	before, err := snapshot(ws)
	if err != nil {
		return nil, fmt.Errorf("%w: the workspace cannot be measured (%v); remove what cannot be read or is nested too deeply, and try again",
			ErrWorkspaceFull, cause(err))
	}
	if before.bytes > p.WorkspaceMaxBytes || before.entries > maxWorkspaceEntries {
		return nil, fmt.Errorf("%w: the workspace holds %d bytes in %d files and directories, over workspace_max_bytes (%d) or the cap of %d entries; remove files (or raise workspace_max_bytes) and try again",
			ErrWorkspaceFull, before.bytes, before.entries, p.WorkspaceMaxBytes, maxWorkspaceEntries)
	}
	ev := events{logger: s.opts.logger, runtime: s.rt.name, sessionID: sessionID}
	ev.start(ctx, p, len(code))

	x := &execution{
		ctx:       ctx,
		policy:    p,
		code:      code,
		workspace: ws,
		stdout:    newCapture(p.StdoutMaxBytes, s.opts.stdout),
		stderr:    newCapture(p.StderrMaxBytes, s.opts.stderr),
		rt:        s.rt,
		wake:      make(chan struct{}),
	}
	start := time.Now()
	x.deadline = start.Add(p.Timeout)
	var stage string
	var stageLimit int64
	if st := x.guestState(); st != nil && st.stage != "" {
		// The stage holds the saved globals going in and coming out.
		stage, stageLimit = st.stage, 2*st.max+1<<20
	}
	wd := watchWorkspace(x, ws, stage, stageLimit)
	runErr, err := s.run(x)
	wd.stop()
	if err != nil {
		return nil, err
	}
	res := &Result{
		Runtime:    s.rt.name,
		SessionID:  sessionID,
		FuelBudget: p.FuelBudget,
		DurationMS: time.Since(start).Milliseconds(),
	}
	s.classify(x, runErr, res)
	after, scanErr := snapshot(ws)
	if scanErr == nil {
		res.FilesCreated, res.FilesModified, res.FilesDeleted, res.FilesTruncated = diffSnapshots(before.files, after.files)
	} else {
		res.FilesCreated, res.FilesModified, res.FilesDeleted = []string{}, []string{}, []string{}
		res.FilesTruncated = true
	}
	final := workspaceUse{bytes: after.bytes, entries: after.entries, err: scanErr}
	over := s.checkWorkspace(x, res, wd.use, final)
	ev.complete(ctx, res, x)
	// A session reports a workspace it finds over workspace_max_bytes
	// after the execution itself (executeInSession): report only what it
	// does not see.
	if over.over(p.WorkspaceMaxBytes) && (s.opts.session == nil || final.err != nil || final.bytes <= p.WorkspaceMaxBytes) {
		ev.workspaceViolation(ctx, over, p.WorkspaceMaxBytes)
	}
	if x.stopped.Load() == stopCancelled {
		return res, fmt.Errorf("%w: %w", ErrCancelled, context.Cause(ctx))
	}
	return res, nil
}

// checkWorkspace applies workspace_max_bytes and the entry cap to the
// result of x, given what stopped the guest (stop, when the watchdog did)
// and the workspace after the run (final). It returns the measurement that
// is over a limit, or the zero workspaceUse.
//
//   - A guest stopped by the watchdog is a guest_error (exit code -1) whose
//     error says how much the workspace held.
//   - A workspace that cannot be scanned after the run fails closed: the
//     files lists are empty and marked truncated (see execute) and, when
//     the guest ended by itself (ok or guest_error), the outcome becomes
//     guest_error with the scan problem as the error; the guest's exit
//     code is kept. Other outcomes (a limit, a trap) are left alone.
//   - A workspace that ends over a limit the watchdog did not see in time
//     keeps its outcome: it is reported by a security.violation (and a
//     session refuses further executions).
func (s *wasmSandbox) checkWorkspace(x *execution, res *Result, stop, final workspaceUse) workspaceUse {
	p := x.policy
	switch {
	case x.stopped.Load() == stopWorkspace:
		use := final
		if !final.over(p.WorkspaceMaxBytes) {
			use = stop // the guest removed files before it was trapped
		}
		res.Error = workspaceLimitError(use, p.WorkspaceMaxBytes, p.GuestWorkspace)
		return use
	case final.err != nil:
		if res.Outcome == OutcomeOK || res.Outcome == OutcomeGuestError {
			res.Outcome, res.Success = OutcomeGuestError, false
			res.Error = workspaceLimitError(final, p.WorkspaceMaxBytes, p.GuestWorkspace)
		}
		return final
	case final.over(p.WorkspaceMaxBytes):
		return final
	}
	return workspaceUse{}
}

// workspaceLimitError is the one-line reason of an execution whose
// workspace went over its limits.
func workspaceLimitError(u workspaceUse, limit int64, guest string) string {
	switch {
	case u.stageLimit > 0 && u.err != nil:
		return fmt.Sprintf("the session's state directory could not be measured (%v); write nothing there but what the sandbox saves", oneLine(cause(u.err).Error()))
	case u.stageLimit > 0:
		return fmt.Sprintf("the session's state directory went over its limit of %d bytes (%d bytes in %s); write nothing there but what the sandbox saves",
			u.stageLimit, u.bytes, entriesText(u.entries))
	case u.err != nil:
		return fmt.Sprintf("workspace %s could not be measured (%v), which counts as over workspace_max_bytes; write fewer or less deeply nested files, or delete files",
			guest, oneLine(cause(u.err).Error()))
	case u.bytes <= limit && u.entries > maxWorkspaceEntries:
		return fmt.Sprintf("workspace limit of %d files and directories exceeded (the code wrote %d bytes in %s to %s); write fewer files, or delete files",
			maxWorkspaceEntries, u.bytes, entriesText(u.entries), guest)
	}
	return fmt.Sprintf("workspace limit of %d bytes exceeded (the code wrote %d bytes in %s to %s); write less, or delete files",
		limit, u.bytes, entriesText(u.entries), guest)
}

func entriesText(n int64) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files and directories", n)
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// run sets up a fresh store for x and runs the guest in it. The first
// error is the guest's (a trap or exit); the second means the host failed.
func (s *wasmSandbox) run(x *execution) (error, error) {
	eng := s.rt.eng
	store := wasmtime.NewStoreWithData(eng.wt, x)
	// Handles given to C are released only once the store is gone.
	var releases []func()
	defer func() {
		store.Close()
		for _, r := range releases {
			r()
		}
	}()
	x.store = store
	if err := store.SetFuel(uint64(x.policy.FuelBudget)); err != nil {
		return nil, fmt.Errorf("%w: setting fuel: %v", ErrInternal, err)
	}
	// Linear memory is capped at memory_bytes; tables get a generous fixed
	// cap so they cannot be used to exhaust host memory either.
	store.Limiter(x.policy.MemoryBytes, 1<<20, 10, 10, 2)
	wasi, err := s.wasiConfig(x)
	if err != nil {
		return nil, err
	}
	releaseOutput, err := captureOutput(wasi, x)
	if err != nil {
		return nil, err
	}
	releases = append(releases, releaseOutput)
	store.SetWasi(wasi)
	release, err := watchEpoch(store, x)
	if err != nil {
		return nil, err
	}
	releases = append(releases, release)
	defer eng.ticker.acquire()()
	runErr := s.rt.run(x)
	if left, err := store.GetFuel(); err == nil {
		x.fuelConsumed = uint64(x.policy.FuelBudget) - left
	}
	return runErr, nil
}

// wasiConfig gives the guest exactly the policy's argv, env and mounts:
// no inherited environment, no host root, no sockets.
func (s *wasmSandbox) wasiConfig(x *execution) (*wasmtime.WasiConfig, error) {
	p := x.policy
	c := wasmtime.NewWasiConfig()
	argv := p.Argv
	if argv == nil {
		argv = s.rt.defaultArgv
	}
	if s.rt.argv != nil {
		argv = s.rt.argv(argv, x)
	}
	c.SetArgv(argv)
	env := p.Env
	if env == nil {
		env = s.rt.defaultEnv(p)
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = env[k]
	}
	c.SetEnv(keys, vals)
	// stdin reads as empty; stdout and stderr go to the captures (see
	// captureOutput, called by run).
	if err := c.SetStdinFile(os.DevNull); err != nil {
		return nil, fmt.Errorf("%w: wasi stdin: %v", ErrInternal, err)
	}
	if err := c.PreopenDir(x.workspace, p.GuestWorkspace, wasmtime.DIR_READ|wasmtime.DIR_WRITE, wasmtime.FILE_READ|wasmtime.FILE_WRITE); err != nil {
		return nil, fmt.Errorf("%w: mounting the workspace: %v", ErrInternal, err)
	}
	for _, m := range p.Mounts {
		dp, fp := wasmtime.DIR_READ, wasmtime.FILE_READ
		if m.Writable {
			dp, fp = dp|wasmtime.DIR_WRITE, fp|wasmtime.FILE_WRITE
		}
		if err := c.PreopenDir(m.Host, m.Guest, dp, fp); err != nil {
			return nil, fmt.Errorf("%w: mounting %s at %s: %v", ErrInternal, m.Host, m.Guest, err)
		}
	}
	return c, nil
}

// memoryHint reports whether the guest's own error output shows it ran out
// of memory (CPython's MemoryError, QuickJS's "out of memory"). The store
// limiter makes memory.grow fail quietly, so this is how a failed
// allocation shows up once the runtime has turned it into an error.
func memoryHint(stderr string) bool {
	return strings.Contains(stderr, "MemoryError") || strings.Contains(stderr, "out of memory")
}

// classify fills the outcome fields of res from how the guest ended.
func (s *wasmSandbox) classify(x *execution, runErr error, res *Result) {
	res.FuelConsumed = x.fuelConsumed
	res.MemoryPeakBytes = x.memPeak
	res.Stdout, res.StdoutTruncated = x.stdout.result()
	res.Stderr, res.StderrTruncated = x.stderr.result()
	res.ExitCode = -1
	code, exited := 0, runErr == nil
	if !exited {
		code, exited = errorsAsExit(runErr)
	}
	nearCap := x.memPeak+(1<<20) >= x.policy.MemoryBytes
	switch {
	case x.stopped.Load() == stopTimeout:
		res.Outcome = OutcomeTimeout
		res.Error = fmt.Sprintf("wall-clock deadline of %s passed; make the work shorter or raise timeout", x.policy.Timeout)
	case x.stopped.Load() == stopCancelled:
		res.Outcome = OutcomeTimeout
		res.Error = "cancelled by the caller"
	case x.stopped.Load() == stopWorkspace:
		// The outcomes are a closed set: a guest stopped for filling its
		// workspace is a guest error. execute fills in the numbers.
		res.Outcome = OutcomeGuestError
		res.Error = fmt.Sprintf("workspace limit of %d bytes exceeded", x.policy.WorkspaceMaxBytes)
	// Fuel at zero is the signal: wasmtime-go v39's TrapCode constants are
	// numbered differently from the C library's codes.
	case !exited && res.FuelConsumed >= uint64(x.policy.FuelBudget):
		res.Outcome = OutcomeOutOfFuel
		res.Error = fmt.Sprintf("fuel budget of %d instructions exhausted; do less work per call or raise fuel_budget", x.policy.FuelBudget)
	case (exited && code != 0 || !exited) && (x.memoryDenied || memoryHint(res.Stderr) || nearCap && !exited):
		if exited {
			res.ExitCode = code
		}
		res.Outcome = OutcomeMemoryLimit
		res.Error = fmt.Sprintf("memory limit of %d bytes reached; use less memory or raise memory_bytes", x.policy.MemoryBytes)
	case exited && code == 0:
		res.ExitCode = 0
		res.Outcome = OutcomeOK
		res.Success = true
	case exited:
		res.ExitCode = code
		res.Outcome = OutcomeGuestError
		res.Error = guestErrorLine(res.Stderr, code)
	default:
		res.Outcome = OutcomeTrap
		res.Error = "webassembly trap: " + trapLine(runErr)
	}
}

// guestErrorLine picks the last non-empty line of stderr (for Python the
// exception line of the traceback) as the one-line reason, passing over the
// notes the sandbox itself adds ("wasmsandbox: not persisted: ...").
func guestErrorLine(stderr string, code int) string {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "wasmsandbox: ") {
			if len(l) > 300 {
				l = l[:300] + "..."
			}
			return fmt.Sprintf("exit code %d: %s", code, l)
		}
	}
	return fmt.Sprintf("exit code %d", code)
}

func trapLine(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
