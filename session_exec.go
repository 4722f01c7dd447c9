package sandbox

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/session"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

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
	if _, err := readMeta(sess.dir, sess.id); err != nil {
		return nil, err
	}
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
		return nil, fmt.Errorf("%w: session %s: the workspace holds %d bytes, over workspace_max_bytes (%d); remove files (Session.RemoveFile, or reset the session) and try again",
			ErrWorkspaceFull, sess.id, used, p.WorkspaceMaxBytes)
	}

	var g *engine.Globals
	var finish func()
	if sess.persist {
		in, err := session.ReadState(sess.stateDir(), sess.id, sess.maxSt)
		if err != nil {
			return nil, err
		}
		stage := sess.stageDir()
		if err := os.RemoveAll(stage); err != nil {
			return nil, fmt.Errorf("%w: session %s: clearing the state stage: %v", ErrInternal, sess.id, err)
		}
		if err := os.Mkdir(stage, 0o700); err != nil {
			return nil, fmt.Errorf("%w: session %s: creating the state stage: %v", ErrInternal, sess.id, err)
		}
		defer os.RemoveAll(stage)
		g = &engine.Globals{In: in, Max: sess.maxSt, Stage: stage}
		if s.rt.stage != nil {
			m, fin, err := s.rt.stage(g)
			if err != nil {
				return nil, err
			}
			p.Mounts = append(p.Mounts, Mount{Host: m.Host, Guest: m.Guest, Writable: m.Writable})
			finish = fin
		}
	}

	res, err := s.execute(ctx, code, p, sess.id, g)
	if res == nil {
		return nil, err
	}
	if finish != nil {
		finish()
	}
	if g != nil {
		// Only a guest that ended by itself has its globals kept: when a
		// limit stopped it, whatever it managed to save (from an atexit
		// hook, say) is dropped and the previous state stays.
		if g.Saved && res.ExitCode >= 0 && (res.Outcome == OutcomeOK || res.Outcome == OutcomeGuestError) {
			if werr := session.WriteState(sess.stateDir(), g.Out); werr != nil && err == nil {
				err = fmt.Errorf("%w: session %s: saving globals: %v", ErrInternal, sess.id, werr)
			}
		}
		if len(g.NotKept) > 0 {
			res.GlobalsNotPersisted = g.NotKept
		}
	}
	if after, werr := workspace.Size(p.Workspace); werr == nil && after > p.WorkspaceMaxBytes {
		ev := events{logger: s.opts.logger, runtime: s.rt.name, sessionID: sess.id}
		ev.violation(ctx, ViolationWorkspaceLimit, p.WorkspaceMaxBytes, after)
	}
	if terr := sess.touch(func(m *sessionMeta) {
		m.Executions++
		m.FuelUsed += res.FuelConsumed
	}); terr != nil && err == nil {
		err = terr
	}
	return res, err
}
