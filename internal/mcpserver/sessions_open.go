package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/wasmsandbox/sandbox"
)

// Opening the session a tool names, refusing sessions that allow more than
// the server does, and turning session errors into the tools' answers.

// errNoSessions is the tool error of the session tools on a server
// without a session store.
var errNoSessions = errors.New("sessions are not enabled on this server (it has no sessions directory); run code without session_id, and keep state in the code itself")

// openSession opens the session named by the session_id argument, after
// pruning expired ones. A malformed or unknown ID is a bad argument; so is
// a session whose policy exceeds the server's (one made outside the
// server, say by `wasmsandbox session create`, in the same directory).
// Over HTTP, a session another client (token) created is reported exactly
// as one that does not exist.
func (s *server) openSession(ctx context.Context, id string) (*sandbox.Session, error) {
	if err := sandbox.ValidateSessionID(id); err != nil {
		return nil, argError("session_id", "%q is not a session ID; use the session_id create_session returned", id)
	}
	if s.store == nil {
		return nil, errNoSessions
	}
	s.maybePrune(ctx)
	sess, err := s.store.Open(id)
	if client, ok := clientOf(ctx); ok && (errors.Is(err, sandbox.ErrSessionCorrupt) || err == nil && sess.Owner() != client) {
		// Another client's session (or one whose owner cannot be read)
		// looks exactly like one that does not exist.
		return nil, s.noSession(id)
	}
	switch {
	case errors.Is(err, sandbox.ErrInvalidSessionID):
		return nil, argError("session_id", "%q is not a session ID; use the session_id create_session returned", id)
	case errors.Is(err, sandbox.ErrSessionNotFound):
		return nil, s.noSession(id)
	case errors.Is(err, sandbox.ErrSessionCorrupt):
		return nil, fmt.Errorf("session %s cannot be used: %v; destroy it and create a new one", id, err)
	case err != nil:
		return nil, s.internalError(fmt.Sprintf("the server could not open session %s", id), err)
	}
	if why := s.exceeds(sess.Policy()); why != "" {
		return nil, argError("session_id", "session %q was not made by this server and allows more than it does (%s); use a session from create_session", id, why)
	}
	return sess, nil
}

// noSession is the bad session_id of a session that is gone.
func (s *server) noSession(id string) error {
	return argError("session_id", "no session %q: it was destroyed, or deleted after %s unused; create a new one with create_session", id, formatDuration(s.cfg.SessionTTL))
}

// exceeds says how p allows more than the server's policy, or "" when it
// does not: higher limits, other or writable mounts, another environment.
func (s *server) exceeds(p sandbox.Policy) string {
	c := s.policy
	for _, l := range []struct {
		name      string
		got, ceil int64
	}{
		{"fuel_budget", p.FuelBudget, c.FuelBudget},
		{"memory_bytes", p.MemoryBytes, c.MemoryBytes},
		{"timeout", int64(p.Timeout), int64(c.Timeout)},
		{"stdout_max_bytes", p.StdoutMaxBytes, c.StdoutMaxBytes},
		{"stderr_max_bytes", p.StderrMaxBytes, c.StderrMaxBytes},
		{"max_code_bytes", p.MaxCodeBytes, c.MaxCodeBytes},
		{"workspace_max_bytes", p.WorkspaceMaxBytes, c.WorkspaceMaxBytes},
	} {
		if l.got > l.ceil {
			return fmt.Sprintf("%s %d > %d", l.name, l.got, l.ceil)
		}
	}
	for _, m := range p.Mounts {
		if !slices.ContainsFunc(c.Mounts, func(cm sandbox.Mount) bool {
			return cm.Guest == m.Guest && cm.Host == m.Host && (cm.Writable || !m.Writable)
		}) {
			return "mount " + m.Guest
		}
	}
	if p.GuestWorkspace != c.GuestWorkspace {
		return "guest_workspace " + p.GuestWorkspace
	}
	if !slices.Equal(p.Argv, c.Argv) || !equalEnv(p.Env, c.Env) {
		return "argv or env"
	}
	return ""
}

// equalEnv compares environments; nil and empty count as equal, since a
// session's stored policy does not keep the difference.
func equalEnv(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// sessionError turns an error of a session operation (what the server was
// doing: "run the code", "list the files", ...) into the tool's answer:
// the session vanished (a bad session_id now), or a tool error that says
// what to do. Errors that are the server's own problem are logged and
// reported without their details (see internalError).
func (s *server) sessionError(id, what string, err error) error {
	switch {
	case errors.Is(err, sandbox.ErrSessionNotFound):
		return s.noSession(id)
	case errors.Is(err, sandbox.ErrWorkspaceFull):
		return fmt.Errorf("%v; delete files (with delete_file or execute_code) or call reset_workspace", err)
	case errors.Is(err, sandbox.ErrSessionCorrupt):
		return fmt.Errorf("%v; destroy the session and create a new one", err)
	case errors.Is(err, sandbox.ErrCancelled):
		return errCancelled
	}
	return s.internalError(fmt.Sprintf("the server could not %s in session %s", what, id), err)
}
