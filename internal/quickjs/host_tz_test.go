package quickjs

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox/internal/tzdata"
)

// Zones come from the directory's TZif files; names from the guest cannot
// leave it.
func TestZoneFromDirectory(t *testing.T) {
	dir := t.TempDir()
	b, err := tzdata.TZif(tzdata.Zone{Name: "Test/Zone", Periods: []tzdata.Period{{Abbr: "TST", Offset: 3600}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "Test"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Test", "Zone"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "Outside"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	loc := zone(dir, "Test/Zone")
	if loc == nil {
		t.Fatal("Test/Zone not found")
	}
	if name, off := time.Unix(0, 0).In(loc).Zone(); name != "TST" || off != 3600 {
		t.Fatalf("Test/Zone is %s %d", name, off)
	}
	for _, bad := range []string{"", "Local", "../Outside", "Test/../../Outside", "/etc/localtime", "Test//Zone", ".hidden", "a/b/c/d", "Test/Zone\x00"} {
		if zone(dir, bad) != nil {
			t.Errorf("zone(%q) found something", bad)
		}
	}
	if zone(dir, "America/New_York") != nil {
		t.Error("a zone missing from the directory came from elsewhere")
	}
}
