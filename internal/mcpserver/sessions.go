package mcpserver

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/vfs"
)

// SessionIDInput is the arguments of the tools that take only a session.
type SessionIDInput struct {
	// SessionID names the session.
	SessionID string `json:"session_id" jsonschema:"The session's ID, as create_session returned it."`
}

// CreateSessionInput is the arguments of create_session.
type CreateSessionInput struct {
	// Language is the session's language.
	Language string `json:"language" jsonschema:"The language every execution in the session runs: python or javascript."`
	// AutoPersistGlobals keeps Python globals between executions.
	AutoPersistGlobals bool `json:"auto_persist_globals,omitempty" jsonschema:"Keep global variables from one execution to the next, so later code can use them: in Python those that can be pickled, in JavaScript those that are JSON values (top-level let/const/var of scripts and globalThis properties). Files in the workspace persist either way."`
	limitArgs
}

// FileInput is the arguments of read_file.
type FileInput struct {
	// SessionID names the session.
	SessionID string `json:"session_id" jsonschema:"The session's ID."`
	// Path is the file, relative to the workspace or absolute inside it.
	Path string `json:"path" jsonschema:"The file: relative to the workspace (data/in.csv) or an absolute path inside it (/app/data/in.csv)."`
}

// WriteFileInput is the arguments of write_file.
type WriteFileInput struct {
	// SessionID names the session.
	SessionID string `json:"session_id" jsonschema:"The session's ID."`
	// Path is the file, relative to the workspace or absolute inside it.
	Path string `json:"path" jsonschema:"The file to create or replace: relative to the workspace (data/in.csv) or an absolute path inside it (/app/data/in.csv). Missing directories are created."`
	// Content is the file's new content.
	Content string `json:"content" jsonschema:"The file's new content: text, or base64 when encoding is base64."`
	// Encoding says how Content is written.
	Encoding string `json:"encoding,omitempty" jsonschema:"How content is written: utf-8 (the default) for text, base64 for binary data."`
}

// SessionInfo describes a session: the output of create_session and
// get_workspace_info.
type SessionInfo struct {
	SessionID          string      `json:"session_id" jsonschema:"The session's ID: pass it to execute_code and the file tools."`
	Language           string      `json:"language" jsonschema:"The language every execution in the session runs."`
	AutoPersistGlobals bool        `json:"auto_persist_globals" jsonschema:"Whether global variables are kept between executions."`
	Workspace          string      `json:"workspace" jsonschema:"The session's workspace directory as code sees it (also the working directory); its files persist between executions."`
	Mounts             []MountInfo `json:"mounts" jsonschema:"Extra directories every execution sees."`
	CreatedAt          time.Time   `json:"created_at" jsonschema:"When the session was created (RFC 3339)."`
	LastUsedAt         time.Time   `json:"last_used_at" jsonschema:"When the session last ran code or had its files changed (RFC 3339)."`
	ExpiresAt          time.Time   `json:"expires_at" jsonschema:"When the session will be deleted, with its files, unless it is used before (RFC 3339)."`
	Executions         int64       `json:"executions" jsonschema:"How many executions ran in the session."`
	FuelUsed           uint64      `json:"fuel_used" jsonschema:"Fuel all those executions consumed."`
	Files              int         `json:"files" jsonschema:"How many files the workspace holds."`
	WorkspaceBytes     int64       `json:"workspace_bytes" jsonschema:"Total size of the workspace's files, in bytes."`
	WorkspaceMaxBytes  int64       `json:"workspace_max_bytes" jsonschema:"The most the workspace may hold, in bytes; code that writes past it is stopped, and executions are then refused until files are removed."`
	StateBytes         int64       `json:"state_bytes" jsonschema:"Size of the saved globals, in bytes (0 when none)."`
	Limits             ExecLimits  `json:"limits" jsonschema:"The limits of every execution in the session."`
}

// ExecLimits are the limits of the executions in a session.
type ExecLimits struct {
	FuelBudget     int64   `json:"fuel_budget" jsonschema:"Instruction budget of each execution."`
	MemoryBytes    int64   `json:"memory_bytes" jsonschema:"Memory cap of each execution, in bytes."`
	TimeoutSeconds float64 `json:"timeout_seconds" jsonschema:"Wall-clock deadline of each execution, in seconds."`
}

// DestroySessionOutput is the result of destroy_session.
type DestroySessionOutput struct {
	SessionID string `json:"session_id" jsonschema:"The session that was destroyed."`
	Destroyed bool   `json:"destroyed" jsonschema:"Always true: the session and its files are gone."`
}

// ListFilesOutput is the result of list_files.
type ListFilesOutput struct {
	SessionID  string      `json:"session_id" jsonschema:"The session."`
	Workspace  string      `json:"workspace" jsonschema:"The workspace directory as code sees it; paths below are relative to it."`
	Files      []FileEntry `json:"files" jsonschema:"Every file, directory and link in the workspace, sorted by path."`
	TotalBytes int64       `json:"total_bytes" jsonschema:"Total size of the files, in bytes."`
}

// FileEntry is one entry of a workspace.
type FileEntry struct {
	Path     string    `json:"path" jsonschema:"Path relative to the workspace, with / separators."`
	Type     string    `json:"type" jsonschema:"file, dir, symlink or other."`
	Size     int64     `json:"size" jsonschema:"Size in bytes (0 for directories)."`
	Modified time.Time `json:"modified" jsonschema:"Last modification time (RFC 3339)."`
}

// ReadFileOutput is the result of read_file.
type ReadFileOutput struct {
	SessionID string `json:"session_id" jsonschema:"The session."`
	Path      string `json:"path" jsonschema:"The file, as given."`
	Content   string `json:"content" jsonschema:"The file's content: text when encoding is utf-8, base64 when the file is not valid UTF-8 text."`
	Encoding  string `json:"encoding" jsonschema:"utf-8 or base64."`
	Size      int64  `json:"size" jsonschema:"The file's size in bytes."`
}

// WriteFileOutput is the result of write_file.
type WriteFileOutput struct {
	SessionID    string `json:"session_id" jsonschema:"The session."`
	Path         string `json:"path" jsonschema:"The file, as given."`
	BytesWritten int64  `json:"bytes_written" jsonschema:"How many bytes the file now holds."`
}

// ResetWorkspaceOutput is the result of reset_workspace.
type ResetWorkspaceOutput struct {
	SessionID    string `json:"session_id" jsonschema:"The session."`
	FilesDeleted int    `json:"files_deleted" jsonschema:"How many files were deleted."`
	BytesFreed   int64  `json:"bytes_freed" jsonschema:"How many bytes they held."`
}

func (s *server) addSessionTools(srv *mcp.Server) {
	ws := s.policy.GuestWorkspace
	ttl := formatDuration(s.cfg.SessionTTL)

	in := mustSchema[CreateSessionInput]()
	s.tuneLimitSchema(in)
	in.Properties["language"].Enum = runtimeEnum()
	addTool(srv, s.log, &mcp.Tool{
		Name:  "create_session",
		Title: "Create a session",
		Description: "Create a session: a workspace directory (" + ws + ") that keeps its files between execute_code calls, so multi-step work can build on earlier steps. " +
			"Pass the returned session_id to execute_code, list_files, read_file, write_file, get_workspace_info, reset_workspace and destroy_session. " +
			"With auto_persist_globals, global variables are kept too (Python: values that can be pickled; JavaScript: JSON values); otherwise save what you need to files. " +
			"fuel_budget, memory_bytes and timeout_seconds set the limits of every execution in the session, at most the server's maximums (omit them for the maximums); they cannot change later. " +
			fmt.Sprintf("A session unused for %s is deleted with its files; at most %d sessions exist at once, so destroy sessions you no longer need.", ttl, s.cfg.MaxSessions),
		InputSchema: in,
		Annotations: &mcp.ToolAnnotations{Title: "Create a session", DestructiveHint: boolPtr(false), OpenWorldHint: boolPtr(false)},
	}, s.createSession)

	addTool(srv, s.log, &mcp.Tool{
		Name:        "destroy_session",
		Title:       "Destroy a session",
		Description: "Delete a session and every file in its workspace, for good. Call it when the work is done.",
		Annotations: &mcp.ToolAnnotations{Title: "Destroy a session", DestructiveHint: boolPtr(true), IdempotentHint: false, OpenWorldHint: boolPtr(false)},
	}, s.destroySession)

	addTool(srv, s.log, &mcp.Tool{
		Name:        "list_files",
		Title:       "List a session's files",
		Description: "List every file and directory in a session's workspace (" + ws + "), recursively, with sizes and modification times.",
		Annotations: &mcp.ToolAnnotations{Title: "List a session's files", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: boolPtr(false)},
	}, s.listFiles)

	addTool(srv, s.log, &mcp.Tool{
		Name:  "read_file",
		Title: "Read a file from a session",
		Description: "Read a file from a session's workspace (" + ws + "). Text comes back as it is; a file that is not UTF-8 text comes back in base64. " +
			fmt.Sprintf("Files larger than %s are refused: read a part of them with execute_code instead.", formatBytes(s.cfg.MaxFileBytes)),
		Annotations: &mcp.ToolAnnotations{Title: "Read a file from a session", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: boolPtr(false)},
	}, s.readFile)

	win := mustSchema[WriteFileInput]()
	win.Properties["encoding"].Enum = []any{"utf-8", "base64"}
	addTool(srv, s.log, &mcp.Tool{
		Name:  "write_file",
		Title: "Write a file into a session",
		Description: "Create or replace a file in a session's workspace (" + ws + "), creating missing directories, so that code run with execute_code in the session can read it. " +
			fmt.Sprintf("Content is text, or base64 with encoding base64; at most %s.", formatBytes(s.cfg.MaxFileBytes)),
		InputSchema: win,
		Annotations: &mcp.ToolAnnotations{Title: "Write a file into a session", DestructiveHint: boolPtr(true), IdempotentHint: true, OpenWorldHint: boolPtr(false)},
	}, s.writeFile)

	addTool(srv, s.log, &mcp.Tool{
		Name:        "get_workspace_info",
		Title:       "Describe a session",
		Description: "Describe a session: its language, limits, workspace size and cap, file count, executions so far, and when it expires if left unused.",
		Annotations: &mcp.ToolAnnotations{Title: "Describe a session", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: boolPtr(false)},
	}, s.getWorkspaceInfo)

	addTool(srv, s.log, &mcp.Tool{
		Name:        "reset_workspace",
		Title:       "Empty a session's workspace",
		Description: "Delete every file in a session's workspace and forget its saved Python globals, keeping the session (its ID, language and limits). Use it to start over, or when the workspace is full.",
		Annotations: &mcp.ToolAnnotations{Title: "Empty a session's workspace", DestructiveHint: boolPtr(true), IdempotentHint: true, OpenWorldHint: boolPtr(false)},
	}, s.resetWorkspace)
}

// errNoSessions is the tool error of the session tools on a server
// without a session store.
var errNoSessions = errors.New("sessions are not enabled on this server (it has no sessions directory); run code without session_id, and keep state in the code itself")

// maybePrune deletes the sessions past their TTL, at most once per
// pruneInterval, so that every session tool sees expired sessions gone
// even between the rounds of the prune loop.
func (s *server) maybePrune(ctx context.Context) {
	if s.store == nil {
		return
	}
	s.pruneMu.Lock()
	due := time.Since(s.lastPrune) >= s.pruneInterval()
	if due {
		s.lastPrune = time.Now()
	}
	s.pruneMu.Unlock()
	if due {
		s.prune(ctx)
	}
}

// prune deletes the sessions unused for longer than the TTL.
func (s *server) prune(ctx context.Context) {
	rep, err := s.store.Prune(context.WithoutCancel(ctx), sandbox.PruneOptions{OlderThan: s.cfg.SessionTTL})
	if err != nil {
		s.log.Warn("pruning sessions", "error", err)
		return
	}
	if n := len(rep.Deleted); n > 0 {
		s.log.Info("pruned expired sessions", "count", n, "bytes_freed", rep.BytesFreed, "ttl", s.cfg.SessionTTL)
	}
}

// pruneInterval is how often expired sessions are looked for: a tenth of
// the TTL, between a second and ten minutes.
func (s *server) pruneInterval() time.Duration {
	return min(max(s.cfg.SessionTTL/10, time.Second), 10*time.Minute)
}

// pruneLoop prunes expired sessions every pruneInterval until ctx ends.
func (s *server) pruneLoop(ctx context.Context) {
	if s.store == nil {
		return
	}
	s.maybePrune(ctx)
	t := time.NewTicker(s.pruneInterval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.maybePrune(ctx)
		}
	}
}

// openSession opens the session named by the session_id argument, after
// pruning expired ones. A malformed or unknown ID is a bad argument; so is
// a session whose policy exceeds the server's (one made outside the
// server, say by `wasmsandbox session create`, in the same directory).
func (s *server) openSession(ctx context.Context, id string) (*sandbox.Session, error) {
	if err := sandbox.ValidateSessionID(id); err != nil {
		return nil, argError("session_id", "%q is not a session ID; use the session_id create_session returned", id)
	}
	if s.store == nil {
		return nil, errNoSessions
	}
	s.maybePrune(ctx)
	sess, err := s.store.Open(id)
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
		return fmt.Errorf("%v; delete files (with execute_code) or call reset_workspace", err)
	case errors.Is(err, sandbox.ErrSessionCorrupt):
		return fmt.Errorf("%v; destroy the session and create a new one", err)
	case errors.Is(err, sandbox.ErrCancelled):
		return errCancelled
	}
	return s.internalError(fmt.Sprintf("the server could not %s in session %s", what, id), err)
}

// executeInSession implements execute_code with a session_id.
func (s *server) executeInSession(ctx context.Context, in *ExecuteCodeInput, rt sandbox.Runtime) (*sandbox.Result, error) {
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	if sess.Runtime() != rt {
		return nil, argError("language", "session %q runs %s, not %s; use language %q, or create another session", in.SessionID, sess.Runtime(), rt, sess.Runtime())
	}
	for _, l := range []struct {
		name string
		set  bool
	}{{"fuel_budget", in.FuelBudget != 0}, {"memory_bytes", in.MemoryBytes != 0}, {"timeout_seconds", in.TimeoutSeconds != 0}} {
		if l.set {
			return nil, argError(l.name, "a session's limits are fixed when it is created; omit %s here, or create a session with the %s you need", l.name, l.name)
		}
	}
	if err := s.checkCode(in.Code, sess.Policy()); err != nil {
		return nil, err
	}
	sb, err := sandbox.New(rt, append(s.baseOptions(), sandbox.WithSession(sess))...)
	if err != nil {
		if errors.Is(err, sandbox.ErrNotImplemented) || errors.Is(err, sandbox.ErrRuntimeNotInstalled) {
			return nil, s.runtimeError(rt, err)
		}
		return nil, s.sessionError(in.SessionID, "run the code", err)
	}
	res, err := s.run(ctx, sb, in.Code)
	if !settled(err) {
		return nil, s.sessionError(in.SessionID, "run the code", err)
	}
	return res, err
}

// createSession implements create_session.
func (s *server) createSession(ctx context.Context, in *CreateSessionInput) (*SessionInfo, error) {
	rt, err := parseLanguage(in.Language)
	if err != nil {
		return nil, err
	}
	p, err := s.applyLimits(s.policy, in.limitArgs)
	if err != nil {
		return nil, err
	}
	if s.store == nil {
		return nil, errNoSessions
	}
	if _, err := sandbox.New(rt, s.options(s.policy)...); err != nil {
		return nil, s.runtimeError(rt, err)
	}

	// Count and create under one lock, so that concurrent calls cannot
	// overshoot the maximum (other processes sharing the directory can).
	s.createMu.Lock()
	defer s.createMu.Unlock()
	s.maybePrune(ctx)
	list, err := s.store.List()
	if err != nil {
		return nil, s.internalError("the server could not count its sessions", err)
	}
	if len(list) >= s.cfg.MaxSessions {
		return nil, fmt.Errorf("the server already holds its maximum of %d sessions; destroy_session one you no longer need, or run code without a session", s.cfg.MaxSessions)
	}
	sess, err := s.store.Create(ctx, sandbox.SessionConfig{Runtime: rt, Policy: p, AutoPersistGlobals: in.AutoPersistGlobals})
	if err != nil {
		if errors.Is(err, sandbox.ErrNotImplemented) {
			return nil, argError("auto_persist_globals", "%v", err)
		}
		if errors.Is(err, sandbox.ErrCancelled) {
			return nil, errCancelled
		}
		return nil, s.internalError("the server could not create the session", err)
	}
	return s.sessionInfo(sess)
}

// sessionInfo describes sess for create_session and get_workspace_info.
func (s *server) sessionInfo(sess *sandbox.Session) (*SessionInfo, error) {
	info, err := sess.Info()
	if err != nil {
		return nil, s.sessionError(sess.ID(), "describe the workspace", err)
	}
	files, err := sess.ListFiles("")
	if err != nil {
		return nil, s.sessionError(sess.ID(), "list the files", err)
	}
	p := sess.Policy()
	out := &SessionInfo{
		SessionID:          info.ID,
		Language:           string(info.Runtime),
		AutoPersistGlobals: info.AutoPersistGlobals,
		Workspace:          p.GuestWorkspace,
		Mounts:             mountInfos(p.Mounts),
		CreatedAt:          info.CreatedAt,
		LastUsedAt:         info.LastUsedAt,
		ExpiresAt:          info.LastUsedAt.Add(s.cfg.SessionTTL),
		Executions:         info.Executions,
		FuelUsed:           info.FuelUsed,
		WorkspaceBytes:     info.WorkspaceBytes,
		WorkspaceMaxBytes:  p.WorkspaceMaxBytes,
		StateBytes:         info.StateBytes,
		Limits:             ExecLimits{FuelBudget: p.FuelBudget, MemoryBytes: p.MemoryBytes, TimeoutSeconds: p.Timeout.Seconds()},
	}
	for _, f := range files {
		if f.Type == "file" {
			out.Files++
		}
	}
	return out, nil
}

// destroySession implements destroy_session.
func (s *server) destroySession(ctx context.Context, in *SessionIDInput) (*DestroySessionOutput, error) {
	if _, err := s.openSession(ctx, in.SessionID); err != nil {
		return nil, err
	}
	if err := s.store.Delete(ctx, in.SessionID); err != nil {
		return nil, s.sessionError(in.SessionID, "delete the files", err)
	}
	return &DestroySessionOutput{SessionID: in.SessionID, Destroyed: true}, nil
}

// getWorkspaceInfo implements get_workspace_info.
func (s *server) getWorkspaceInfo(ctx context.Context, in *SessionIDInput) (*SessionInfo, error) {
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	return s.sessionInfo(sess)
}

// listFiles implements list_files.
func (s *server) listFiles(ctx context.Context, in *SessionIDInput) (*ListFilesOutput, error) {
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	files, err := sess.ListFiles("")
	if err != nil {
		return nil, s.sessionError(in.SessionID, "list the files", err)
	}
	out := &ListFilesOutput{SessionID: in.SessionID, Workspace: sess.Policy().GuestWorkspace, Files: []FileEntry{}}
	for _, f := range files {
		out.Files = append(out.Files, FileEntry{Path: f.Path, Type: f.Type, Size: f.Size, Modified: f.ModTime.UTC()})
		if f.Type == "file" {
			out.TotalBytes += f.Size
		}
	}
	return out, nil
}

// checkPath refuses an empty path argument; everything else about a path
// is for the session's file system to judge.
func checkPath(p string) error {
	if strings.TrimSpace(p) == "" {
		return argError("path", "is empty; give a file path such as data.csv")
	}
	if strings.ContainsRune(p, 0) {
		return argError("path", "must not contain a NUL byte")
	}
	if len(p) > 4096 {
		return argError("path", "is %d bytes long; at most 4096", len(p))
	}
	return nil
}

// fileError explains a failed file operation (what: "read", "write") on
// path in the session's workspace ws. The errors of the guest's view of
// the workspace name only guest paths; any other is the server's problem.
func (s *server) fileError(id, ws, what, path string, err error) error {
	var ve *vfs.Error
	if !errors.As(err, &ve) {
		return s.sessionError(id, what+" "+path, err)
	}
	switch ve.Code {
	case "ENOENT", "ENOTDIR":
		return fmt.Errorf("%s: no such file in the workspace of session %s; list_files shows what is there", path, id)
	case "EFBIG":
		return fmt.Errorf("%s is larger than %s, the most read_file returns; read a part of it with execute_code instead", path, formatBytes(s.cfg.MaxFileBytes))
	case "EISDIR":
		return fmt.Errorf("%s is a directory; list_files shows what is in it", path)
	case "EACCES", "EPERM", "EROFS":
		return fmt.Errorf("%s: %s; the file tools reach only files inside the workspace %s", path, ve.Error(), ws)
	}
	return fmt.Errorf("%s: %s", path, ve.Error())
}

// readFile implements read_file.
func (s *server) readFile(ctx context.Context, in *FileInput) (*ReadFileOutput, error) {
	if err := checkPath(in.Path); err != nil {
		return nil, err
	}
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	data, err := sess.ReadFile(in.Path, s.cfg.MaxFileBytes)
	if err != nil {
		return nil, s.fileError(in.SessionID, sess.Policy().GuestWorkspace, "read", in.Path, err)
	}
	out := &ReadFileOutput{SessionID: in.SessionID, Path: in.Path, Size: int64(len(data)), Encoding: "utf-8", Content: string(data)}
	if !utf8.Valid(data) {
		out.Encoding, out.Content = "base64", base64.StdEncoding.EncodeToString(data)
	}
	return out, nil
}

// writeFile implements write_file.
func (s *server) writeFile(ctx context.Context, in *WriteFileInput) (*WriteFileOutput, error) {
	if err := checkPath(in.Path); err != nil {
		return nil, err
	}
	data := []byte(in.Content)
	switch strings.ToLower(in.Encoding) {
	case "", "utf-8", "utf8", "text":
	case "base64":
		b, err := base64.StdEncoding.DecodeString(in.Content)
		if err != nil {
			return nil, argError("content", "is not valid base64 (encoding is base64): %v", err)
		}
		data = b
	default:
		return nil, argError("encoding", "%q is not an encoding; use utf-8 or base64", in.Encoding)
	}
	if int64(len(data)) > s.cfg.MaxFileBytes {
		return nil, argError("content", "%d bytes is more than the %d bytes write_file accepts; write it in parts with execute_code, or generate the data in code", len(data), s.cfg.MaxFileBytes)
	}
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	if err := sess.WriteFile(ctx, in.Path, data); err != nil {
		return nil, s.fileError(in.SessionID, sess.Policy().GuestWorkspace, "write", in.Path, err)
	}
	return &WriteFileOutput{SessionID: in.SessionID, Path: in.Path, BytesWritten: int64(len(data))}, nil
}

// resetWorkspace implements reset_workspace.
func (s *server) resetWorkspace(ctx context.Context, in *SessionIDInput) (*ResetWorkspaceOutput, error) {
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	out := &ResetWorkspaceOutput{SessionID: in.SessionID}
	if files, err := sess.ListFiles(""); err == nil {
		for _, f := range files {
			if f.Type != "dir" {
				out.FilesDeleted++
				out.BytesFreed += f.Size
			}
		}
	}
	if err := sess.Reset(ctx); err != nil {
		return nil, s.sessionError(in.SessionID, "reset the workspace", err)
	}
	return out, nil
}
