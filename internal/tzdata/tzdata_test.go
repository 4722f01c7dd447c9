package tzdata

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/testenv"
)

var home string

func TestMain(m *testing.M) {
	home = testenv.Home()
	os.Exit(m.Run())
}

func TestBase60(t *testing.T) {
	for in, want := range map[string]float64{
		"0": 0, "a": 10, "X": 59, "10": 60, "-10": -60, "4U.2": 4*60 + 56 + 2.0/60, "-.U": -56.0 / 60,
	} {
		got, err := base60(in)
		if err != nil || got != want {
			t.Errorf("base60(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-", "1Y", "1.Z", "a b", strings.Repeat("1", 17)} {
		if _, err := base60(in); err == nil {
			t.Errorf("base60(%q) accepted", in)
		}
	}
}

// packed is a small database in the pinned format: a zone with LMT, then
// standard and daylight time, and a fixed-offset zone with a link.
const packed = `{"version":"2099z","zones":[
 "Test/Zone|LMT STD DST|4U.2 50 40|0121|-1Eu.2 1Eu.2 8c0|12e5",
 "Test/Fixed|+0530|-5u|0||"],
 "links":["Test/Fixed|Test/Alias"]}`

func TestDecodeAndEncode(t *testing.T) {
	db, err := Decode([]byte(packed))
	if err != nil {
		t.Fatal(err)
	}
	if db.Version != "2099z" || len(db.Zones) != 2 || db.Links["Test/Alias"] != "Test/Fixed" {
		t.Fatalf("decoded %+v", db)
	}
	z := db.Zones[0]
	// LMT is 4:56:02 west; the untils are minutes, then differences.
	if z.Periods[0] != (Period{"LMT", -(4*3600 + 56*60 + 2)}) || z.Periods[2] != (Period{"DST", -4 * 3600}) {
		t.Fatalf("periods %+v", z.Periods)
	}
	// -1Eu.2 minutes is -(1*3600 + 40*60 + 30 + 2/60) minutes; 8c0 is
	// 8*3600 + 12*60 minutes later.
	first := -int64((1*3600+40*60+30)*60 + 2)
	if z.Untils[0] != first || z.Untils[1] != 0 || z.Untils[2] != int64(8*3600+12*60)*60 {
		t.Fatalf("untils %v", z.Untils)
	}

	b, err := TZif(z)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocationFromTZData(z.Name, b)
	if err != nil {
		t.Fatalf("Go cannot read the TZif: %v", err)
	}
	for _, c := range []struct {
		at   int64
		abbr string
		off  int
	}{
		{first - 1, "LMT", -(4*3600 + 56*60 + 2)},
		{first, "STD", -5 * 3600},
		{-1, "STD", -5 * 3600},
		{0, "DST", -4 * 3600},
		{z.Untils[2] - 1, "DST", -4 * 3600},
		{z.Untils[2], "STD", -5 * 3600},
		{1 << 40, "STD", -5 * 3600},
	} {
		name, off := time.Unix(c.at, 0).In(loc).Zone()
		if name != c.abbr || off != c.off {
			t.Errorf("at %d: %s %d, want %s %d", c.at, name, off, c.abbr, c.off)
		}
	}
	// The daylight period (between two standard ones) is flagged as DST.
	if !strings.Contains(string(b), "DST") || b[4] != '2' {
		t.Fatalf("not a version 2 TZif: %q", b[:5])
	}
	if !time.Unix(1, 0).In(loc).IsDST() || time.Unix(-1, 0).In(loc).IsDST() {
		t.Fatal("DST flags wrong")
	}
}

func TestDecodeRefusesMalformedData(t *testing.T) {
	for name, in := range map[string]string{
		"not json":        `{`,
		"no zones":        `{"version":"x","zones":[]}`,
		"dot-dot name":    `{"version":"x","zones":["../etc|UTC|0|0||"]}`,
		"absolute name":   `{"version":"x","zones":["/etc|UTC|0|0||"]}`,
		"bad index":       `{"version":"x","zones":["A/B|UTC|0|1||"]}`,
		"untils mismatch": `{"version":"x","zones":["A/B|UTC|0|0|10|"]}`,
		"going back":      `{"version":"x","zones":["A/B|X Y|0 10|010|10 -5|"]}`,
		"dangling link":   `{"version":"x","zones":["A/B|UTC|0|0||"],"links":["A/C|D/E"]}`,
		"link over zone":  `{"version":"x","zones":["A/B|UTC|0|0||","A/C|UTC|0|0||"],"links":["A/B|A/C"]}`,
		"huge offset":     `{"version":"x","zones":["A/B|UTC|1000|0||"]}`,
	} {
		if _, err := Decode([]byte(in)); !errors.Is(err, ErrData) {
			t.Errorf("%s: err = %v, want ErrData", name, err)
		}
	}
}

// The tree built from the pinned data agrees with Go's own zone data on
// the well-settled years of widely used zones, and every file is TZif.
func TestPinnedDataAgreesWithGo(t *testing.T) {
	dir, err := Ensure(context.Background(), home, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dir != Dir(home) {
		t.Fatalf("dir %s, want %s", dir, Dir(home))
	}
	files := 0
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "tzdata.version" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(dir, p)
		if _, err := time.LoadLocationFromTZData(name, b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 590 {
		t.Fatalf("%d zone files, want about 600 (zones and links)", files)
	}
	for _, name := range []string{
		"America/New_York", "America/Los_Angeles", "America/Chicago", "America/Sao_Paulo",
		"Europe/London", "Europe/Berlin", "Europe/Paris", "Asia/Tokyo", "Asia/Kolkata",
		"Asia/Kathmandu", "Asia/Shanghai", "Australia/Sydney", "Australia/Lord_Howe",
		"Pacific/Auckland", "Africa/Cairo", "UTC", "US/Eastern",
	} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		ours, err := time.LoadLocationFromTZData(name, b)
		if err != nil {
			t.Fatal(err)
		}
		goes, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("this machine's Go has no zone data for %s: %v", name, err)
		}
		for at := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2023; at = at.Add(97 * time.Hour) {
			n1, o1 := at.In(ours).Zone()
			n2, o2 := at.In(goes).Zone()
			if n1 != n2 || o1 != o2 {
				t.Fatalf("%s at %s: ours %s %d, Go's %s %d", name, at, n1, o1, n2, o2)
			}
		}
	}
}

func TestEnsureWithoutInstallSaysHow(t *testing.T) {
	_, err := Ensure(context.Background(), t.TempDir(), false, nil)
	if !errors.Is(err, runtimes.ErrNotInstalled) || !strings.Contains(err.Error(), "runtimes install") {
		t.Fatalf("err = %v", err)
	}
}
