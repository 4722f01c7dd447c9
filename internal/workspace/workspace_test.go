package workspace

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

// deepDir is a workspace-relative directory whose host path is longer than
// PATH_MAX once a workspace's host path is prefixed, though the guest path
// itself is not: a walk by host path fails there with ENAMETOOLONG.
var deepDir = func() string {
	p := "."
	for range 16 {
		p += "/" + strings.Repeat("d", 250)
	}
	return p + "/" + strings.Repeat("e", 60)
}()

func TestWorkspaceScanDeepPath(t *testing.T) {
	ws := t.TempDir()
	r, err := os.OpenRoot(ws)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.MkdirAll(deepDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile(deepDir+"/big.bin", make([]byte, 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile("top.txt", []byte("hi"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n := len(ws) + len(deepDir); n < 4096 {
		t.Fatalf("host path of %d bytes is not past PATH_MAX", n)
	}

	s, err := Snapshot(ws)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	deepFile := path.Clean(deepDir + "/big.bin")
	if fs, ok := s.Files[deepFile]; !ok || fs.Size != 3000 || len(s.Files) != 2 {
		t.Errorf("snapshot files = %d entries, deep file %+v %v", len(s.Files), fs, ok)
	}
	if s.Bytes != 3002 || s.Entries != 17+2 {
		t.Errorf("snapshot bytes = %d, entries = %d; want 3002, 19", s.Bytes, s.Entries)
	}
	if n, err := Size(ws); err != nil || n != 3002 {
		t.Errorf("workspaceSize = %d, %v; want 3002", n, err)
	}
}

func TestWorkspaceScanTooDeepFails(t *testing.T) {
	ws := t.TempDir()
	r, err := os.OpenRoot(ws)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.MkdirAll(strings.Repeat("a/", MaxDepth+1), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Snapshot(ws); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("snapshot of a too deep tree = %v, want an error", err)
	}
	if _, err := Size(ws); err == nil {
		t.Error("workspaceSize of a too deep tree did not fail")
	}
}

func TestDiffSnapshotsCapped(t *testing.T) {
	before, after := map[string]FileState{}, map[string]FileState{}
	for i := range MaxFilesListed + 5 {
		before[fmt.Sprintf("gone%05d", i)] = FileState{Size: 1}
		after[fmt.Sprintf("new%05d", i)] = FileState{Size: 1}
	}
	before["same"], after["same"] = FileState{Size: 1}, FileState{Size: 1}
	before["changed"], after["changed"] = FileState{Size: 1}, FileState{Size: 2}
	c, m, d, cut := Diff(before, after)
	if len(c) != MaxFilesListed || len(d) != MaxFilesListed || !cut || !slices.IsSorted(c) || c[0] != "new00000" {
		t.Errorf("created %d, deleted %d, truncated %v", len(c), len(d), cut)
	}
	if len(m) != 1 || m[0] != "changed" {
		t.Errorf("modified = %v", m)
	}
	if _, _, _, cut := Diff(map[string]FileState{}, map[string]FileState{"a": {}}); cut {
		t.Error("a short diff is marked truncated")
	}
}
