package sandbox

import "errors"

// Sentinel errors. Every error returned by this package wraps one of these,
// so callers can branch with errors.Is.
var (
	// ErrInvalidPolicy means a Policy failed validation; nothing ran.
	// The wrapped *PolicyError lists every bad field.
	ErrInvalidPolicy = errors.New("invalid policy")

	// ErrUnknownRuntime means the runtime name is not one this package knows.
	ErrUnknownRuntime = errors.New("unknown runtime")

	// ErrNotImplemented means the runtime is known but not available in this build.
	ErrNotImplemented = errors.New("not implemented")

	// ErrRuntimeNotInstalled means the guest runtime's files are missing and
	// could not be installed; run `wasmsandbox runtimes install`.
	ErrRuntimeNotInstalled = errors.New("runtime not installed")

	// ErrCodeTooLarge means the source exceeded the policy's max_code_bytes; nothing ran.
	ErrCodeTooLarge = errors.New("code too large")

	// ErrCancelled means the caller's context ended before or during the execution.
	ErrCancelled = errors.New("execution cancelled")

	// ErrInternal means the host failed to set up or run the sandbox.
	ErrInternal = errors.New("internal sandbox error")

	// ErrInvalidSessionID means a session ID does not match the allowed
	// pattern (see ValidateSessionID); nothing on disk was touched.
	ErrInvalidSessionID = errors.New("invalid session ID")

	// ErrSessionNotFound means no session with that ID exists in the store.
	ErrSessionNotFound = errors.New("session not found")

	// ErrSessionExists means Create was given the ID of an existing session.
	ErrSessionExists = errors.New("session already exists")

	// ErrSessionCorrupt means a session's metadata or saved state on disk is
	// missing, truncated or malformed; the error says which and what to do.
	ErrSessionCorrupt = errors.New("session data corrupt")

	// ErrSessionConflict means a request contradicts a session's fixed
	// settings, such as a different runtime or policy than it was created with.
	ErrSessionConflict = errors.New("conflicts with the session")

	// ErrWorkspaceFull means the workspace (a session's, or the policy's
	// workspace directory) holds more than workspace_max_bytes, or cannot be
	// measured; remove files before executing again.
	ErrWorkspaceFull = errors.New("workspace full")

	// ErrFileAccess means a host-side file operation on a session's
	// workspace failed: the path is missing, leaves the workspace, is too
	// large to read, or the host could not do it. The wrapped error matches
	// the io/fs sentinels (fs.ErrNotExist, fs.ErrPermission, ...).
	ErrFileAccess = errors.New("workspace file operation failed")
)
