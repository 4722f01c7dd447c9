package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/session"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// Sessions give multi-turn agents a workspace that outlives one execution
// and, when asked, the guest's global variables too. The directory layout,
// locks, metadata and saved-state files are internal/session's.

// SessionsDirEnv is the environment variable that sets the default session
// store directory (see DefaultSessionsDir).
const SessionsDirEnv = "WASMSANDBOX_SESSIONS_DIR"

// MaxSessionIDLen is the longest session ID accepted.
const MaxSessionIDLen = 64

// DefaultSessionStateMaxBytes caps the saved globals of a session when its
// SessionConfig gives no StateMaxBytes (16 MiB).
const DefaultSessionStateMaxBytes int64 = 16 << 20

// DefaultSessionReadMaxBytes is the read limit of Session.ReadFile when the
// caller gives none (16 MiB).
const DefaultSessionReadMaxBytes int64 = 16 << 20

// ValidateSessionID reports whether id can name a session: 1 to 64
// characters, letters, digits, "-" and "_", the first a letter or digit.
// The error wraps ErrInvalidSessionID. Only IDs that pass are ever used to
// build a path, so no ID can reach outside the store.
func ValidateSessionID(id string) error { return session.ValidateID(id) }

// NewSessionID returns a random (version 4) UUID such as
// "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b".
func NewSessionID() string { return session.NewID() }

// DefaultSessionsDir returns the session store directory that the command
// line and the MCP server share: $WASMSANDBOX_SESSIONS_DIR when set, else
// $XDG_DATA_HOME/wasmsandbox/sessions when XDG_DATA_HOME is an absolute
// path, else ~/.local/share/wasmsandbox/sessions. The result is absolute;
// the directory is not created.
func DefaultSessionsDir() (string, error) { return session.DefaultDir(SessionsDirEnv) }

// SessionStore is a directory of sessions. Several stores, in one process
// or in many, may share a directory: a session executes one code at a time
// across all of them. Its methods are safe for concurrent use.
type SessionStore struct {
	root string
	// opts are the sandbox options Session.Execute uses (runtime directory,
	// logger, auto-install, output).
	opts   []Option
	logger *slog.Logger
}

// OpenSessionStore opens (creating it, mode 0700, if needed) the session
// store at dir, or at DefaultSessionsDir when dir is empty. The options are
// those of New (WithRuntimeDir, WithLogger, WithAutoInstall, WithOutput,
// ...); they serve Session.Execute, and the logger also receives the
// session.* events. WithPolicy and WithSession do not apply to a store: a
// session's policy is given to Create.
func OpenSessionStore(dir string, opts ...Option) (*SessionStore, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.policySet || o.session != nil {
		return nil, fmt.Errorf("%w: WithPolicy and WithSession do not apply to a session store; give each session its policy in SessionConfig", ErrSessionConflict)
	}
	if dir == "" {
		d, err := DefaultSessionsDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: session directory %q: %v", ErrInternal, dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("%w: creating the session directory: %v", ErrInternal, err)
	}
	return &SessionStore{root: abs, opts: slices.Clone(opts), logger: o.logger}, nil
}

// WithLock runs fn while holding a lock on the whole store that every
// process sharing its directory respects (sessions themselves are locked
// on their own): count-then-create, for instance, so that a cap on the
// number of sessions holds across processes. It waits for the lock or ctx.
func (st *SessionStore) WithLock(ctx context.Context, fn func() error) error {
	unlock, err := session.LockStore(ctx, st.root)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// Dir returns the store's root directory.
func (st *SessionStore) Dir() string { return st.root }

// SessionConfig describes a session to create.
type SessionConfig struct {
	// ID is the session's ID; empty means a new random UUID. A given ID
	// must pass ValidateSessionID.
	ID string
	// Runtime is the session's language; empty means Python.
	Runtime Runtime
	// Policy is the policy every execution in the session runs under,
	// fixed for the session's life. Zero fields take their defaults.
	// Workspace must be empty: the session's own workspace is mounted at
	// GuestWorkspace. WorkspaceMaxBytes caps the workspace's size.
	Policy Policy
	// AutoPersistGlobals keeps the guest's global variables from one
	// execution to the next (Python: picklable globals). What cannot be
	// kept is named in Result.GlobalsNotPersisted and on stderr.
	AutoPersistGlobals bool
	// StateMaxBytes caps the saved globals; 0 means
	// DefaultSessionStateMaxBytes. Over it, an execution's globals are not
	// saved (the previous ones are kept) and stderr says so.
	StateMaxBytes int64
	// Owner is an opaque label of who created the session, kept in its
	// metadata and reported by Session.Owner and SessionInfo.Owner. The
	// store does not enforce it: a server that serves several clients
	// compares it with the caller's identity (the MCP HTTP server stores a
	// hash of the client's token, never the token). At most 128 bytes.
	Owner string
}

// MaxSessionOwnerLen is the longest SessionConfig.Owner accepted.
const MaxSessionOwnerLen = 128

// SessionInfo describes a session. Its JSON form is what the command line
// prints and the MCP server returns.
type SessionInfo struct {
	// ID is the session's ID.
	ID string `json:"session_id"`
	// Runtime is the session's language.
	Runtime Runtime `json:"runtime,omitempty"`
	// CreatedAt is when the session was created.
	CreatedAt time.Time `json:"created_at,omitzero"`
	// LastUsedAt is when the session last executed code or had its files
	// changed; Prune goes by it.
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	// Executions counts the executions that ran in the session.
	Executions int64 `json:"executions"`
	// FuelUsed is the fuel all those executions consumed.
	FuelUsed uint64 `json:"fuel_used"`
	// AutoPersistGlobals says whether globals survive between executions.
	AutoPersistGlobals bool `json:"auto_persist_globals"`
	// StateMaxBytes caps the saved globals.
	StateMaxBytes int64 `json:"state_max_bytes,omitempty"`
	// Owner is the session's SessionConfig.Owner (empty for none).
	Owner string `json:"owner,omitempty"`
	// Policy is the policy executions run under (Workspace left empty).
	Policy *Policy `json:"policy,omitempty"`
	// WorkspaceBytes is the total size of the files in the workspace now.
	WorkspaceBytes int64 `json:"workspace_bytes"`
	// WorkspaceMaxBytes is the policy's workspace_max_bytes.
	WorkspaceMaxBytes int64 `json:"workspace_max_bytes,omitempty"`
	// StateBytes is the size of the saved globals (0 when none).
	StateBytes int64 `json:"state_bytes"`
	// Error, set only by List, says why the session cannot be used (its
	// metadata is missing or corrupt); the other fields may then be empty.
	Error string `json:"error,omitempty"`
}

// sessionDir validates id and returns its directory; nothing is touched
// before the ID is known to be valid.
func (st *SessionStore) sessionDir(id string) (string, error) {
	if err := ValidateSessionID(id); err != nil {
		return "", err
	}
	return filepath.Join(st.root, id), nil
}

// Create makes a new session. Its ID is cfg.ID (ErrInvalidSessionID when
// malformed, ErrSessionExists when taken) or a new UUID. The policy is
// validated (ErrInvalidPolicy) and stored with the session, as is the
// owner (ErrSessionConflict when longer than MaxSessionOwnerLen).
func (st *SessionStore) Create(ctx context.Context, cfg SessionConfig) (*Session, error) {
	id := cfg.ID
	if id == "" {
		id = NewSessionID()
	}
	dir, err := st.sessionDir(id)
	if err != nil {
		return nil, err
	}
	rt := cfg.Runtime
	if rt == "" {
		rt = Python
	}
	if !slices.Contains(Runtimes(), rt) {
		return nil, fmt.Errorf("%w: %q (use %q or %q)", ErrUnknownRuntime, rt, Python, JavaScript)
	}
	if len(cfg.Owner) > MaxSessionOwnerLen {
		return nil, fmt.Errorf("%w: owner is %d bytes, more than %d; use a short label such as a hash", ErrSessionConflict, len(cfg.Owner), MaxSessionOwnerLen)
	}
	if cfg.StateMaxBytes < 0 {
		return nil, fmt.Errorf("%w: state_max_bytes = %d: must not be negative", ErrInvalidPolicy, cfg.StateMaxBytes)
	}
	p := cfg.Policy.WithDefaults()
	if err := validateSessionPolicy(p, st.root); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	maxSt := cfg.StateMaxBytes
	if maxSt == 0 {
		maxSt = DefaultSessionStateMaxBytes
	}
	now := time.Now().UTC()
	m := &sessionMeta{Meta: &session.Meta{
		Version: session.MetaVersion, ID: id, Runtime: string(rt), Nonce: session.NewID(),
		AutoPersistGlobals: cfg.AutoPersistGlobals, StateMaxBytes: maxSt, Owner: cfg.Owner,
		CreatedAt: now, LastUsedAt: now,
	}, Policy: p}
	if dir, err = session.Make(st.root, id, func(tmp string) error { return writeMeta(tmp, m) }); err != nil {
		return nil, err
	}
	s := st.handle(dir, m)
	st.log(ctx, slog.LevelInfo, EventSessionCreated,
		slog.String("session_id", id),
		slog.String("runtime", string(rt)),
		slog.Bool("auto_persist_globals", cfg.AutoPersistGlobals),
		slog.Int64("workspace_max_bytes", p.WorkspaceMaxBytes))
	return s, nil
}

// handle makes a Session from its metadata.
func (st *SessionStore) handle(dir string, m *sessionMeta) *Session {
	p := m.Policy.WithDefaults()
	p.Workspace = ""
	maxSt := m.StateMaxBytes
	if maxSt <= 0 {
		maxSt = DefaultSessionStateMaxBytes
	}
	return &Session{store: st, id: m.ID, dir: dir, runtime: Runtime(m.Runtime), policy: p, persist: m.AutoPersistGlobals, maxSt: maxSt, nonce: m.Nonce, owner: m.Owner}
}

// Open returns the session with the given ID: ErrInvalidSessionID when the
// ID is malformed, ErrSessionNotFound when there is no such session,
// ErrSessionCorrupt when its metadata cannot be read.
func (st *SessionStore) Open(id string) (*Session, error) {
	dir, err := st.sessionDir(id)
	if err != nil {
		return nil, err
	}
	m, err := readMeta(dir, id)
	if err != nil {
		return nil, err
	}
	return st.handle(dir, m), nil
}

// Info describes the session with the given ID (see Open for the errors).
func (st *SessionStore) Info(id string) (SessionInfo, error) {
	s, err := st.Open(id)
	if err != nil {
		return SessionInfo{}, err
	}
	return s.Info()
}

func (st *SessionStore) info(dir string, m *sessionMeta) SessionInfo {
	p := m.Policy.WithDefaults()
	p.Workspace = ""
	info := SessionInfo{
		ID: m.ID, Runtime: Runtime(m.Runtime), CreatedAt: m.CreatedAt, LastUsedAt: m.LastUsedAt,
		Executions: m.Executions, FuelUsed: m.FuelUsed,
		AutoPersistGlobals: m.AutoPersistGlobals, Policy: &p, Owner: m.Owner,
		WorkspaceMaxBytes: p.WorkspaceMaxBytes,
	}
	if m.AutoPersistGlobals {
		info.StateMaxBytes = m.StateMaxBytes
	}
	info.WorkspaceBytes, _ = workspace.Size(filepath.Join(dir, "workspace"))
	if fi, err := os.Lstat(filepath.Join(dir, "state", session.StateFile)); err == nil {
		info.StateBytes = fi.Size()
	}
	return info
}

// List describes every session in the store, most recently used first. A
// session whose metadata is missing or corrupt is listed with only its ID
// and Error set, so one broken session never hides the others.
func (st *SessionStore) List() ([]SessionInfo, error) {
	entries, err := session.Entries(st.root, false)
	if err != nil {
		return nil, err
	}
	out := []SessionInfo{}
	for _, e := range entries {
		m, err := readMeta(e.Dir, e.ID)
		if err != nil {
			if errors.Is(err, ErrSessionNotFound) {
				continue // deleted meanwhile
			}
			out = append(out, SessionInfo{ID: e.ID, Error: err.Error()})
			continue
		}
		out = append(out, st.info(e.Dir, m))
	}
	slices.SortStableFunc(out, func(a, b SessionInfo) int {
		if c := b.LastUsedAt.Compare(a.LastUsedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Delete removes the session with the given ID and everything in it,
// waiting for a running execution in it to finish (or ctx to end). A
// session with corrupt metadata can be deleted too.
func (st *SessionStore) Delete(ctx context.Context, id string) error {
	dir, err := st.sessionDir(id)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s", ErrSessionNotFound, id)
		}
		return fmt.Errorf("%w: session %s: %v", ErrInternal, id, err)
	}
	unlock, err := session.Lock(ctx, dir, id)
	if err != nil {
		return err
	}
	bytes, err := session.Remove(st.root, dir, id, unlock)
	if err != nil {
		return err
	}
	st.log(ctx, slog.LevelInfo, EventSessionDeleted, slog.String("session_id", id), slog.Int64("bytes", bytes))
	return nil
}

// Reset empties the workspace of the session with the given ID and
// discards its saved globals (see Session.Reset).
func (st *SessionStore) Reset(ctx context.Context, id string) error {
	dir, err := st.sessionDir(id)
	if err != nil {
		return err
	}
	m, err := readMeta(dir, id)
	if err != nil {
		return err
	}
	return st.handle(dir, m).Reset(ctx)
}

// log emits a session event when the store has a logger.
func (st *SessionStore) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if st.logger != nil {
		st.logger.LogAttrs(ctx, level, msg, attrs...)
	}
}

// PruneOptions says which sessions Prune deletes. A session matching either
// rule goes; with both fields zero nothing is deleted.
type PruneOptions struct {
	// OlderThan deletes sessions last used longer ago than this (0: no
	// age rule).
	OlderThan time.Duration
	// MaxSessions keeps at most this many sessions, the most recently used,
	// and deletes the rest (0: no count rule).
	MaxSessions int
}

// PrunedSession is one session Prune deleted.
type PrunedSession struct {
	// ID is the deleted session's ID.
	ID string `json:"session_id"`
	// LastUsedAt is when it was last used (for a session with corrupt
	// metadata, when its directory last changed).
	LastUsedAt time.Time `json:"last_used_at"`
	// Bytes is the disk space its files took.
	Bytes int64 `json:"bytes"`
	// Reason is "older_than" or "max_sessions": the rule that matched.
	Reason string `json:"reason"`
}

// PruneReport says what Prune deleted.
type PruneReport struct {
	// Deleted lists the deleted sessions, least recently used last.
	Deleted []PrunedSession `json:"deleted"`
	// BytesFreed adds up their Bytes.
	BytesFreed int64 `json:"bytes_freed"`
}

// Prune deletes the sessions that opts selects and reports them, emitting
// session.pruned for each. Sessions busy executing are in use, so they are
// skipped, and a session used since the scan is spared. Sessions with
// corrupt metadata are judged by their directory's modification time.
// Prune also removes what crashed Creates and Deletes left behind.
func (st *SessionStore) Prune(ctx context.Context, opts PruneOptions) (*PruneReport, error) {
	if opts.OlderThan < 0 || opts.MaxSessions < 0 {
		return nil, fmt.Errorf("%w: prune options must not be negative", ErrInvalidPolicy)
	}
	entries, err := session.Entries(st.root, true)
	if err != nil {
		return nil, err
	}
	type candidate struct {
		id, dir string
		last    time.Time
	}
	var cands []candidate
	for _, e := range entries {
		c := candidate{id: e.ID, dir: e.Dir, last: e.ModTime}
		if m, err := readMeta(e.Dir, e.ID); err == nil {
			c.last = m.LastUsedAt
		} else if errors.Is(err, ErrSessionNotFound) {
			continue
		}
		cands = append(cands, c)
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return b.last.Compare(a.last) })

	rep := &PruneReport{Deleted: []PrunedSession{}}
	now := time.Now()
	for i, c := range cands {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("%w: %w", ErrCancelled, err)
		}
		reason := ""
		switch {
		case opts.OlderThan > 0 && c.last.Before(now.Add(-opts.OlderThan)):
			reason = "older_than"
		case opts.MaxSessions > 0 && i >= opts.MaxSessions:
			reason = "max_sessions"
		default:
			continue
		}
		unlock, ok, err := session.TryLock(c.dir, c.id)
		if err != nil || !ok {
			continue // gone, or executing right now
		}
		if reason == "older_than" {
			if m, err := readMeta(c.dir, c.id); err == nil && !m.LastUsedAt.Before(now.Add(-opts.OlderThan)) {
				unlock()
				continue // used since the scan
			}
		}
		bytes, err := session.Remove(st.root, c.dir, c.id, unlock)
		if err != nil {
			return rep, err
		}
		rep.Deleted = append(rep.Deleted, PrunedSession{ID: c.id, LastUsedAt: c.last, Bytes: bytes, Reason: reason})
		rep.BytesFreed += bytes
		st.log(ctx, slog.LevelInfo, EventSessionPruned,
			slog.String("session_id", c.id),
			slog.Time("last_used_at", c.last),
			slog.Int64("bytes", bytes),
			slog.String("reason", reason))
	}
	return rep, nil
}
