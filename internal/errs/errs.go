// Package errs holds the sentinel errors of wasmsandbox. The root package
// re-exports each one under its public name (sandbox.ErrInternal is
// errs.Internal), so the machinery in internal packages can wrap them and
// callers can test them with errors.Is without any internal package
// importing the root.
package errs

import "errors"

// The sentinels; their meaning is documented on the root package's names.
var (
	InvalidPolicy       = errors.New("invalid policy")
	UnknownRuntime      = errors.New("unknown runtime")
	NotImplemented      = errors.New("not implemented")
	RuntimeNotInstalled = errors.New("runtime not installed")
	CodeTooLarge        = errors.New("code too large")
	Cancelled           = errors.New("execution cancelled")
	Internal            = errors.New("internal sandbox error")
	InvalidSessionID    = errors.New("invalid session ID")
	SessionNotFound     = errors.New("session not found")
	SessionExists       = errors.New("session already exists")
	SessionCorrupt      = errors.New("session data corrupt")
	SessionConflict     = errors.New("conflicts with the session")
	WorkspaceFull       = errors.New("workspace full")
	FileAccess          = errors.New("workspace file operation failed")
)
