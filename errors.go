package sandbox

import "github.com/wasmsandbox/sandbox/internal/errs"

// Sentinel errors. Every error returned by this package wraps one of these,
// so callers can branch with errors.Is.
var (
	// ErrInvalidPolicy means a Policy failed validation; nothing ran.
	// The wrapped *PolicyError lists every bad field.
	ErrInvalidPolicy = errs.InvalidPolicy

	// ErrUnknownRuntime means the runtime name is not one this package knows.
	ErrUnknownRuntime = errs.UnknownRuntime

	// ErrNotImplemented means the runtime is known but not available in this build.
	ErrNotImplemented = errs.NotImplemented

	// ErrRuntimeNotInstalled means the guest runtime's files are missing and
	// could not be installed; run `wasmsandbox runtimes install`.
	ErrRuntimeNotInstalled = errs.RuntimeNotInstalled

	// ErrCodeTooLarge means the source exceeded the policy's max_code_bytes; nothing ran.
	ErrCodeTooLarge = errs.CodeTooLarge

	// ErrCancelled means the caller's context ended before or during the execution.
	ErrCancelled = errs.Cancelled

	// ErrInternal means the host failed to set up or run the sandbox.
	ErrInternal = errs.Internal

	// ErrInvalidSessionID means a session ID does not match the allowed
	// pattern (see ValidateSessionID); nothing on disk was touched.
	ErrInvalidSessionID = errs.InvalidSessionID

	// ErrSessionNotFound means no session with that ID exists in the store.
	ErrSessionNotFound = errs.SessionNotFound

	// ErrSessionExists means Create was given the ID of an existing session.
	ErrSessionExists = errs.SessionExists

	// ErrSessionCorrupt means a session's metadata or saved state on disk is
	// missing, truncated or malformed; the error says which and what to do.
	ErrSessionCorrupt = errs.SessionCorrupt

	// ErrSessionConflict means a request contradicts a session's fixed
	// settings, such as a different runtime or policy than it was created with.
	ErrSessionConflict = errs.SessionConflict

	// ErrWorkspaceFull means the workspace (a session's, or the policy's
	// workspace directory) holds more than workspace_max_bytes, or cannot be
	// measured; remove files before executing again.
	ErrWorkspaceFull = errs.WorkspaceFull

	// ErrFileAccess means a host-side file operation on a session's
	// workspace failed: the path is missing, leaves the workspace, is too
	// large to read, or the host could not do it. The wrapped error matches
	// the io/fs sentinels (fs.ErrNotExist, fs.ErrPermission, ...).
	ErrFileAccess = errs.FileAccess
)
