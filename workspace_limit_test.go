package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// pyDeepDir is Python that creates deepDir one level at a time.
const pyDeepDir = `import os
p = "."
for i in range(16):
    p += "/" + "d" * 250
    os.mkdir(p)
p += "/" + "e" * 60
os.mkdir(p)
`

// wantWorkspaceStop fails unless res is a guest stopped by the workspace
// watchdog, well before its deadline.
func wantWorkspaceStop(t *testing.T, res *Result, msg string) {
	t.Helper()
	wantOutcome(t, res, OutcomeGuestError)
	if res.ExitCode != -1 || !strings.Contains(res.Error, msg) || strings.Contains(res.Error, "\n") {
		t.Errorf("exit code %d, error %q; want -1 and %q", res.ExitCode, res.Error, msg)
	}
	if res.DurationMS > 10_000 {
		t.Errorf("stopped after %d ms", res.DurationMS)
	}
}

// workspaceViolations returns the workspace_limit violations logged.
func workspaceViolations(ev *eventLog) []map[string]string {
	var out []map[string]string
	for _, v := range ev.find(EventSecurityViolation) {
		if v["kind"] == ViolationWorkspaceLimit {
			out = append(out, v)
		}
	}
	return out
}

func TestWorkspaceLimitDeepPath(t *testing.T) {
	const limit = 1 << 20
	write := pyDeepDir + "open(p + '/big.bin', 'wb').write(b'x' * 4_000_000)\n"

	t.Run("stopped", func(t *testing.T) {
		// The guest sleeps after writing: the watchdog must wake it.
		ev := &eventLog{}
		sb := newSandbox(t, Python, Policy{WorkspaceMaxBytes: limit, Timeout: 20 * time.Second}, WithLogger(slog.New(ev)))
		res := run(t, sb, write+"import time\ntime.sleep(15)\nprint('not stopped')")
		wantWorkspaceStop(t, res, "workspace limit of 1048576 bytes exceeded (the code wrote 4000000 bytes in 18 files and directories to /app)")
		if len(res.FilesCreated) != 1 || !strings.HasSuffix(res.FilesCreated[0], "/big.bin") || len(res.FilesCreated[0]) < 4000 {
			t.Errorf("files_created = %.200q", res.FilesCreated)
		}
		v := workspaceViolations(ev)
		if len(v) != 1 || v[0]["limit"] != "1048576" || v[0]["observed"] != "4000000" || v[0]["unit"] != "bytes" {
			t.Errorf("workspace_limit violations = %v", v)
		}
	})
	t.Run("ends over the limit", func(t *testing.T) {
		// A guest that ends before the watchdog looks is still reported.
		// (Only a cold start writes unmetered: from the snapshot the write
		// itself is refused.)
		noWatchdog(t)
		ev := &eventLog{}
		sb := newSandbox(t, Python, Policy{WorkspaceMaxBytes: limit, Argv: coldPython.Argv}, WithLogger(slog.New(ev)))
		res := run(t, sb, write)
		wantOutcome(t, res, OutcomeOK)
		if len(res.FilesCreated) != 1 {
			t.Errorf("files_created = %.200q", res.FilesCreated)
		}
		if v := workspaceViolations(ev); len(v) != 1 || v[0]["observed"] != "4000000" {
			t.Errorf("workspace_limit violations = %v", v)
		}
	})
}

func TestWorkspaceLimitWriteLoop(t *testing.T) {
	for _, tc := range []struct {
		rt   Runtime
		code string
	}{
		{Python, "f = open('big.bin', 'wb')\nwhile True:\n    f.write(b'x' * 65536)"},
		{JavaScript, "const fs = require('fs')\nconst b = 'x'.repeat(65536)\nwhile (true) fs.appendFileSync('big.bin', b)"},
	} {
		t.Run(string(tc.rt), func(t *testing.T) {
			ev := &eventLog{}
			sb := newSandbox(t, tc.rt, Policy{WorkspaceMaxBytes: 4 << 20, Timeout: 20 * time.Second, FuelBudget: 1e12},
				WithLogger(slog.New(ev)))
			res := run(t, sb, tc.code)
			wantWorkspaceStop(t, res, "workspace limit of 4194304 bytes exceeded (the code wrote ")
			if v := workspaceViolations(ev); len(v) != 1 {
				t.Errorf("workspace_limit violations = %v", v)
			} else if n, _ := strconv.ParseInt(v[0]["observed"], 10, 64); n <= 4<<20 {
				t.Errorf("observed %d bytes", n)
			}
		})
	}
}

func TestWorkspaceLimitEntries(t *testing.T) {
	old := workspace.MaxEntries
	workspace.MaxEntries = 300
	t.Cleanup(func() { workspace.MaxEntries = old })

	ev := &eventLog{}
	sb := newSandbox(t, Python, Policy{Timeout: 20 * time.Second, FuelBudget: 1e12}, WithLogger(slog.New(ev)))
	res := run(t, sb, "i = 0\nwhile True:\n    open(f'f{i}', 'w').close()\n    i += 1")
	wantWorkspaceStop(t, res, "workspace limit of 300 files and directories exceeded (the code wrote 0 bytes in ")
	// The meter refuses the file past the cap: none is created.
	if len(res.FilesCreated) != 300 {
		t.Errorf("files_created has %d entries", len(res.FilesCreated))
	}
	if v := workspaceViolations(ev); len(v) != 1 || v[0]["unit"] != "entries" || v[0]["limit"] != "300" {
		t.Errorf("workspace_limit violations = %v", v)
	}

	// A workspace already over the cap is refused before anything runs.
	ws := t.TempDir()
	for i := range 301 {
		if err := os.WriteFile(fmt.Sprintf("%s/f%d", ws, i), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sb = newSandbox(t, Python, Policy{Workspace: ws})
	if _, err := sb.Execute(context.Background(), "print(1)"); !errors.Is(err, ErrWorkspaceFull) {
		t.Errorf("Execute in a workspace over the cap = %v, want ErrWorkspaceFull", err)
	}
}

func TestWorkspaceTooDeepFailsClosed(t *testing.T) {
	noWatchdog(t) // the final scan must catch it on its own
	ev := &eventLog{}
	sb := newSandbox(t, Python, Policy{}, WithLogger(slog.New(ev)))
	res := run(t, sb, fmt.Sprintf("import os\nos.makedirs('a/' * %d)\nopen('x', 'w').write('x')", workspace.MaxDepth+10))
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Error, "could not be measured") || !strings.Contains(res.Error, "nested deeper than 256 levels") {
		t.Errorf("error = %q", res.Error)
	}
	if v := workspaceViolations(ev); len(v) != 1 || v[0]["error"] == "" {
		t.Errorf("workspace_limit violations = %v", v)
	}
}

func TestFilesListsTruncated(t *testing.T) {
	sb := newSandbox(t, Python, Policy{})
	res := run(t, sb, "for i in range(1100):\n    open(f'f{i:04}', 'w').close()")
	wantOutcome(t, res, OutcomeOK)
	if len(res.FilesCreated) != workspace.MaxFilesListed || !res.FilesTruncated || res.FilesCreated[0] != "f0000" || res.FilesCreated[999] != "f0999" {
		t.Errorf("files_created has %d entries (truncated %v)", len(res.FilesCreated), res.FilesTruncated)
	}
	res = run(t, sb, "open('one', 'w').close()")
	if len(res.FilesCreated) != 1 || res.FilesTruncated {
		t.Errorf("files_created = %v (truncated %v)", res.FilesCreated, res.FilesTruncated)
	}
}

func TestSessionWorkspaceWatchdogCountsExistingFiles(t *testing.T) {
	st, ev := newStore(t)
	ctx := context.Background()
	s := mustCreate(t, st, SessionConfig{Policy: Policy{WorkspaceMaxBytes: 2 << 20}})
	if err := s.WriteFile(ctx, "old.bin", make([]byte, 1_500_000)); err != nil {
		t.Fatal(err)
	}
	// 1.5 MB already there plus 1 MB is over 2 MiB, though this
	// execution alone writes less: the write is refused and the guest
	// stopped, and the workspace stays under its limit.
	res := execIn(t, s, "open('new.bin', 'wb').write(b'x' * 1_000_000)\nimport time\ntime.sleep(15)")
	wantWorkspaceStop(t, res, "workspace limit of 2097152 bytes exceeded (the code wrote 2500000 bytes in 2 files and directories to /app)")
	if v := workspaceViolations(ev); len(v) != 1 || v[0]["observed"] != "2500000" {
		t.Errorf("workspace_limit violations = %v", v)
	}
	if info, _ := s.Info(); info.WorkspaceBytes != 1_500_000 {
		t.Errorf("workspace holds %d bytes", info.WorkspaceBytes)
	}
	wantOutcome(t, execIn(t, s, "print(1)"), OutcomeOK)
}

// noWatchdog keeps the workspace watchdog from looking during the test, so
// that what the final scan does is tested without a race.
func noWatchdog(t *testing.T) {
	old := workspace.WatchInterval
	workspace.WatchInterval = time.Hour
	t.Cleanup(func() { workspace.WatchInterval = old })
}
