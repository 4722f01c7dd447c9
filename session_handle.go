package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/python"
	"github.com/wasmsandbox/sandbox/internal/session"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// Session is a handle on one session of a store. Its runtime and policy
// are fixed; everything else is read from disk when asked, so a handle
// stays valid while other handles (or processes) use the same session.
// Its methods are safe for concurrent use.
type Session struct {
	store   *SessionStore
	id      string
	dir     string
	runtime Runtime
	policy  Policy
	persist bool
	maxSt   int64
	// nonce is the session's creation nonce when the handle was made.
	nonce string
	// owner is SessionConfig.Owner, fixed at creation.
	owner string
}

// ID returns the session's ID.
func (s *Session) ID() string { return s.id }

// Runtime returns the session's language.
func (s *Session) Runtime() Runtime { return s.runtime }

// Policy returns the session's policy with defaults filled in; Workspace is
// the session's workspace directory.
func (s *Session) Policy() Policy {
	p := s.policy
	p.Workspace = s.workspaceDir()
	p.Mounts = slices.Clone(p.Mounts)
	return p
}

// Owner returns the label the session was created with
// (SessionConfig.Owner), empty for none.
func (s *Session) Owner() string { return s.owner }

// AutoPersistGlobals reports whether the session keeps globals between executions.
func (s *Session) AutoPersistGlobals() bool { return s.persist }

// WorkspaceDir returns the host directory mounted at the policy's
// guest_workspace. Prefer the file methods (WriteFile, ReadFile, ...),
// which keep to the workspace even when the guest planted symbolic links.
func (s *Session) WorkspaceDir() string { return s.workspaceDir() }

func (s *Session) workspaceDir() string { return session.WorkspaceDir(s.dir) }
func (s *Session) stateDir() string     { return session.StateDir(s.dir) }
func (s *Session) stageDir() string     { return session.StageDir(s.dir) }
func (s *Session) metaPath() string     { return filepath.Join(s.dir, session.MetaFile) }

// WithSession makes every Execute of the sandbox run in session s: its
// workspace is mounted, its policy applies, Result.SessionID is set, and
// executions in one session never overlap (also across processes). The
// runtime given to New must be the session's; WithPolicy must not be given
// (a session's policy is fixed), else New fails with ErrSessionConflict.
func WithSession(s *Session) Option {
	return func(o *options) {
		o.session = s
		if s != nil {
			o.sessionID = s.id
		}
	}
}

// sandboxPolicy is the policy of a sandbox that runs in s.
func (s *Session) sandboxPolicy(rt Runtime, o *options) (Policy, error) {
	if rt != s.runtime {
		return Policy{}, fmt.Errorf("%w: session %s runs %s, not %s", ErrSessionConflict, s.id, s.runtime, rt)
	}
	if o.policySet {
		return Policy{}, fmt.Errorf("%w: session %s has its own policy, fixed when it was created; do not pass WithPolicy with WithSession", ErrSessionConflict, s.id)
	}
	if _, err := os.Stat(s.dir); err != nil {
		return Policy{}, s.notFound(err)
	}
	return s.Policy(), nil
}

func (s *Session) notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrSessionNotFound, s.id)
	}
	return fmt.Errorf("%w: session %s: %v", ErrInternal, s.id, err)
}

// meta reads the session's metadata and checks that it is still the
// session this handle was made for: one deleted and created again under
// the same ID is ErrSessionNotFound to an old handle (its policy, mounts
// and env are the old session's).
func (s *Session) meta() (*sessionMeta, error) {
	m, err := readMeta(s.dir, s.id)
	if err != nil {
		return nil, err
	}
	if m.Nonce != s.nonce {
		return nil, fmt.Errorf("%w: %s was deleted and created again since this handle was opened; open it again", ErrSessionNotFound, s.id)
	}
	return m, nil
}

// Info describes the session as it is on disk now.
func (s *Session) Info() (SessionInfo, error) {
	m, err := s.meta()
	if err != nil {
		return SessionInfo{}, err
	}
	return s.store.info(s.dir, m), nil
}

// validateSessionPolicy checks p (with defaults) for use by a session of
// the store at root.
func validateSessionPolicy(p Policy, root string) error {
	var errs []FieldError
	if p.Workspace != "" {
		errs = append(errs, FieldError{Field: "workspace", Value: p.Workspace,
			Reason: "must be empty for a session: the session's own workspace is mounted at guest_workspace"})
	}
	if guestPathProblem(p.GuestWorkspace) == "" && overlap(python.StateGuestDir, p.GuestWorkspace) != "" {
		errs = append(errs, FieldError{Field: "guest_workspace", Value: p.GuestWorkspace,
			Reason: fmt.Sprintf("overlaps %s, reserved for session state", python.StateGuestDir)})
	}
	for i, m := range p.Mounts {
		if guestPathProblem(m.Guest) == "" && overlap(python.StateGuestDir, m.Guest) != "" {
			errs = append(errs, FieldError{Field: fmt.Sprintf("mounts[%d].guest", i), Value: m.Guest,
				Reason: fmt.Sprintf("overlaps %s, reserved for session state", python.StateGuestDir)})
		}
	}
	if err := p.Validate(); err != nil {
		var pe *PolicyError
		if !errors.As(err, &pe) {
			return err
		}
		errs = append(errs, pe.Fields...)
	} else {
		// Every session's workspace lives under the store's root, so a
		// read-only mount there would expose (or, covering the root, make
		// writable) session files: check the mounts against the root as
		// if it were the workspace.
		q := p
		q.Workspace = root
		var pe *PolicyError
		if errors.As(q.Validate(), &pe) {
			for _, f := range pe.Fields {
				if strings.HasPrefix(f.Field, "mounts[") {
					f.Reason += " (here the workspace is the session store " + root + ")"
					errs = append(errs, f)
				}
			}
		}
	}
	if len(errs) > 0 {
		return &PolicyError{Fields: errs}
	}
	return nil
}

// Execute runs code in the session, like a Sandbox made with New and
// WithSession using the store's options. See executeInSession for what a
// session adds to an execution.
func (s *Session) Execute(ctx context.Context, code string) (*Result, error) {
	sb, err := New(s.runtime, append(slices.Clone(s.store.opts), WithSession(s))...)
	if err != nil {
		return nil, err
	}
	return sb.Execute(ctx, code)
}

// executeInSession runs code in sess under the sandbox's policy (the
// session's, with its workspace):
//   - it waits for other executions and changes of the session to end (in
//     this process or another sharing the store) or for ctx;
//   - it refuses to run (ErrWorkspaceFull) while the workspace is over
//     workspace_max_bytes, and emits security.violation (kind
//     workspace_limit) when this execution leaves it over;
//   - with auto_persist_globals it hands the saved globals to the runtime
//     and keeps what the runtime saves (see persist.go);
//   - it counts the execution and its fuel in the session's metadata.
func (s *wasmSandbox) executeInSession(ctx context.Context, sess *Session, code string) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	unlock, err := session.Lock(ctx, sess.dir, sess.id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := sess.meta(); err != nil {
		return nil, err
	}
	session.CleanLeftovers(sess.dir)
	p := s.policy
	p.Mounts = slices.Clone(p.Mounts)
	if err := os.MkdirAll(p.Workspace, 0o700); err != nil {
		return nil, fmt.Errorf("%w: session %s: workspace: %v", ErrInternal, sess.id, err)
	}
	used, err := workspace.Size(p.Workspace)
	if err != nil {
		// A workspace that cannot be measured (nested deeper than a scan
		// follows) is refused like a full one: what a guest left there
		// must be removed before the session runs again.
		return nil, fmt.Errorf("%w: session %s: the workspace cannot be measured (%v); remove files or reset the session and try again",
			ErrWorkspaceFull, sess.id, err)
	}
	if used > p.WorkspaceMaxBytes {
		return nil, fmt.Errorf("%w: session %s: the workspace holds %d bytes, over workspace_max_bytes (%d); remove files (Session.RemoveFile in Go, the MCP tool delete_file, or `wasmsandbox session rm-file`), or reset the session, and try again",
			ErrWorkspaceFull, sess.id, used, p.WorkspaceMaxBytes)
	}

	var g *engine.Globals
	var finish func()
	var staging error
	if sess.persist {
		in, err := session.ReadState(sess.stateDir(), sess.id, sess.maxSt)
		if err != nil {
			return nil, err
		}
		g, finish, staging = s.stageGlobals(sess, &p, in)
	}

	res, err := s.execute(ctx, code, p, sess.id, g)
	if res == nil {
		return nil, err
	}
	if staging != nil {
		// The code ran all the same (on a full disk it may be what frees
		// space); its globals were neither restored nor saved.
		s.bookkeepingFailed(ctx, res, sess.id, "its globals could not be staged, so this run neither saw nor saved them", staging)
	}
	if finish != nil {
		finish()
	}
	if g != nil {
		// Only a guest that ended by itself has its globals kept: when a
		// limit stopped it, whatever it managed to save (from an atexit
		// hook, say) is dropped and the previous state stays.
		ended := res.ExitCode >= 0 && (res.Outcome == OutcomeOK || res.Outcome == OutcomeGuestError)
		switch {
		case ended && g.Saved:
			if werr := session.WriteState(sess.stateDir(), g.Out); werr != nil {
				s.bookkeepingFailed(ctx, res, sess.id, "its globals were not saved (the previous ones are kept)", werr)
			}
		case ended:
			// The guest did not save them: over the limit, its stage could
			// not be written (a full disk), or it exited without saving.
			s.bookkeepingFailed(ctx, res, sess.id, "its globals were not saved (the previous ones are kept)", errGlobalsNotSaved)
		}
		if len(g.NotKept) > 0 {
			res.GlobalsNotPersisted = g.NotKept
		}
	}
	if after, werr := workspace.Size(p.Workspace); werr == nil && after > p.WorkspaceMaxBytes {
		ev := events{logger: s.opts.logger, runtime: s.rt.name, sessionID: sess.id}
		ev.violation(ctx, ViolationWorkspaceLimit, p.WorkspaceMaxBytes, after, slog.String("unit", "bytes"))
	}
	if terr := sess.touch(func(m *sessionMeta) {
		m.Executions++
		m.FuelUsed += res.FuelConsumed
	}); terr != nil {
		s.bookkeepingFailed(ctx, res, sess.id, "its metadata (last use, counters) was not updated", terr)
	}
	return res, err
}

// stageGlobals prepares the stage through which the runtime restores and
// saves the session's globals (payload in) for an execution under p, adding
// the runtime's mounts to p. When the stage cannot be made (a full disk,
// say) it returns the error and no globals: the execution then runs
// without them, rather than not at all. The stage is removed by the next
// execution or reset (session.CleanLeftovers).
func (s *wasmSandbox) stageGlobals(sess *Session, p *Policy, in []byte) (*engine.Globals, func(), error) {
	if s.rt.stage == nil {
		// The runtime takes the payload in and out directly.
		return &engine.Globals{In: in, Max: sess.maxSt}, nil, nil
	}
	stage := sess.stageDir()
	if err := os.RemoveAll(stage); err != nil {
		return nil, nil, err
	}
	if err := os.Mkdir(stage, 0o700); err != nil {
		return nil, nil, err
	}
	g := &engine.Globals{In: in, Max: sess.maxSt, Stage: stage}
	m, fin, err := s.rt.stage(g)
	if err != nil {
		os.RemoveAll(stage)
		return nil, nil, err
	}
	p.Mounts = append(p.Mounts, Mount{Host: m.Host, Guest: m.Guest, Writable: m.Writable})
	return g, func() { fin(); os.RemoveAll(stage) }, nil
}

// errGlobalsNotSaved is the cause given when the guest ended by itself but
// left no globals to keep.
var errGlobalsNotSaved = errors.New("the guest ended without handing them over (over the state limit, a failed write, or a hard exit such as os._exit); any reason it knew is on its stderr")

// bookkeepingFailed records in res, and logs, that the session's own
// bookkeeping failed after the code ran (a full disk, say): the Result is
// still what the code did, so it is returned, not replaced by an error.
func (s *wasmSandbox) bookkeepingFailed(ctx context.Context, res *Result, id, what string, err error) {
	res.Warnings = append(res.Warnings, fmt.Sprintf("session %s: %s: %v", id, what, oneLine(workspace.Cause(err).Error())))
	if l := s.opts.logger; l != nil {
		l.LogAttrs(ctx, slog.LevelError, "session.bookkeeping_failed", slog.String("session_id", id), slog.String("what", what), slog.String("error", err.Error()))
	}
}

// Reset empties the session's workspace and discards its saved globals;
// its ID, runtime, policy and counters stay. It waits for a running
// execution to finish (or ctx to end).
func (s *Session) Reset(ctx context.Context) error {
	unlock, err := session.Lock(ctx, s.dir, s.id)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := s.meta(); err != nil && !errors.Is(err, ErrSessionCorrupt) {
		return err
	}
	freed, err := session.EmptyWorkspace(s.dir)
	if err != nil {
		return fmt.Errorf("%w: resetting session %s: %v", ErrInternal, s.id, err)
	}
	if err := session.ClearState(s.dir, s.id); err != nil {
		return err
	}
	_ = s.touch(nil)
	s.store.log(ctx, slog.LevelInfo, EventSessionReset, slog.String("session_id", s.id), slog.Int64("bytes", freed))
	return nil
}

// ClearState discards the session's saved globals and keeps its files. Use
// it when Execute reports the saved state corrupt (ErrSessionCorrupt).
func (s *Session) ClearState(ctx context.Context) error {
	unlock, err := session.Lock(ctx, s.dir, s.id)
	if err != nil {
		return err
	}
	defer unlock()
	return session.ClearState(s.dir, s.id)
}

// touch updates the session's metadata under its lock: last use now, plus
// what update changes.
func (s *Session) touch(update func(m *sessionMeta)) error {
	m, err := s.meta()
	if err != nil {
		return err
	}
	m.LastUsedAt = time.Now().UTC()
	if update != nil {
		update(m)
	}
	if err := writeMeta(s.dir, m); err != nil {
		return fmt.Errorf("%w: saving the metadata of session %s: %v", ErrInternal, s.id, err)
	}
	return nil
}

// sessionMeta is a session's metadata with its policy decoded.
type sessionMeta struct {
	*session.Meta
	Policy Policy
}

// runtimeNames lists the names of Runtimes, for checking metadata.
func runtimeNames() []string {
	var names []string
	for _, r := range Runtimes() {
		names = append(names, string(r))
	}
	return names
}

// readMeta reads and checks the metadata of the session id in dir (see
// session.ReadMeta for the errors), decoding its policy.
func readMeta(dir, id string) (*sessionMeta, error) {
	m, err := session.ReadMeta(dir, id, runtimeNames())
	if err != nil {
		return nil, err
	}
	var p Policy
	if err := json.Unmarshal(m.Policy, &p); err != nil {
		return nil, session.Corrupt(id, "%s is not valid (%v)", session.MetaFile, err)
	}
	return &sessionMeta{Meta: m, Policy: p}, nil
}

// writeMeta replaces dir's metadata atomically (see session.WriteMeta).
func writeMeta(dir string, m *sessionMeta) error {
	raw, err := json.Marshal(m.Policy)
	if err != nil {
		return err
	}
	m.Meta.Policy = raw
	return session.WriteMeta(dir, m.Meta)
}
