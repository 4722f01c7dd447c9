package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox/internal/workspace"
)

// TestWorkspaceMeterCannotBeOutrun fills a workspace with many empty files,
// which once slowed the watchdog's walks enough for a guest to write far
// past workspace_max_bytes between them, and then writes as fast as it can.
// The watchdog is kept from looking at all: the meter alone must stop the
// guest, and the workspace must end at or under its limit, in both
// runtimes. WASMSANDBOX_METER_FILES sets the number of files (the attack
// as found used 95000; the default keeps the test short).
func TestWorkspaceMeterCannotBeOutrun(t *testing.T) {
	files := 2000
	if n, err := strconv.Atoi(os.Getenv("WASMSANDBOX_METER_FILES")); err == nil && n > 0 {
		files = n
	}
	const limit = 50 << 20
	for _, tc := range []struct {
		name string
		rt   Runtime
		code string
	}{
		{"python one file", Python, "b = b'x' * (1 << 20)\nwith open('big.bin', 'wb') as f:\n    while True:\n        f.write(b)"},
		{"python many files", Python, "import os\nos.mkdir('many')\ni = 0\nwhile True:\n    with open(f'many/f{i}', 'wb') as f:\n        f.write(b'x' * 100_000)\n    i += 1"},
		{"javascript", JavaScript, "const fs = require('fs')\nconst b = 'x'.repeat(1 << 20)\nwhile (true) fs.appendFileSync('big.bin', b)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			noWatchdog(t)
			ws := t.TempDir()
			dir := filepath.Join(ws, "empty")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for i := range files {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", i)), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sb := newSandbox(t, tc.rt, Policy{Workspace: ws, WorkspaceMaxBytes: limit, Timeout: 60 * time.Second, FuelBudget: 1e12})
			res := run(t, sb, tc.code)
			// (What counts is where it stops, not how fast it got there.)
			wantOutcome(t, res, OutcomeGuestError)
			if res.ExitCode != -1 || !strings.Contains(res.Error, "workspace limit of ") {
				t.Fatalf("exit code %d, error %q", res.ExitCode, res.Error)
			}
			size, err := workspace.Size(ws)
			if err != nil {
				t.Fatal(err)
			}
			if size > limit {
				t.Fatalf("the workspace holds %d bytes, over its limit of %d", size, limit)
			}
			t.Logf("stopped with %d bytes (limit %d) after %d ms: %s", size, limit, res.DurationMS, res.Error)
		})
	}
}
