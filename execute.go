package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

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
	return s.execute(ctx, code, s.policy, s.opts.sessionID, nil)
}

// execute runs code under p, with a session's globals g when not nil. The
// workspace is p.Workspace, or a fresh temporary directory removed
// afterwards.
func (s *wasmSandbox) execute(ctx context.Context, code string, p Policy, sessionID string, g *engine.Globals) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	if int64(len(code)) > p.MaxCodeBytes {
		return nil, fmt.Errorf("%w: %d bytes of code exceed max_code_bytes (%d); send less code or raise the limit",
			ErrCodeTooLarge, len(code), p.MaxCodeBytes)
	}
	ws := p.Workspace
	if ws == "" {
		dir, release, err := workspace.NewTemp("")
		if err != nil {
			return nil, fmt.Errorf("%w: creating a workspace: %v", ErrInternal, err)
		}
		defer release()
		ws = dir
	}
	before, err := workspace.Snapshot(ws)
	if err != nil {
		return nil, fmt.Errorf("%w: the workspace cannot be measured (%v); remove what cannot be read or is nested too deeply, and try again",
			ErrWorkspaceFull, workspace.Cause(err))
	}
	if before.Bytes > p.WorkspaceMaxBytes || before.Entries > workspace.MaxEntries {
		return nil, fmt.Errorf("%w: the workspace holds %d bytes in %d files and directories, over workspace_max_bytes (%d) or the cap of %d entries; remove files (or raise workspace_max_bytes) and try again",
			ErrWorkspaceFull, before.Bytes, before.Entries, p.WorkspaceMaxBytes, workspace.MaxEntries)
	}
	ev := events{logger: s.opts.logger, runtime: s.rt.name, sessionID: sessionID}
	ev.start(ctx, p, len(code))

	pkgMounts, pkgDirs, err := packageMounts(s.rt.name, p, s.opts.home)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	spec := s.rt.spec(p, code, ws, g, &s.opts)
	spec.Mounts = append(spec.Mounts, pkgMounts...)
	spec.Packages = pkgDirs
	s.rt.finish(&spec)
	mod, err := s.rt.moduleFor(&spec)
	if err != nil {
		return nil, err
	}
	x := engine.NewExecution(ctx, spec)
	var stage string
	var stageLimit int64
	if g != nil && g.Stage != "" {
		// The stage holds the saved globals going in and coming out.
		stage, stageLimit = g.Stage, 2*g.Max+1<<20
	}
	wd := workspace.Watch(ws, p.WorkspaceMaxBytes, stage, stageLimit, func() { x.Stop(engine.StopWorkspace) })
	// Where the host performs the guest's writes, each is metered before
	// it is made (see workspace.Meter); the watchdog covers the rest.
	x.Spec.Meter = wd.Meter(before.Bytes, before.Entries)
	if !x.Spec.HostFS && s.rt.name != JavaScript {
		wd.Unmetered() // Python started cold writes through wasmtime's WASI
	}
	runErr, err := s.rt.eng.Run(x, func(x *engine.Execution) error { return s.rt.run(x, mod) })
	stopUse := wd.Stop()
	if err != nil {
		if errors.Is(err, ErrCancelled) {
			// Cancelled while waiting for an instance slot: the start
			// announced above still gets its complete (a cancellation,
			// which is no limit to report).
			x.Stop(engine.StopCancelled)
			ev.complete(ctx, &Result{Runtime: s.rt.name, SessionID: sessionID, FuelBudget: p.FuelBudget, ExitCode: -1,
				Outcome: OutcomeTimeout, Error: "cancelled by the caller before it started",
				DurationMS: time.Since(start).Milliseconds()}, p, x)
		}
		return nil, err
	}
	res := &Result{
		Runtime:    s.rt.name,
		SessionID:  sessionID,
		FuelBudget: p.FuelBudget,
		DurationMS: time.Since(start).Milliseconds(),
	}
	classify(x, p, runErr, res)
	after, scanErr := workspace.Snapshot(ws)
	if scanErr == nil {
		res.FilesCreated, res.FilesModified, res.FilesDeleted, res.FilesTruncated = workspace.Diff(before.Files, after.Files)
	} else {
		res.FilesCreated, res.FilesModified, res.FilesDeleted = []string{}, []string{}, []string{}
		res.FilesTruncated = true
	}
	final := workspace.Use{Bytes: after.Bytes, Entries: after.Entries, Err: scanErr}
	over := checkWorkspace(x, p, res, stopUse, final)
	ev.complete(ctx, res, p, x)
	// A session reports a workspace it finds over workspace_max_bytes
	// after the execution itself (executeInSession): report only what it
	// does not see.
	if over.StageLimit > 0 || over.Over(p.WorkspaceMaxBytes) && (s.opts.session == nil || final.Err != nil || final.Bytes <= p.WorkspaceMaxBytes) {
		ev.workspaceViolation(ctx, over, p.WorkspaceMaxBytes)
	}
	if x.Stopped() == engine.StopCancelled {
		return res, fmt.Errorf("%w: %w", ErrCancelled, context.Cause(ctx))
	}
	return res, nil
}

// checkWorkspace applies workspace_max_bytes and the entry cap to the
// result of x, given what stopped the guest (stop, when the watchdog did)
// and the workspace after the run (final). It returns the measurement that
// is over a limit, or the zero workspace.Use.
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
func checkWorkspace(x *engine.Execution, p Policy, res *Result, stop, final workspace.Use) workspace.Use {
	switch {
	case x.Stopped() == engine.StopWorkspace:
		use := final
		if !final.Over(p.WorkspaceMaxBytes) {
			use = stop // the guest removed files before it was trapped
		}
		res.Error = workspaceLimitError(use, p.WorkspaceMaxBytes, p.GuestWorkspace)
		return use
	case final.Err != nil:
		if res.Outcome == OutcomeOK || res.Outcome == OutcomeGuestError {
			res.Outcome, res.Success = OutcomeGuestError, false
			res.Error = workspaceLimitError(final, p.WorkspaceMaxBytes, p.GuestWorkspace)
		}
		return final
	case final.Over(p.WorkspaceMaxBytes):
		return final
	}
	return workspace.Use{}
}

// workspaceLimitError is the one-line reason of an execution whose
// workspace went over its limits.
func workspaceLimitError(u workspace.Use, limit int64, guest string) string {
	switch {
	case u.StageLimit > 0 && u.Err != nil:
		return fmt.Sprintf("the session's state directory could not be measured (%v); write nothing there but what the sandbox saves", oneLine(workspace.Cause(u.Err).Error()))
	case u.StageLimit > 0 && u.Entries > workspace.MaxStageEntries:
		return fmt.Sprintf("the session's state directory went over its limit of %d files (%s); write nothing there but what the sandbox saves",
			workspace.MaxStageEntries, entriesText(u.Entries))
	case u.StageLimit > 0:
		return fmt.Sprintf("the session's state directory went over its limit of %d bytes (%d bytes in %s); write nothing there but what the sandbox saves",
			u.StageLimit, u.Bytes, entriesText(u.Entries))
	case u.Err != nil:
		return fmt.Sprintf("workspace %s could not be measured (%v), which counts as over workspace_max_bytes; write fewer or less deeply nested files, or delete files",
			guest, oneLine(workspace.Cause(u.Err).Error()))
	case u.Bytes <= limit && u.Entries > workspace.MaxEntries:
		return fmt.Sprintf("workspace limit of %d files and directories exceeded (the code wrote %d bytes in %s to %s); write fewer files, or delete files",
			workspace.MaxEntries, u.Bytes, entriesText(u.Entries), guest)
	}
	return fmt.Sprintf("workspace limit of %d bytes exceeded (the code wrote %d bytes in %s to %s); write less, or delete files",
		limit, u.Bytes, entriesText(u.Entries), guest)
}

func entriesText(n int64) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files and directories", n)
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// memoryHint reports whether the guest's own error output shows it ran out
// of memory (CPython's MemoryError, QuickJS's "out of memory"). The store
// limiter makes memory.grow fail quietly, so this is how a failed
// allocation shows up once the runtime has turned it into an error.
func memoryHint(stderr string) bool {
	return strings.Contains(stderr, "MemoryError") || strings.Contains(stderr, "out of memory")
}

// classify fills the outcome fields of res from how the guest ended.
func classify(x *engine.Execution, p Policy, runErr error, res *Result) {
	res.FuelConsumed = x.FuelConsumed
	res.Value = x.Value
	res.MemoryPeakBytes = x.MemPeak
	res.Stdout, res.StdoutTruncated = x.Stdout.Result()
	res.Stderr, res.StderrTruncated = x.Stderr.Result()
	res.ExitCode = -1
	code, exited := 0, runErr == nil
	if !exited {
		code, exited = engine.ExitStatus(runErr)
	}
	nearCap := x.MemPeak+(1<<20) >= p.MemoryBytes
	switch {
	case x.Stopped() == engine.StopTimeout:
		res.Outcome = OutcomeTimeout
		res.Error = fmt.Sprintf("wall-clock deadline of %s passed; make the work shorter or raise timeout", p.Timeout)
	case x.Stopped() == engine.StopCancelled:
		res.Outcome = OutcomeTimeout
		res.Error = "cancelled by the caller"
	case x.Stopped() == engine.StopWorkspace:
		// The outcomes are a closed set: a guest stopped for filling its
		// workspace is a guest error. execute fills in the numbers.
		res.Outcome = OutcomeGuestError
		res.Error = fmt.Sprintf("workspace limit of %d bytes exceeded", p.WorkspaceMaxBytes)
	// Fuel at zero is the signal: wasmtime-go v39's TrapCode constants are
	// numbered differently from the C library's codes.
	case !exited && res.FuelConsumed >= uint64(p.FuelBudget):
		res.Outcome = OutcomeOutOfFuel
		res.Error = fmt.Sprintf("fuel budget of %d instructions exhausted; do less work per call or raise fuel_budget", p.FuelBudget)
	case (exited && code != 0 || !exited) && (x.MemoryDenied || memoryHint(res.Stderr) || nearCap && !exited):
		if exited {
			res.ExitCode = code
		}
		res.Outcome = OutcomeMemoryLimit
		res.Error = fmt.Sprintf("memory limit of %d bytes reached; use less memory or raise memory_bytes", p.MemoryBytes)
	case exited && code == 0:
		res.ExitCode = 0
		res.Outcome = OutcomeOK
		res.Success = true
	case exited:
		res.ExitCode = code
		res.Outcome = OutcomeGuestError
		res.Error = guestErrorLine(res.Stderr, code)
		if x.JS != nil && x.JS.Uncaught != "" {
			res.Error = fmt.Sprintf("exit code %d: %s", code, capLine(x.JS.Uncaught))
		}
	default:
		res.Outcome = OutcomeTrap
		res.Error = trapReason(runErr)
	}
}

// guestErrorLine picks the last non-empty line of stderr (for Python the
// exception line of the traceback, for JavaScript the exception above its
// stack) as the one-line reason, passing over the notes the sandbox itself
// adds ("wasmsandbox: not persisted: ...").
func guestErrorLine(stderr string, code int) string {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		// Indented "at ..." lines are a JavaScript stack; the exception is
		// the line above them.
		if l != lines[i] && strings.HasPrefix(l, "at ") {
			continue
		}
		if l != "" && !strings.HasPrefix(l, "wasmsandbox: ") {
			return fmt.Sprintf("exit code %d: %s", code, capLine(strings.TrimPrefix(l, "Uncaught ")))
		}
	}
	return fmt.Sprintf("exit code %d", code)
}

// capLine cuts a one-line reason to 300 bytes, at a rune boundary.
func capLine(l string) string {
	if len(l) <= 300 {
		return l
	}
	n := 300
	for n > 0 && !utf8.RuneStart(l[n]) {
		n--
	}
	return l[:n] + "..."
}

// trapReason is the one-line error of a guest stopped by a trap: the
// trap's cause, as wasmtime names it, and what the code can do about it.
// The backtrace stays out of it.
func trapReason(err error) string {
	cause := trapCause(err)
	hint := ""
	switch {
	case cause == engine.StackOverflow:
		cause = "stack overflow: recursion too deep"
		hint = "recurse less deeply: use a loop or an explicit stack"
	case strings.Contains(cause, "call stack exhausted"):
		cause = "stack overflow: recursion too deep (" + cause + ")"
		hint = "recurse less deeply: use a loop or an explicit stack"
	case strings.Contains(cause, "out of bounds memory access"):
		hint = "the runtime's memory was corrupted, most often by recursion too deep through C code; recurse less deeply"
	case strings.Contains(cause, "unreachable"):
		hint = "the runtime aborted on an internal error; change the code that triggers it"
	case strings.Contains(cause, "integer divide by zero"), strings.Contains(cause, "integer overflow"):
		hint = "the runtime failed on an arithmetic error; change the code that triggers it"
	}
	if hint == "" {
		return "webassembly trap: " + cause
	}
	return "webassembly trap: " + cause + "; " + hint
}

// trapCause picks the cause out of a wasmtime error: the last "wasm
// trap: ..." line of its "Caused by:" part, else its first line.
func trapCause(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "wasm trap: "); i >= 0 {
		msg = msg[i+len("wasm trap: "):]
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSpace(msg)
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}
