package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/wasmsandbox/sandbox"
)

// The subcommands that reach the files of a session's workspace: ls, put
// and get.

func sessionLs(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("ls", "ID [DIR] [flags]", `Lists the files below DIR (default: all) of a session's workspace, with sizes and
paths relative to the workspace. Symbolic links are shown, not followed.

DIR is a directory in the workspace: relative to it ("data"), or absolute under
the workspace's guest path, /app by default ("/app/data"; "/app" is the whole
workspace). A DIR outside the workspace, such as "/" or "/etc", is an error.`)
	s, pos, status, ok := f.parseOpen(args, stdout, stderr, 2)
	if !ok {
		return status
	}
	dir := ""
	if len(pos) == 2 {
		dir = pos[1]
		if ws := s.Policy().WithDefaults().GuestWorkspace; !inWorkspace(ws, dir) {
			return f.fail(stderr, "%q is outside the workspace %s; give a directory in it (%q is the whole workspace, or a path relative to it such as \"data\"), or leave DIR out to list everything", dir, ws, ws)
		}
	}
	files, err := s.ListFiles(dir)
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, struct {
			ID    string                `json:"session_id"`
			Files []sandbox.SessionFile `json:"files"`
		}{s.ID(), files})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, fi := range files {
		name := fi.Path
		size := strconv.FormatInt(fi.Size, 10)
		switch fi.Type {
		case "dir":
			name, size = name+"/", "-"
		case "symlink":
			name += "@"
		}
		fmt.Fprintf(tw, "%s\t  %s\t\n", size, name)
	}
	tw.Flush()
	return exitOK
}

func sessionPut(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := newSessionFlags("put", "ID LOCAL [REMOTE] [flags]",
		"Copies the local file LOCAL (\"-\" for standard input) into the session's workspace\nas REMOTE (default: LOCAL's name; a REMOTE ending in / is a directory).\nMissing directories are created.")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 2, 3)
	if !ok {
		return status
	}
	local, remote := pos[1], ""
	if len(pos) == 3 {
		remote = pos[2]
	}
	if local == "-" && (remote == "" || strings.HasSuffix(remote, "/")) {
		return f.fail(stderr, "give REMOTE when reading standard input")
	}
	if remote == "" || strings.HasSuffix(remote, "/") {
		remote += filepath.Base(local)
	}
	s, status, ok := f.open(pos[0], stderr)
	if !ok {
		return status
	}
	// Never read more than the workspace may hold.
	limit := s.Policy().WorkspaceMaxBytes
	var data []byte
	var err error
	if local == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, limit+1))
	} else {
		data, err = readLocal(local, limit)
	}
	if err != nil {
		printError(stderr, f.cmd, err)
		return exitUsage
	}
	if int64(len(data)) > limit {
		printError(stderr, f.cmd, fmt.Errorf("%w: %s is larger than the workspace may hold (workspace_max_bytes %d)", sandbox.ErrWorkspaceFull, local, limit))
		return exitUsage
	}
	if err := s.WriteFile(ctx, remote, data); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": s.ID(), "path": workspacePath(remote), "bytes": len(data)})
	}
	return exitOK
}

func sessionRmFile(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("rm-file", "ID REMOTE [flags]",
		"Deletes the file, link or directory REMOTE from the session's workspace (to\nmake room when it is full, say). The workspace itself cannot be deleted: use\n'wasmsandbox session reset'.")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 2, 2)
	if !ok {
		return status
	}
	s, status, ok := f.open(pos[0], stderr)
	if !ok {
		return status
	}
	if err := s.RemoveFile(ctx, pos[1]); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": s.ID(), "path": workspacePath(pos[1]), "deleted": true})
	}
	return exitOK
}

// readLocal reads a local regular file of at most limit (+1) bytes; a
// larger one is refused without reading it.
func readLocal(name string, limit int64) ([]byte, error) {
	return readRegular(name, "the file to put", limit, func(size int64) error {
		return usageErr{fmt.Errorf("%w: %s is %d bytes, larger than the workspace may hold (workspace_max_bytes %d)", sandbox.ErrWorkspaceFull, name, size, limit)}
	})
}

// inWorkspace reports whether the guest path p, absolute or relative to the
// workspace ws, names ws or a path below it, "." and ".." resolved.
func inWorkspace(ws, p string) bool {
	if !path.IsAbs(p) {
		p = path.Join(ws, p)
	}
	p = path.Clean(p)
	return ws == "/" || p == ws || strings.HasPrefix(p, ws+"/")
}

// workspacePath shows a REMOTE path as the workspace-relative path it names.
func workspacePath(remote string) string {
	return strings.TrimPrefix(path.Clean(remote), "/app/")
}

func sessionGet(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("get", "ID REMOTE [LOCAL] [flags]",
		"Copies the file REMOTE out of the session's workspace to LOCAL (default: REMOTE's\nname in the current directory; \"-\" for standard output). With --json and LOCAL\n\"-\", the content is in the JSON object (content, or content_base64 when it is\nnot UTF-8 text).")
	var max byteSizeFlag = byteSizeFlag(sandbox.DefaultSessionReadMaxBytes)
	f.Var(&max, "max", "refuse files larger than `BYTES`")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 2, 3)
	if !ok {
		return status
	}
	remote, local := pos[1], ""
	if len(pos) == 3 {
		local = pos[2]
	}
	if local == "" {
		local = path.Base(path.Clean(remote))
		if local == "/" || local == "." || local == ".." {
			return f.fail(stderr, "give LOCAL: %q has no file name", remote)
		}
	}
	s, status, ok := f.open(pos[0], stderr)
	if !ok {
		return status
	}
	data, err := s.ReadFile(remote, int64(max))
	if err != nil {
		return f.report(stderr, err)
	}
	out := map[string]any{"session_id": s.ID(), "path": workspacePath(remote), "bytes": len(data)}
	if local == "-" {
		if !f.json {
			if _, err := stdout.Write(data); err != nil {
				printError(stderr, f.cmd, err)
				return exitInternal
			}
			return exitOK
		}
		if utf8.Valid(data) {
			out["content"] = string(data)
		} else {
			out["content_base64"] = base64.StdEncoding.EncodeToString(data)
		}
		return printJSON(stdout, stderr, f.cmd, out)
	}
	if err := os.WriteFile(local, data, 0o644); err != nil {
		printError(stderr, f.cmd, err)
		return exitUsage
	}
	if f.json {
		out["local"] = local
		return printJSON(stdout, stderr, f.cmd, out)
	}
	return exitOK
}
