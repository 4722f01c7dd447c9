package sandbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/errs"
)

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

// PolicyError lists every problem Validate (or a policy loader) found in a
// policy. It wraps ErrInvalidPolicy, so errors.Is(err, ErrInvalidPolicy)
// holds; use errors.As to get at the individual fields.
type PolicyError struct {
	// Fields holds one entry per problem, in the order of the policy's keys.
	Fields []FieldError
}

// Error names every bad key, its value and what to do, on one line.
func (e *PolicyError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidPolicy.Error())
	if len(e.Fields) > 1 {
		fmt.Fprintf(&b, " (%d problems)", len(e.Fields))
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns ErrInvalidPolicy.
func (e *PolicyError) Unwrap() error { return ErrInvalidPolicy }

// FieldError is one problem with one policy key.
type FieldError struct {
	// Field is the key as written in a policy file, with a path for nested
	// values: "fuel_budget", "mounts[1].guest", "env.HOME", "argv[0]".
	Field string
	// Value is the offending value (for secrets such as environment
	// values, only a description of it).
	Value any
	// Reason says what is wrong and, where it helps, what to do instead.
	Reason string
}

// reasonUnknownKey is the Reason of a FieldError for a key the policy does
// not have; Error phrases such errors as `unknown key "name"`.
const reasonUnknownKey = "unknown key"

// Error formats the problem as `key = value: reason`.
func (e FieldError) Error() string {
	if rest, ok := strings.CutPrefix(e.Reason, reasonUnknownKey); ok {
		return fmt.Sprintf("%s %q%s", reasonUnknownKey, e.Field, rest)
	}
	if e.Value == nil {
		return e.Field + ": " + e.Reason
	}
	return fmt.Sprintf("%s = %s: %s", e.Field, formatValue(e.Value), e.Reason)
}

// formatValue renders a value for an error message, shortened when long.
func formatValue(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return fmt.Sprintf("%q", s)
	case time.Duration:
		return fmt.Sprintf("%q", v.String())
	default:
		s = fmt.Sprintf("%v", v)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
