package sandbox

// Outcome classifies how an execution ended.
type Outcome string

// The outcomes of an execution. Only OutcomeOK is a success.
const (
	// OutcomeOK: the guest finished with exit code 0.
	OutcomeOK Outcome = "ok"
	// OutcomeGuestError: an uncaught exception, a syntax error or a non-zero exit.
	OutcomeGuestError Outcome = "guest_error"
	// OutcomeOutOfFuel: the fuel budget was exhausted.
	OutcomeOutOfFuel Outcome = "out_of_fuel"
	// OutcomeMemoryLimit: the guest needed more memory than memory_bytes allowed.
	OutcomeMemoryLimit Outcome = "memory_limit"
	// OutcomeTimeout: the wall-clock deadline passed.
	OutcomeTimeout Outcome = "timeout"
	// OutcomeTrap: any other WebAssembly trap (stack overflow, unreachable, ...).
	OutcomeTrap Outcome = "trap"
)

// MaxValueBytes caps Result.Value; a longer repr is cut and ends in "...".
const MaxValueBytes = 16 << 10

// outcomes lists every Outcome, in the order of the table in DESIGN.md.
var outcomes = []Outcome{OutcomeOK, OutcomeGuestError, OutcomeOutOfFuel, OutcomeMemoryLimit, OutcomeTimeout, OutcomeTrap}

// Result is what the guest did during one execution. Policy violations are
// reported here (Outcome), never as Go errors.
type Result struct {
	// Success is true exactly when Outcome is OutcomeOK.
	Success bool `json:"success" jsonschema:"True exactly when outcome is \"ok\"."`
	// Outcome classifies how the execution ended.
	Outcome Outcome `json:"outcome" jsonschema:"How the execution ended: ok (exit code 0), guest_error (uncaught exception, syntax error or non-zero exit), out_of_fuel (fuel budget exhausted), memory_limit (needed more than memory_bytes), timeout (wall-clock deadline passed) or trap (any other WebAssembly trap)."`
	// ExitCode is the guest's own exit status (0 on success; 1 for an
	// uncaught exception; whatever the guest passed to exit). It is -1 when
	// the guest was stopped by a limit or a trap before it exited.
	ExitCode int `json:"exit_code" jsonschema:"The guest's own exit status: 0 on success, 1 for an uncaught exception, or what the guest passed to exit; -1 when a limit or a trap stopped the guest before it exited."`
	// Stdout is what the guest wrote to standard output, up to the policy's cap.
	Stdout string `json:"stdout" jsonschema:"What the guest wrote to standard output, up to the policy cap stdout_max_bytes."`
	// Stderr is what the guest wrote to standard error, up to the policy's cap.
	Stderr string `json:"stderr" jsonschema:"What the guest wrote to standard error, up to the policy cap stderr_max_bytes."`
	// StdoutTruncated is true when output past stdout_max_bytes was discarded.
	StdoutTruncated bool `json:"stdout_truncated" jsonschema:"True when stdout past stdout_max_bytes was discarded."`
	// StderrTruncated is true when output past stderr_max_bytes was discarded.
	StderrTruncated bool `json:"stderr_truncated" jsonschema:"True when stderr past stderr_max_bytes was discarded."`
	// FuelConsumed is the number of fuel units (roughly wasm instructions) used.
	FuelConsumed uint64 `json:"fuel_consumed" jsonschema:"Fuel units (roughly WebAssembly instructions) used."`
	// FuelBudget is the budget the execution ran under.
	FuelBudget int64 `json:"fuel_budget" jsonschema:"The fuel budget the execution ran under."`
	// MemoryPeakBytes is the largest size the guest's linear memory reached.
	MemoryPeakBytes int64 `json:"memory_peak_bytes" jsonschema:"The largest size in bytes that the guest's linear memory reached."`
	// DurationMS is the wall-clock time of the execution in milliseconds.
	DurationMS int64 `json:"duration_ms" jsonschema:"Wall-clock time of the execution in milliseconds."`
	// FilesCreated lists workspace-relative paths (slash-separated, sorted)
	// of regular files that appeared during the execution.
	FilesCreated []string `json:"files_created" jsonschema:"Workspace-relative paths (slash-separated, sorted) of regular files that appeared during the execution."`
	// FilesModified lists files whose size, time or mode changed.
	FilesModified []string `json:"files_modified" jsonschema:"Workspace-relative paths (sorted) of files whose size, time or mode changed."`
	// FilesDeleted lists files that disappeared.
	FilesDeleted []string `json:"files_deleted" jsonschema:"Workspace-relative paths (sorted) of files that disappeared."`
	// FilesTruncated is true when FilesCreated, FilesModified or
	// FilesDeleted was cut at 1000 entries, or when the workspace could not
	// be scanned after the execution (the lists are then empty).
	FilesTruncated bool `json:"files_truncated,omitempty" jsonschema:"True when files_created, files_modified or files_deleted was cut at its first 1000 paths (sorted), or when the workspace could not be scanned after the execution (the lists are then empty). Absent when the lists are complete."`
	// Runtime is the language runtime that ran the code.
	Runtime Runtime `json:"runtime" jsonschema:"The language runtime that ran the code."`
	// SessionID is the session the execution ran in, or empty.
	SessionID string `json:"session_id" jsonschema:"The session the execution ran in, or empty."`
	// Value is what a REPL or notebook cell would show for the code,
	// capped at MaxValueBytes: for Python the repr of its last statement
	// when that is an expression whose value is not None, for JavaScript
	// the inspected completion value of a script; empty otherwise. It is
	// never written to stdout.
	Value string `json:"value" jsonschema:"What a REPL or notebook cell shows for the code, capped: the repr (Python) or inspected form (JavaScript) of the value of its last expression statement; empty when the code does not end in an expression, the value is None or undefined, or the code raised. Never written to stdout."`
	// Error is a one-line human reason when Success is false, else empty.
	Error string `json:"error" jsonschema:"A one-line human reason when success is false, else empty."`
	// Warnings say what went wrong around the execution without changing
	// what the code did (in a session: its globals or metadata could not be
	// saved, say on a full disk). Absent when nothing did.
	Warnings []string `json:"warnings,omitempty" jsonschema:"What went wrong around the execution without changing what the code did, for instance a session whose globals or metadata could not be saved (a full disk). Absent when nothing did."`
	// GlobalsNotPersisted names the globals that a session with
	// auto_persist_globals could not keep for the next execution (modules,
	// lambdas, open files, ...; stderr says why). Absent when none.
	GlobalsNotPersisted []string `json:"globals_not_persisted,omitempty" jsonschema:"In a session with auto_persist_globals: names of globals that could not be kept for the next execution (modules, functions, open files, values too large, ...); stderr says why. Absent when every global was kept or the session does not persist globals."`
}
