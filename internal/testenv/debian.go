package testenv

import (
	"archive/zip"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// DebianEnv, when set to 1, makes DebianWheels fail instead of skip when
// the Debian archive cannot be reached (CI sets it).
const DebianEnv = "WASMSANDBOX_TEST_DEBIAN"

// DebianWheels fetches the named Debian packages (real, pure-Python
// packages such as python3-tabulate) with `apt-get download`, extracts
// each with `dpkg-deb -x`, and packs its importable part
// (usr/lib/python3/dist-packages, without compiled extension modules) as a
// py3-none-any wheel in dir, whose
// paths it returns. It skips the test where apt-get or dpkg-deb is absent,
// and where the archive cannot be reached unless DebianEnv is 1.
func DebianWheels(t testing.TB, dir string, names ...string) []string {
	t.Helper()
	for _, tool := range []string{"apt-get", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: no Debian packages to test with", tool)
		}
	}
	debs := filepath.Join(dir, "debs")
	if err := os.MkdirAll(debs, 0o777); err != nil {
		t.Fatal(err)
	}
	// apt drops privileges to _apt for downloads; let it write here.
	_ = os.Chmod(debs, 0o777)
	cmd := exec.Command("apt-get", append([]string{"download", "-q"}, names...)...)
	cmd.Dir = debs
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := fmt.Sprintf("apt-get download %s: %v\n%s", strings.Join(names, " "), err, out)
		if os.Getenv(DebianEnv) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg + "(run `apt-get update` first, or set " + DebianEnv + "=1 to make this a failure)")
	}
	files, _ := filepath.Glob(filepath.Join(debs, "*.deb"))
	var wheels []string
	for _, deb := range files {
		root := filepath.Join(dir, "x", strings.TrimSuffix(filepath.Base(deb), ".deb"))
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
			t.Fatalf("dpkg-deb -x %s: %v\n%s", deb, err, out)
		}
		site := filepath.Join(root, "usr", "lib", "python3", "dist-packages")
		w, err := packWheel(site, dir)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(deb), err)
		}
		wheels = append(wheels, w)
	}
	return wheels
}

// packWheel packs the modules in site, described by the one .egg-info
// or .dist-info there, as a pure-Python wheel in dir.
func packWheel(site, dir string) (string, error) {
	ents, err := os.ReadDir(site)
	if err != nil {
		return "", err
	}
	dist, version := "", ""
	for _, e := range ents {
		base, egg := strings.CutSuffix(e.Name(), ".egg-info")
		base, di := strings.CutSuffix(base, ".dist-info")
		if egg || di {
			i := strings.LastIndex(base, "-")
			if i < 0 {
				return "", fmt.Errorf("cannot read %s", e.Name())
			}
			dist, version = strings.ReplaceAll(base[:i], "-", "_"), base[i+1:]
		}
	}
	if dist == "" {
		return "", fmt.Errorf("no .egg-info in %s", site)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-py3-none-any.whl", dist, version))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	var record strings.Builder
	err = filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(site, p)
		rel = filepath.ToSlash(rel)
		// Compiled extension modules (python3-yaml's _yaml) stay out: the
		// wheel holds the pure part.
		if strings.Contains(rel, ".egg-info") || strings.Contains(rel, ".dist-info") || strings.HasSuffix(rel, ".so") || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := zw.Create(rel)
		if err != nil {
			return err
		}
		record.WriteString(rel + ",,\n")
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	di := dist + "-" + version + ".dist-info/"
	for name, body := range map[string]string{
		"WHEEL":    "Wheel-Version: 1.0\nGenerator: wasmsandbox-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		"METADATA": "Metadata-Version: 2.1\nName: " + dist + "\nVersion: " + version + "\n",
		"RECORD":   record.String() + di + "WHEEL,,\n" + di + "METADATA,,\n" + di + "RECORD,,\n",
	} {
		w, err := zw.Create(di + name)
		if err != nil {
			return "", err
		}
		if _, err := w.Write([]byte(body)); err != nil {
			return "", err
		}
	}
	return path, zw.Close()
}
