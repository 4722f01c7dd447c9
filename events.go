package sandbox

import (
	"context"
	"log/slog"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// Event names: the message of each structured log record.
const (
	EventExecutionStart    = "execution.start"
	EventExecutionComplete = "execution.complete"
	EventSecurityViolation = "security.violation"
	// EventSessionCreated is logged when a session is created.
	EventSessionCreated = "session.created"
	// EventSessionDeleted is logged when a session is deleted.
	EventSessionDeleted = "session.deleted"
	// EventSessionPruned is logged for each session that Prune deletes.
	EventSessionPruned = "session.pruned"
	// EventSessionReset is logged when a session's workspace is emptied.
	EventSessionReset = "session.reset"
)

// Kinds of security.violation events.
const (
	ViolationOutOfFuel       = "out_of_fuel"
	ViolationMemoryLimit     = "memory_limit"
	ViolationTimeout         = "timeout"
	ViolationOutputTruncated = "output_truncated"
	// ViolationWorkspaceLimit: the workspace went over workspace_max_bytes
	// (limit and observed in bytes), over the cap on its number of files
	// and directories (attribute unit "entries": limit and observed count
	// entries), or could not be measured (attribute error). Either the
	// guest was stopped while it ran, or it ended over the limit; a
	// session then refuses to execute until files are removed.
	ViolationWorkspaceLimit = "workspace_limit"
	// ViolationStateLimit: a session's state directory (where its saved
	// globals are staged) went over its limit (attribute unit "bytes" or
	// "entries") while the guest ran; the guest was stopped.
	ViolationStateLimit = "state_limit"
)

// events emits the structured records of one execution; with a nil logger
// it does nothing.
type events struct {
	logger    *slog.Logger
	runtime   Runtime
	sessionID string
}

func (e events) start(ctx context.Context, p Policy, codeBytes int) {
	if e.logger == nil {
		return
	}
	e.logger.LogAttrs(ctx, slog.LevelInfo, EventExecutionStart,
		slog.String("runtime", string(e.runtime)),
		slog.String("session_id", e.sessionID),
		slog.Int64("fuel_budget", p.FuelBudget),
		slog.Int64("memory_bytes", p.MemoryBytes),
		slog.Duration("timeout", p.Timeout),
		slog.Int("code_bytes", codeBytes),
	)
}

func (e events) complete(ctx context.Context, r *Result, p Policy, x *engine.Execution) {
	if e.logger == nil {
		return
	}
	outBytes, errBytes := x.Stdout.Written(), x.Stderr.Written()
	e.logger.LogAttrs(ctx, slog.LevelInfo, EventExecutionComplete,
		slog.String("runtime", string(e.runtime)),
		slog.String("session_id", e.sessionID),
		slog.String("outcome", string(r.Outcome)),
		slog.Int("exit_code", r.ExitCode),
		slog.Uint64("fuel_consumed", r.FuelConsumed),
		slog.Int64("memory_peak_bytes", r.MemoryPeakBytes),
		slog.Int64("duration_ms", r.DurationMS),
		slog.Int64("stdout_bytes", outBytes),
		slog.Int64("stderr_bytes", errBytes),
		slog.Bool("stdout_truncated", r.StdoutTruncated),
		slog.Bool("stderr_truncated", r.StderrTruncated),
	)
	switch r.Outcome {
	case OutcomeOutOfFuel:
		e.violation(ctx, ViolationOutOfFuel, p.FuelBudget, int64(r.FuelConsumed))
	case OutcomeMemoryLimit:
		e.violation(ctx, ViolationMemoryLimit, p.MemoryBytes, r.MemoryPeakBytes)
	case OutcomeTimeout:
		// A caller's cancellation is not a limit: nothing to report.
		if x.Stopped() != engine.StopCancelled {
			e.violation(ctx, ViolationTimeout, p.Timeout.Milliseconds(), r.DurationMS)
		}
	}
	if r.StdoutTruncated {
		e.violation(ctx, ViolationOutputTruncated, p.StdoutMaxBytes, outBytes, slog.String("stream", "stdout"))
	}
	if r.StderrTruncated {
		e.violation(ctx, ViolationOutputTruncated, p.StderrMaxBytes, errBytes, slog.String("stream", "stderr"))
	}
}

// violation emits a security.violation record at WARN level.
func (e events) violation(ctx context.Context, kind string, limit, observed int64, extra ...slog.Attr) {
	if e.logger == nil {
		return
	}
	attrs := append([]slog.Attr{
		slog.String("kind", kind),
		slog.String("runtime", string(e.runtime)),
		slog.String("session_id", e.sessionID),
		slog.Int64("limit", limit),
		slog.Int64("observed", observed),
	}, extra...)
	e.logger.LogAttrs(ctx, slog.LevelWarn, EventSecurityViolation, attrs...)
}

// workspaceViolation reports a workspace over its limits (see
// ViolationWorkspaceLimit).
func (e events) workspaceViolation(ctx context.Context, u workspace.Use, limit int64) {
	switch {
	case u.StageLimit > 0 && u.Err != nil:
		e.violation(ctx, ViolationStateLimit, u.StageLimit, u.Bytes,
			slog.String("unit", "bytes"), slog.Int64("entries", u.Entries), slog.String("error", u.Err.Error()))
	case u.StageLimit > 0 && u.Entries > workspace.MaxStageEntries:
		e.violation(ctx, ViolationStateLimit, workspace.MaxStageEntries, u.Entries,
			slog.String("unit", "entries"), slog.Int64("bytes", u.Bytes))
	case u.StageLimit > 0:
		e.violation(ctx, ViolationStateLimit, u.StageLimit, u.Bytes,
			slog.String("unit", "bytes"), slog.Int64("entries", u.Entries))
	case u.Err != nil:
		e.violation(ctx, ViolationWorkspaceLimit, limit, u.Bytes,
			slog.String("unit", "bytes"), slog.Int64("entries", u.Entries), slog.String("error", u.Err.Error()))
	case u.Bytes <= limit && u.Entries > workspace.MaxEntries:
		e.violation(ctx, ViolationWorkspaceLimit, workspace.MaxEntries, u.Entries,
			slog.String("unit", "entries"), slog.Int64("bytes", u.Bytes))
	default:
		e.violation(ctx, ViolationWorkspaceLimit, limit, u.Bytes,
			slog.String("unit", "bytes"), slog.Int64("entries", u.Entries))
	}
}
