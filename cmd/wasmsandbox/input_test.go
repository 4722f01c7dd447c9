package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputFilesNotRegular is the red-team report's attack on the
// command's inputs: `session put ID /dev/zero` read about 2 GB before
// refusing, and a named pipe blocked through SIGTERM. Every file the
// command reads must be a regular file (or - for standard input) of at
// most its limit, else a usage error (exit 3) that names the file and why.
func TestInputFilesNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.py")
	if err := os.WriteFile(big, []byte(strings.Repeat("#", 2<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	bigPolicy := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(bigPolicy, []byte(strings.Repeat("#", maxPolicyFileBytes+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	sessions := t.TempDir()
	c := runCLI(t, "", "session", "create", "--sessions-dir", sessions, "--id", "s1")
	c.want(t, exitOK)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"session", "put", "--sessions-dir", sessions, "s1", "/dev/zero", "z"}, "/dev/zero is a character device, not a regular file"},
		{[]string{"session", "put", "--sessions-dir", sessions, "s1", fifo, "f"}, fifo + " is a named pipe, not a regular file"},
		{[]string{"session", "put", "--sessions-dir", sessions, "s1", dir, "d"}, dir + " is a directory, not a regular file"},
		{[]string{"session", "put", "--sessions-dir", sessions, "s1", big + "x", "d"}, "no such file"},
		{[]string{"run", "/dev/zero"}, "/dev/zero is a character device"},
		{[]string{"run", fifo}, fifo + " is a named pipe"},
		{[]string{"run", dir}, dir + " is a directory"},
		{[]string{"run", big}, "the program " + big + " is 2097152 bytes, larger than max_code_bytes (1048576 bytes)"},
		{[]string{"run", "--policy", fifo, "-c", "print(1)"}, fifo + " is a named pipe"},
		{[]string{"run", "--policy", "/dev/zero", "-c", "print(1)"}, "/dev/zero is a character device"},
		{[]string{"run", "--policy", bigPolicy, "-c", "print(1)"}, "more than the 1048576 a policy file may have"},
		{[]string{"policy", "check", fifo}, fifo + " is a named pipe"},
		{[]string{"mcp", "--policy", fifo}, fifo + " is a named pipe"},
	} {
		// A guard against a hang (the bug), not a timing assertion.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		done := make(chan cli, 1)
		go func() { done <- runCLICtx(t, ctx, "", tc.args...) }()
		var c cli
		select {
		case c = <-done:
		case <-ctx.Done():
			t.Fatalf("%v: still reading after a minute", tc.args)
		}
		cancel()
		if c.code != exitUsage || !strings.Contains(c.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, c.code, c.stderr, exitUsage, tc.want)
		}
	}
	// Over the workspace limit: refused without reading.
	small := filepath.Join(dir, "small.toml")
	if err := os.WriteFile(small, []byte("workspace_max_bytes = 1048576\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, "", "session", "create", "--sessions-dir", sessions, "--id", "small", "--policy", small).want(t, exitOK)
	c = runCLI(t, "", "session", "put", "--sessions-dir", sessions, "small", big, "big.py")
	if c.code != exitUsage || !strings.Contains(c.stderr, big+" is 2097152 bytes, larger than the workspace may hold") {
		t.Errorf("put over the limit: exit %d, stderr %q", c.code, c.stderr)
	}
	// A regular file and standard input still work.
	c = runCLI(t, "print('ok')", "session", "put", "--sessions-dir", sessions, "s1", "-", "ok.py")
	c.want(t, exitOK)
}
