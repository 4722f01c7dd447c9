package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/python"
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

// sessionIDPattern: letters, digits, "-" and "_", starting with a letter or
// digit (so an ID is never mistaken for a flag or a hidden file).
var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// ValidateSessionID reports whether id can name a session: 1 to 64
// characters, letters, digits, "-" and "_", the first a letter or digit.
// The error wraps ErrInvalidSessionID. Only IDs that pass are ever used to
// build a path, so no ID can reach outside the store.
func ValidateSessionID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty (use letters, digits, '-' and '_', at most %d)", ErrInvalidSessionID, MaxSessionIDLen)
	case len(id) > MaxSessionIDLen:
		return fmt.Errorf("%w: %d characters long, at most %d allowed", ErrInvalidSessionID, len(id), MaxSessionIDLen)
	case !sessionIDPattern.MatchString(id):
		return fmt.Errorf("%w: %q (use letters, digits, '-' and '_', starting with a letter or digit, at most %d)",
			ErrInvalidSessionID, id, MaxSessionIDLen)
	}
	return nil
}

// NewSessionID returns a random (version 4) UUID such as
// "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b".
func NewSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// DefaultSessionsDir returns the session store directory that the command
// line and the MCP server share: $WASMSANDBOX_SESSIONS_DIR when set, else
// $XDG_DATA_HOME/wasmsandbox/sessions when XDG_DATA_HOME is an absolute
// path, else ~/.local/share/wasmsandbox/sessions. The result is absolute;
// the directory is not created.
func DefaultSessionsDir() (string, error) {
	dir := os.Getenv(SessionsDirEnv)
	if dir == "" {
		if xdg := os.Getenv("XDG_DATA_HOME"); xdg != "" && filepath.IsAbs(xdg) {
			dir = filepath.Join(xdg, "wasmsandbox", "sessions")
		}
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%w: cannot find the home directory (%v); set %s", ErrInternal, err, SessionsDirEnv)
		}
		dir = filepath.Join(home, ".local", "share", "wasmsandbox", "sessions")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%w: session directory %q: %v", ErrInternal, dir, err)
	}
	return abs, nil
}

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
}

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

// AutoPersistGlobals reports whether the session keeps globals between executions.
func (s *Session) AutoPersistGlobals() bool { return s.persist }

// WorkspaceDir returns the host directory mounted at the policy's
// guest_workspace. Prefer the file methods (WriteFile, ReadFile, ...),
// which keep to the workspace even when the guest planted symbolic links.
func (s *Session) WorkspaceDir() string { return s.workspaceDir() }

func (s *Session) workspaceDir() string { return filepath.Join(s.dir, "workspace") }
func (s *Session) stateDir() string     { return filepath.Join(s.dir, "state") }
func (s *Session) stageDir() string     { return filepath.Join(s.dir, "stage") }
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
// validated (ErrInvalidPolicy) and stored with the session.
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
		Version: session.MetaVersion, ID: id, Runtime: string(rt),
		AutoPersistGlobals: cfg.AutoPersistGlobals, StateMaxBytes: maxSt,
		CreatedAt: now, LastUsedAt: now,
	}, Policy: p}
	// Build the session under a temporary name, then rename it into place,
	// so a session is never seen half made and two creators of one ID
	// cannot both win.
	tmp, err := os.MkdirTemp(st.root, ".tmp-")
	if err != nil {
		return nil, fmt.Errorf("%w: creating session %s: %v", ErrInternal, id, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, d := range []string{"workspace", "state"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o700); err != nil {
			return nil, fmt.Errorf("%w: creating session %s: %v", ErrInternal, id, err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "lock"), nil, 0o600); err != nil {
		return nil, fmt.Errorf("%w: creating session %s: %v", ErrInternal, id, err)
	}
	if err := writeMeta(tmp, m); err != nil {
		return nil, fmt.Errorf("%w: creating session %s: %v", ErrInternal, id, err)
	}
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrSessionExists, id)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Lstat(dir); serr == nil {
			return nil, fmt.Errorf("%w: %s", ErrSessionExists, id)
		}
		return nil, fmt.Errorf("%w: creating session %s: %v", ErrInternal, id, err)
	}
	s := st.handle(dir, m)
	st.log(ctx, slog.LevelInfo, EventSessionCreated,
		slog.String("session_id", id),
		slog.String("runtime", string(rt)),
		slog.Bool("auto_persist_globals", cfg.AutoPersistGlobals),
		slog.Int64("workspace_max_bytes", p.WorkspaceMaxBytes))
	return s, nil
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

// handle makes a Session from its metadata.
func (st *SessionStore) handle(dir string, m *sessionMeta) *Session {
	p := m.Policy.WithDefaults()
	p.Workspace = ""
	maxSt := m.StateMaxBytes
	if maxSt <= 0 {
		maxSt = DefaultSessionStateMaxBytes
	}
	return &Session{store: st, id: m.ID, dir: dir, runtime: Runtime(m.Runtime), policy: p, persist: m.AutoPersistGlobals, maxSt: maxSt}
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

// Info describes the session as it is on disk now.
func (s *Session) Info() (SessionInfo, error) {
	m, err := readMeta(s.dir, s.id)
	if err != nil {
		return SessionInfo{}, err
	}
	return s.store.info(s.dir, m), nil
}

func (st *SessionStore) info(dir string, m *sessionMeta) SessionInfo {
	p := m.Policy.WithDefaults()
	p.Workspace = ""
	info := SessionInfo{
		ID: m.ID, Runtime: Runtime(m.Runtime), CreatedAt: m.CreatedAt, LastUsedAt: m.LastUsedAt,
		Executions: m.Executions, FuelUsed: m.FuelUsed,
		AutoPersistGlobals: m.AutoPersistGlobals, Policy: &p,
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
	entries, err := os.ReadDir(st.root)
	if err != nil {
		return nil, fmt.Errorf("%w: listing sessions: %v", ErrInternal, err)
	}
	out := []SessionInfo{}
	for _, e := range entries {
		if !e.IsDir() || ValidateSessionID(e.Name()) != nil {
			continue // ".tmp-*", ".trash-*" and anything that is not ours
		}
		dir := filepath.Join(st.root, e.Name())
		m, err := readMeta(dir, e.Name())
		if err != nil {
			if errors.Is(err, ErrSessionNotFound) {
				continue // deleted meanwhile
			}
			out = append(out, SessionInfo{ID: e.Name(), Error: err.Error()})
			continue
		}
		out = append(out, st.info(dir, m))
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
	bytes, err := st.remove(dir, id, unlock)
	if err != nil {
		return err
	}
	st.log(ctx, slog.LevelInfo, EventSessionDeleted, slog.String("session_id", id), slog.Int64("bytes", bytes))
	return nil
}

// remove deletes a locked session directory and releases the lock,
// returning the bytes freed. The directory is first renamed out of the
// way, so no one can open the session once this starts.
func (st *SessionStore) remove(dir, id string, unlock func()) (int64, error) {
	bytes, _ := workspace.Size(dir)
	trash := filepath.Join(st.root, ".trash-"+id+"-"+NewSessionID()[:8])
	err := os.Rename(dir, trash)
	unlock()
	if err != nil {
		return 0, fmt.Errorf("%w: deleting session %s: %v", ErrInternal, id, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return bytes, fmt.Errorf("%w: deleting session %s: %v", ErrInternal, id, err)
	}
	return bytes, nil
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
	if _, err := readMeta(s.dir, s.id); err != nil && !errors.Is(err, ErrSessionCorrupt) {
		return err
	}
	freed, _ := workspace.Size(s.workspaceDir())
	entries, err := os.ReadDir(s.workspaceDir())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: resetting session %s: %v", ErrInternal, s.id, err)
	}
	for _, e := range entries {
		// RemoveAll removes symbolic links, never what they point to.
		if err := os.RemoveAll(filepath.Join(s.workspaceDir(), e.Name())); err != nil {
			return fmt.Errorf("%w: resetting session %s: %v", ErrInternal, s.id, err)
		}
	}
	if err := os.MkdirAll(s.workspaceDir(), 0o700); err != nil {
		return fmt.Errorf("%w: resetting session %s: %v", ErrInternal, s.id, err)
	}
	if err := s.clearState(); err != nil {
		return err
	}
	_ = s.touch(nil)
	s.store.log(ctx, slog.LevelInfo, EventSessionReset, slog.String("session_id", s.id), slog.Int64("bytes", freed))
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

// ClearState discards the session's saved globals and keeps its files. Use
// it when Execute reports the saved state corrupt (ErrSessionCorrupt).
func (s *Session) ClearState(ctx context.Context) error {
	unlock, err := session.Lock(ctx, s.dir, s.id)
	if err != nil {
		return err
	}
	defer unlock()
	return s.clearState()
}

func (s *Session) clearState() error {
	if err := os.Remove(filepath.Join(s.stateDir(), session.StateFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: clearing the state of session %s: %v", ErrInternal, s.id, err)
	}
	return nil
}

// touch updates the session's metadata under its lock: last use now, plus
// what update changes.
func (s *Session) touch(update func(m *sessionMeta)) error {
	m, err := readMeta(s.dir, s.id)
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

// log emits a session event when the store has a logger.
func (st *SessionStore) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if st.logger != nil {
		st.logger.LogAttrs(ctx, level, msg, attrs...)
	}
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
