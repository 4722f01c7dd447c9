package packages

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zipEntry is one entry of a test archive.
type zipEntry struct {
	name, body string
	mode       fs.FileMode
}

// writeWheel writes a wheel named file in dir with entries, plus a
// WHEEL file saying Root-Is-Purelib: true unless noWheel.
func writeWheel(t *testing.T, dir, file string, entries []zipEntry, noWheel bool) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if !noWheel {
		w, _ := ParseWheelName(file)
		entries = append(entries, zipEntry{name: w.Dist + "-" + w.Version + ".dist-info/WHEEL", body: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"})
	}
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	zw.Close()
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseWheelName(t *testing.T) {
	for _, ok := range []string{"tabulate-0.9.0-py3-none-any.whl", "six-1.16.0-py2.py3-none-any.whl", "x-1-1build-py312-none-any.whl", "a_b-2.0.post1-py38-none-any.whl"} {
		if _, err := ParseWheelName(ok); err != nil {
			t.Errorf("ParseWheelName(%s): %v", ok, err)
		}
	}
	for name, tag := range map[string]string{
		"numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.whl": "cp312-cp312-manylinux_2_17_x86_64",
		"old-1.0-py2-none-any.whl":                          "py2-none-any",
		"future-1.0-py313-none-any.whl":                     "py313-none-any",
		"abi3-1.0-cp38-abi3-any.whl":                        "cp38-abi3-any",
	} {
		_, err := ParseWheelName(name)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "tag "+tag) || !strings.Contains(err.Error(), "py3-none-any") {
			t.Errorf("ParseWheelName(%s) = %v, want a refusal naming %s", name, err, tag)
		}
	}
	if _, err := ParseWheelName("notawheel.zip"); !errors.Is(err, ErrRefused) {
		t.Errorf("ParseWheelName(notawheel.zip) = %v", err)
	}
}

func TestAddWheelsRefusesUnsafeArchives(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", 1<<20)
	cases := map[string]struct {
		entries []zipEntry
		noWheel bool
		want    string
	}{
		"zip slip":        {entries: []zipEntry{{name: "../outside", body: "pwned"}}, want: `".."`},
		"deep zip slip":   {entries: []zipEntry{{name: "pkg/../../outside", body: "pwned"}}, want: `".."`},
		"absolute":        {entries: []zipEntry{{name: "/tmp/outside", body: "pwned"}}, want: "absolute"},
		"backslash":       {entries: []zipEntry{{name: `..\outside`, body: "pwned"}}, want: "backslash"},
		"symlink":         {entries: []zipEntry{{name: "pkg/link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, want: "symbolic link"},
		"not pure":        {entries: []zipEntry{{name: "pkg/__init__.py"}}, noWheel: true, want: "Root-Is-Purelib"},
		"too deep":        {entries: []zipEntry{{name: strings.Repeat("d/", 70) + "f.py"}}, want: "nested more than"},
		"long name":       {entries: []zipEntry{{name: strings.Repeat("n", 2000)}}, want: "longer than"},
		"drive letter":    {entries: []zipEntry{{name: "C:/x.py"}}, want: "drive-letter"},
		"extension":       {entries: []zipEntry{{name: "x/_speedups.cpython-312-x86_64-linux-gnu.so", body: "\x7fELF"}}, want: "compiled extension module"},
		"data scripts ok": {entries: []zipEntry{{name: "x-1.data/scripts/run", body: "#!/bin/sh"}}, noWheel: true, want: "Root-Is-Purelib"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			whl := writeWheel(t, dir, "x-1-py3-none-any.whl", append([]zipEntry{{name: "x/__init__.py", body: big}}, c.entries...), c.noWheel)
			_, err := AddWheels(context.Background(), home, "default", []string{whl})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("AddWheels = %v, want a refusal mentioning %q", err, c.want)
			}
			// A slipped entry would land beside the staging directory (which
			// the refusal removes) or above it, in the home: look everywhere.
			for _, root := range []string{home, dir} {
				filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
					if err == nil && d.Name() == "outside" {
						t.Fatalf("the archive wrote %s", p)
					}
					return nil
				})
			}
			if Exists(home, Python, "default") {
				t.Error("a refused wheel left a set behind")
			}
		})
	}
}

// TestAddWheelsBoundsSize: an entry that unpacks past the limit is
// stopped by the bytes actually read, whatever its header says.
func TestAddWheelsBoundsSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 256 MiB through the extractor")
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "bomb/__init__.py", Method: zip.Deflate})
	chunk := make([]byte, 1<<20)
	for range maxWheelFileBytes>>20 + 1 {
		w.Write(chunk)
	}
	w2, _ := zw.Create("bomb-1.dist-info/WHEEL")
	w2.Write([]byte("Root-Is-Purelib: true\n"))
	zw.Close()
	whl := filepath.Join(dir, "bomb-1-py3-none-any.whl")
	os.WriteFile(whl, buf.Bytes(), 0o644)
	_, err := AddWheels(context.Background(), t.TempDir(), "default", []string{whl})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "bytes") {
		t.Fatalf("AddWheels = %v, want a size refusal", err)
	}
}

func TestAddListRemoveWheels(t *testing.T) {
	dir, home := t.TempDir(), t.TempDir()
	a := writeWheel(t, dir, "alpha-1.0-py3-none-any.whl", []zipEntry{
		{name: "alpha/__init__.py", body: "A = 1\n"},
		{name: "alpha-1.0.dist-info/METADATA", body: "Metadata-Version: 2.1\nName: Alpha\nVersion: 1.0\n\nbody: x\n"},
		{name: "alpha-1.0.dist-info/RECORD", body: "alpha/__init__.py,,\nalpha-1.0.dist-info/METADATA,,\n"},
		{name: "alpha-1.0.data/purelib/alpha_extra.py", body: "E = 2\n"},
		{name: "alpha-1.0.data/scripts/alpha", body: "#!/bin/sh\n"},
	}, false)
	b := writeWheel(t, dir, "beta-2.0-py3-none-any.whl", []zipEntry{
		{name: "beta.py", body: "B = 2\n"},
		{name: "beta-2.0.dist-info/RECORD", body: "beta.py,,\n"},
	}, false)
	if _, err := AddWheels(context.Background(), home, "default", []string{a, b}); err != nil {
		t.Fatal(err)
	}
	site := MountDir(home, Python, "default")
	for _, f := range []string{"alpha/__init__.py", "alpha_extra.py", "beta.py"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			t.Errorf("%s not unpacked: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(site, "alpha")); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(site, "*", "scripts")); len(m) > 0 {
		t.Errorf("scripts unpacked: %v", m)
	}
	pkgs, err := List(home, Python, "default")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 2 || pkgs[0].Name != "Alpha" || pkgs[0].Version != "1.0" || strings.Join(pkgs[0].Modules, ",") != "alpha" ||
		pkgs[1].Name != "beta" || strings.Join(pkgs[1].Modules, ",") != "beta" {
		t.Errorf("List = %+v", pkgs)
	}
	if err := RemovePython(context.Background(), home, "default", []string{"ALPHA"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(site, "alpha")); !os.IsNotExist(err) {
		t.Errorf("alpha left behind: %v", err)
	}
	// The swap leaves nothing behind but the set and its lock.
	ents, _ := os.ReadDir(Root(home, Python))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != ".default.lock,default" {
		t.Errorf("after the swap the sets' directory holds %v", names)
	}
	if err := RemovePython(context.Background(), home, "default", []string{"gamma"}); !errors.Is(err, ErrNoSet) || !strings.Contains(err.Error(), "installed: beta") {
		t.Errorf("removing a missing package: %v", err)
	}
	if err := RemoveSet(context.Background(), home, Python, "default"); err != nil || Exists(home, Python, "default") {
		t.Errorf("RemoveSet: %v", err)
	}
}

func TestPipDownloadMessages(t *testing.T) {
	ctx := context.Background()
	if _, err := PipDownload(ctx, []string{"--index-url=http://x"}, t.TempDir(), nil); !errors.Is(err, ErrRefused) {
		t.Errorf("an option as a name: %v", err)
	}
	// No pip at all.
	t.Setenv("PATH", t.TempDir())
	_, err := PipDownload(ctx, []string{"tabulate"}, t.TempDir(), nil)
	if !errors.Is(err, ErrTool) || !strings.Contains(err.Error(), "pip is not installed") || !strings.Contains(err.Error(), ".whl files") {
		t.Errorf("without pip: %v", err)
	}
}

func TestPipDownloadUnreachableIndex(t *testing.T) {
	path := os.Getenv("PATH")
	if p, _ := findPip(); p == "" {
		t.Skip("pip is not installed")
	}
	t.Setenv("PATH", path)
	t.Setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
	t.Setenv("PIP_NO_CACHE_DIR", "1")
	t.Setenv("PIP_CONFIG_FILE", os.DevNull)
	_, err := PipDownload(context.Background(), []string{"tabulate"}, t.TempDir(), nil)
	if !errors.Is(err, ErrTool) || !strings.Contains(err.Error(), ".whl files") {
		t.Fatalf("with an unreachable index: %v", err)
	}
	if !strings.Contains(err.Error(), "could not reach its package index") && !strings.Contains(err.Error(), "found no pure-Python wheel") {
		t.Errorf("the message does not say why: %v", err)
	}
}

func TestCheckNames(t *testing.T) {
	for _, ok := range []string{"lodash", "dayjs@1.11.13", "@scope/pkg@^2", "zod@latest", "uuid@>=9 <12"} {
		if r := CheckNPMSpec(ok); r != "" {
			t.Errorf("CheckNPMSpec(%q) = %s", ok, r)
		}
	}
	for _, bad := range []string{"-g", "--prefix=/", "git+ssh://x", "./dir", "/abs", "x@file:../y", "x@github:a/b", "Upper"} {
		if CheckNPMSpec(bad) == "" {
			t.Errorf("CheckNPMSpec(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "Default", "-x", "a/b", "..", strings.Repeat("a", 65)} {
		if CheckSetName(bad) == "" {
			t.Errorf("CheckSetName(%q) accepted", bad)
		}
	}
}

// A set name that is not one never names a directory, even an existing one.
func TestExistsRefusesPathsAsNames(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "packages", "python", "default", "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	if !Exists(home, Python, "default") {
		t.Fatal("the set itself is not found")
	}
	for _, bad := range []string{"../python/default", "./default", "/default", ""} {
		if Exists(home, JavaScript, bad) || Exists(home, Python, bad) {
			t.Errorf("Exists(%q) is true", bad)
		}
	}
}

// A failed tool's error quotes the end of its output, where the cause is,
// however much came before.
func TestToolTailKeepsTheEnd(t *testing.T) {
	var w tailWriter
	w.max = 10
	for range 1000 {
		w.Write([]byte("noise noise "))
	}
	w.Write([]byte("the cause"))
	if string(w.b) != " the cause" || !w.cut {
		t.Fatalf("kept %q (cut %v)", w.b, w.cut)
	}
}
