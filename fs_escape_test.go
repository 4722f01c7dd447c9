package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestPythonHostFSEscapes attacks the host's own WASI file system (which
// serves Python's file calls) from a real guest: links the guest makes,
// descriptor-relative paths, moves between mounts, and a directory swapped
// for a link out while the guest opens files below it.
func TestPythonHostFSEscapes(t *testing.T) {
	f := newEscapeFixture(t)
	rw := t.TempDir()
	p := f.policy()
	p.Mounts = append(p.Mounts, Mount{Host: rw, Guest: "/rw", Writable: true})
	sb := newSandbox(t, Python, p)
	rel, err := filepath.Rel(f.ws, f.outside)
	if err != nil {
		t.Fatal(err)
	}
	attempts := map[string]string{
		"absolute link made by the guest":     "import os\nos.symlink('/etc/passwd', 'mine')\nprint(open('mine').read())",
		"relative link out made by the guest": "import os\nos.symlink(" + pyQuote(rel) + ", 'up')\nprint(open('up/secret.txt').read())",
		"dotdot from a directory descriptor":  "import os\nfd = os.open('/app', os.O_RDONLY)\nprint(os.read(os.open('../" + filepath.Base(f.outside) + "/secret.txt', os.O_RDONLY, dir_fd=fd), 100))",
		"list above a mount":                  "import os\nprint(os.listdir('/app/..'))",
		"stat through a link out":             "import os\nprint(os.stat('/app/linkdir/secret.txt'))",
		"rename between mounts":               "import os\nopen('/app/x', 'w').write('x')\nos.rename('/app/x', '/rw/x')",
		"rename into a read-only mount":       "import os\nopen('/app/x', 'w').write('x')\nos.rename('/app/x', '/data/x')",
		"hard link between mounts":            "import os\nos.link('/data/in.txt', '/app/h')",
		"truncate a read-only file":           "import os\nos.truncate('/data/in.txt', 0)",
		"open a read-only file for update":    "open('/data/in.txt', 'r+')",
		"utime on a read-only file":           "import os\nos.utime('/data/in.txt', (0, 0))",
	}
	for name, code := range attempts {
		t.Run(name, func(t *testing.T) {
			res := run(t, sb, code)
			wantOutcome(t, res, OutcomeGuestError)
			if strings.Contains(res.Stdout, "TOPSECRET") || strings.Contains(res.Stdout, "root:") {
				t.Fatalf("escaped: %s", res.Stdout)
			}
			if strings.Contains(name, "read-only") && !strings.Contains(res.Stderr, "PermissionError") {
				t.Fatalf("not refused as a read-only mount refuses: %s", res.Stderr)
			}
			if !strings.Contains(res.Stderr, "PermissionError") && !strings.Contains(res.Stderr, "OSError") &&
				!strings.Contains(res.Stderr, "FileNotFoundError") {
				t.Fatalf("failed for another reason: %s", res.Stderr)
			}
		})
	}
	f.check(t)
	if entries, _ := os.ReadDir(rw); len(entries) != 0 {
		t.Fatalf("a file crossed mounts: %v", entries)
	}

	t.Run("directory swapped for a link out", func(t *testing.T) {
		dir := filepath.Join(f.ws, "race")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("inside"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stop atomic.Bool
		var wg sync.WaitGroup
		wg.Go(func() {
			for !stop.Load() {
				os.Rename(dir, dir+".real")
				os.Symlink(f.outside, dir)
				os.Remove(dir)
				os.Rename(dir+".real", dir)
			}
		})
		res := run(t, sb, `
seen = set()
for i in range(3000):
    try:
        with open('/app/race/secret.txt') as fh:
            seen.add(fh.read())
    except OSError as e:
        seen.add(type(e).__name__)
print(sorted(seen))`)
		stop.Store(true)
		wg.Wait()
		wantOutcome(t, res, OutcomeOK)
		if strings.Contains(res.Stdout, "TOPSECRET") || !strings.Contains(res.Stdout, "inside") {
			t.Fatalf("stdout %s", res.Stdout)
		}
		t.Logf("seen: %s", res.Stdout)
	})
	f.check(t)
}
