package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
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
			"Pass the returned session_id to execute_code, list_files, read_file, write_file, delete_file, get_workspace_info, reset_workspace and destroy_session. " +
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
		Name:        "delete_file",
		Title:       "Delete a file from a session",
		Description: "Delete a file, a link or a whole directory from a session's workspace (" + ws + "), for instance to make room when the workspace is full. The workspace itself cannot be deleted: use reset_workspace to empty it.",
		Annotations: &mcp.ToolAnnotations{Title: "Delete a file from a session", DestructiveHint: boolPtr(true), IdempotentHint: false, OpenWorldHint: boolPtr(false)},
	}, s.deleteFile)

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
	sb, err := sandbox.New(rt, append(append(s.baseOptions(), sandbox.WithSession(sess)), in.callOptions()...)...)
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
	s.trimOutput(ctx, res, sess)
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

	// Count and create under the store's lock, so that concurrent calls,
	// in this process or another server sharing the directory, cannot
	// overshoot the maximum.
	s.createMu.Lock()
	defer s.createMu.Unlock()
	s.maybePrune(ctx)
	var sess *sandbox.Session
	errFull, errClientFull := errors.New("full"), errors.New("client full")
	owner, _ := clientOf(ctx)
	err = s.store.WithLock(ctx, func() error {
		list, err := s.store.List()
		if err != nil {
			return err
		}
		if len(list) >= s.cfg.MaxSessions {
			return errFull
		}
		if s.maxSessionsPerClient > 0 {
			mine := 0
			for _, e := range list {
				if e.Error == "" && e.Owner == owner {
					mine++
				}
			}
			if mine >= s.maxSessionsPerClient {
				return errClientFull
			}
		}
		sess, err = s.store.Create(ctx, sandbox.SessionConfig{Runtime: rt, Policy: p, AutoPersistGlobals: in.AutoPersistGlobals, Owner: owner})
		return err
	})
	switch err {
	case errFull:
		s.metrics.reject(rejectSessionLimit)
		return nil, fmt.Errorf("the server already holds its maximum of %d sessions; destroy_session one you no longer need, or run code without a session", s.cfg.MaxSessions)
	case errClientFull:
		s.metrics.reject(rejectSessionLimit)
		return nil, fmt.Errorf("this client (token) already holds its maximum of %d sessions; destroy_session one you no longer need, or run code without a session", s.maxSessionsPerClient)
	}
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
