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
)
