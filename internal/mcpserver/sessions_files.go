package mcpserver

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wasmsandbox/sandbox/internal/vfs"
)

// The workspace tools: list_files, read_file, write_file, delete_file and
// reset_workspace.

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

// DeleteFileOutput is the result of delete_file.
type DeleteFileOutput struct {
	SessionID  string `json:"session_id" jsonschema:"The session."`
	Path       string `json:"path" jsonschema:"The file or directory, as given."`
	BytesFreed int64  `json:"bytes_freed" jsonschema:"How many bytes the deleted files held."`
}

// ResetWorkspaceOutput is the result of reset_workspace.
type ResetWorkspaceOutput struct {
	SessionID    string `json:"session_id" jsonschema:"The session."`
	FilesDeleted int    `json:"files_deleted" jsonschema:"How many files were deleted."`
	BytesFreed   int64  `json:"bytes_freed" jsonschema:"How many bytes they held."`
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
	if errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("%s is outside the workspace %s of session %s; the file tools reach only files inside the workspace %s: give a path relative to it (data.csv) or under it", path, ws, id, ws)
	}
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

// deleteFile implements delete_file.
func (s *server) deleteFile(ctx context.Context, in *FileInput) (*DeleteFileOutput, error) {
	if err := checkPath(in.Path); err != nil {
		return nil, err
	}
	sess, err := s.openSession(ctx, in.SessionID)
	if err != nil {
		return nil, err
	}
	out := &DeleteFileOutput{SessionID: in.SessionID, Path: in.Path}
	before, _ := sess.Info()
	if err := sess.RemoveFile(ctx, in.Path); err != nil {
		return nil, s.fileError(in.SessionID, sess.Policy().GuestWorkspace, "delete", in.Path, err)
	}
	if after, err := sess.Info(); err == nil && before.WorkspaceBytes >= after.WorkspaceBytes {
		out.BytesFreed = before.WorkspaceBytes - after.WorkspaceBytes
	}
	return out, nil
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
