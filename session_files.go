package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/session"
	"github.com/wasmsandbox/sandbox/internal/vfs"
	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// Host-side file operations on a session's workspace. Paths are relative to
// the workspace ("data/in.csv") or absolute guest paths inside it
// ("/app/data/in.csv"), as the guest would write them. They follow the
// rules of the guest's own file system (internal/vfs over os.Root): a path
// outside the workspace (by ".." or absolute) is refused with an error
// wrapping fs.ErrInvalid that says so, and
// symbolic links, including those a guest planted, are followed only while
// they stay inside the workspace. Errors wrap ErrFileAccess and the io/fs
// sentinel that fits (fs.ErrNotExist, fs.ErrPermission, ...), and name
// guest paths only, never host ones.

// SessionFile describes one entry of a session's workspace.
type SessionFile struct {
	// Path is workspace-relative and slash-separated ("data/in.csv").
	Path string `json:"path"`
	// Type is "file", "dir", "symlink" or "other".
	Type string `json:"type"`
	// Size is the length in bytes (0 for directories).
	Size int64 `json:"size"`
	// ModTime is the last modification time.
	ModTime time.Time `json:"mod_time"`
}

// maxListEntries bounds ListFiles, so a guest that made millions of files
// cannot make the host build an unbounded list.
const maxListEntries = 100_000

// files opens the workspace as the guest sees it.
func (s *Session) files() (*vfs.FS, error) {
	if _, err := os.Lstat(s.dir); err != nil {
		return nil, s.notFound(err)
	}
	if _, err := s.meta(); err != nil && !errors.Is(err, ErrSessionCorrupt) {
		return nil, err
	}
	f, err := vfs.New([]vfs.Mount{{Guest: s.policy.GuestWorkspace, Host: s.workspaceDir(), Writable: true}})
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: opening the workspace: %v", ErrInternal, s.id, err)
	}
	f.SetCwd(s.policy.GuestWorkspace)
	return f, nil
}

func (s *Session) fileErr(err error) error {
	return fmt.Errorf("%w: session %s: %w", ErrFileAccess, s.id, err)
}

// clean resolves name as the guest would and refuses a path outside the
// workspace, which host-side file operations never reach.
func (s *Session) clean(f *vfs.FS, op, name string) (string, error) {
	g, err := f.Clean(op, name)
	if err != nil {
		return "", s.fileErr(err)
	}
	if ws := s.policy.GuestWorkspace; g != ws && !strings.HasPrefix(g, ws+"/") {
		return "", fmt.Errorf("%w: session %s: %q is outside the workspace %s; give a path relative to it (\"data/in.csv\") or under %s: %w",
			ErrFileAccess, s.id, name, ws, ws, fs.ErrInvalid)
	}
	return g, nil
}

// ReadFile returns the contents of a regular file in the workspace. A file
// larger than maxBytes (DefaultSessionReadMaxBytes when maxBytes <= 0) is
// refused with an EFBIG error.
func (s *Session) ReadFile(name string, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultSessionReadMaxBytes
	}
	f, err := s.files()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := s.clean(f, "open", name)
	if err != nil {
		return nil, err
	}
	data, err := f.ReadFile(g, maxBytes)
	if err != nil {
		return nil, s.fileErr(err)
	}
	return data, nil
}

// WriteFile creates or replaces a file in the workspace, creating missing
// parent directories. It fails with ErrWorkspaceFull when the workspace
// would grow past workspace_max_bytes, and waits for a running execution of
// the session to finish (or ctx to end).
func (s *Session) WriteFile(ctx context.Context, name string, data []byte) error {
	return s.withFiles(ctx, func(f *vfs.FS) error { return s.writeFile(f, name, data) })
}

func (s *Session) writeFile(f *vfs.FS, name string, data []byte) error {
	g, err := s.clean(f, "open", name)
	if err != nil {
		return err
	}
	used, err := workspace.Size(s.workspaceDir())
	if err != nil {
		return fmt.Errorf("%w: session %s: the workspace cannot be measured (%v); remove files or reset the session", ErrWorkspaceFull, s.id, workspace.Cause(err))
	}
	if old, err := f.Stat(g); err == nil && old.IsRegular() {
		used -= old.Size
	}
	if limit := s.policy.WorkspaceMaxBytes; used+int64(len(data)) > limit {
		return fmt.Errorf("%w: session %s: writing %d bytes would bring the workspace to %d bytes, over workspace_max_bytes (%d)",
			ErrWorkspaceFull, s.id, len(data), used+int64(len(data)), limit)
	}
	if dir := path.Dir(g); dir != g {
		if err := f.Mkdir(dir, true); err != nil {
			return s.fileErr(err)
		}
	}
	if err := f.WriteFile(g, data, false); err != nil {
		return s.fileErr(err)
	}
	_ = s.touch(nil)
	return nil
}

// RemoveFile deletes a file, a symbolic link (not its target) or a
// directory tree from the workspace; the workspace itself cannot be
// removed (use Reset). It waits like WriteFile.
func (s *Session) RemoveFile(ctx context.Context, name string) error {
	return s.withFiles(ctx, func(f *vfs.FS) error {
		g, err := s.clean(f, "rm", name)
		if err != nil {
			return err
		}
		if err := f.Remove(g, true); err != nil {
			return s.fileErr(err)
		}
		_ = s.touch(nil)
		return nil
	})
}

// withFiles runs fn on the workspace's files while holding the session
// lock, so no execution of the session runs meanwhile.
func (s *Session) withFiles(ctx context.Context, fn func(f *vfs.FS) error) error {
	unlock, err := session.Lock(ctx, s.dir, s.id)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := s.files()
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(f)
}

// ListFiles lists the workspace below dir ("" or "." for all of it)
// recursively, sorted by path, with sizes. Symbolic links are listed, not
// followed. Paths are relative to the workspace root.
func (s *Session) ListFiles(dir string) ([]SessionFile, error) {
	if dir == "" {
		dir = "."
	}
	f, err := s.files()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	start, err := s.clean(f, "scandir", dir)
	if err != nil {
		return nil, err
	}
	root := s.policy.GuestWorkspace
	out := []SessionFile{}
	var walk func(g string) error
	walk = func(g string) error {
		entries, err := f.ReadDir(g)
		if err != nil {
			return err
		}
		for _, e := range entries {
			child := path.Join(g, e.Name)
			if len(out) >= maxListEntries {
				return fmt.Errorf("more than %d entries; list a subdirectory", maxListEntries)
			}
			fi := SessionFile{Path: strings.TrimPrefix(child, root+"/"), Size: e.Size, ModTime: e.ModTime}
			switch {
			case e.IsSymlink():
				fi.Type = "symlink"
			case e.IsDir():
				fi.Type, fi.Size = "dir", 0
			case e.IsRegular():
				fi.Type = "file"
			default:
				fi.Type = "other"
			}
			out = append(out, fi)
			if fi.Type == "dir" {
				if err := walk(child); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(start); err != nil {
		var ve *vfs.Error
		if errors.As(err, &ve) {
			return nil, s.fileErr(err)
		}
		return nil, fmt.Errorf("%w: session %s: %v", ErrFileAccess, s.id, err)
	}
	slices.SortFunc(out, func(a, b SessionFile) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}
