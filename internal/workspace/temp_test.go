package workspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestTempWorkspacesOfDeadProcessesAreCleaned(t *testing.T) {
	dir := t.TempDir()
	live, release, err := NewTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	// A workspace whose process was killed: its lock file is there, but no
	// one holds it (a child process made it and died without cleaning up).
	dead := filepath.Join(dir, tempPrefix+"dead")
	if err := os.MkdirAll(filepath.Join(dead, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dead+lockSuffix, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A child holds a lock on a third one while we clean.
	held := filepath.Join(dir, tempPrefix+"held")
	if err := os.Mkdir(held, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(held+lockSuffix, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("flock", held+lockSuffix, "sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Skipf("no flock command: %v", err)
	}
	defer cmd.Process.Kill()
	waitHeld(t, held+lockSuffix)

	if n := CleanTemps(dir); n != 1 {
		t.Errorf("CleanTemps removed %d, want 1", n)
	}
	for path, want := range map[string]bool{live: true, dead: false, dead + lockSuffix: false, held: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
	release()
	if _, err := os.Stat(live); !os.IsNotExist(err) {
		t.Errorf("release left %s", live)
	}
}

// waitHeld waits until someone holds the lock on name.
func waitHeld(t *testing.T, name string) {
	t.Helper()
	for range 500 {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := holdLock(f)
		f.Close()
		if !got {
			return
		}
		exec.Command("sleep", "0.01").Run()
	}
	t.Fatal("the child never took the lock")
}

// Making temporary workspaces while another process cleans never fails and
// never loses one: the cleaner only sees lock files that are held.
func TestNewTempRacesWithCleanTemps(t *testing.T) {
	if !canLock {
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				CleanTemps(dir)
			}
		}
	}()
	for i := range 2000 {
		ws, release, err := NewTemp(dir)
		if err != nil {
			t.Fatalf("NewTemp %d: %v", i, err)
		}
		if fi, err := os.Stat(ws); err != nil || !fi.IsDir() {
			t.Fatalf("workspace %d vanished: %v", i, err)
		}
		release()
	}
	close(stop)
	<-done
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left %d entries", len(ents))
	}
}
