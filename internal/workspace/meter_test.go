package workspace

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMeter(t *testing.T) {
	old := WatchInterval
	WatchInterval = time.Hour // the meter alone
	t.Cleanup(func() { WatchInterval = old })
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a"), make([]byte, 600), 0o644); err != nil {
		t.Fatal(err)
	}
	stops := 0
	w := Watch(dir, 1000, "", 0, func() { stops++ })
	m := w.Meter(600, 1)
	if !m.Add(300, 1) {
		t.Fatal("refused a change under the limit")
	}
	// The estimate (600+300+300) is over, but the workspace holds 600: the
	// meter measures and lets the change through.
	if !m.Add(300, 0) || stops != 0 {
		t.Fatal("refused a change the workspace has room for")
	}
	// Now the file really grows; the next change would go over.
	if err := os.WriteFile(filepath.Join(dir, "a"), make([]byte, 900), 0o644); err != nil {
		t.Fatal(err)
	}
	if m.Add(200, 0) || stops != 1 {
		t.Fatalf("a change over the limit was allowed (stops %d)", stops)
	}
	if m.Add(1, 0) || stops != 1 {
		t.Fatal("a stopped meter allowed a change, or stopped twice")
	}
	if use := w.Stop(); use.Bytes != 1100 || use.Entries != 1 {
		t.Fatalf("recorded %+v", use)
	}
}

// TestUnmeteredPause: where no meter sees the writes, a slow walk cannot
// stretch the pause between walks past MaxUnmeteredPause.
func TestUnmeteredPause(t *testing.T) {
	if p := nextPause(5*time.Second, false); p != 50*time.Second {
		t.Errorf("metered pause after a 5 s walk = %s", p)
	}
	if p := nextPause(5*time.Second, true); p != MaxUnmeteredPause {
		t.Errorf("unmetered pause after a 5 s walk = %s", p)
	}
	if p := nextPause(time.Millisecond, true); p != WatchInterval {
		t.Errorf("unmetered pause after a quick walk = %s", p)
	}
}
