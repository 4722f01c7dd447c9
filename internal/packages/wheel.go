package packages

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Python sets: pure-Python wheels unpacked by our own reader (no pip, no
// code of the wheel runs on the host), bounded in entries and bytes and
// confined to the set's site directory.

// Bounds on one wheel.
const (
	maxWheelEntries   = 50_000
	maxWheelFileBytes = 256 << 20
	maxWheelBytes     = 1 << 30
	maxWheelPathBytes = 1024
	maxWheelDepth     = 64
)

// Wheel is what a wheel's file name says.
type Wheel struct {
	Dist, Version, Tag string
}

// wheelName matches NAME-VERSION(-BUILD)?-PY-ABI-PLATFORM.whl.
var wheelName = regexp.MustCompile(`^([A-Za-z0-9_.]+)-([A-Za-z0-9_.!+]+)(-[0-9][A-Za-z0-9_.]*)?-([A-Za-z0-9_.]+)-([A-Za-z0-9_.]+)-([A-Za-z0-9_.]+)\.whl$`)

// ParseWheelName reads a wheel's file name and refuses one that is not
// pure Python for Python 3: its tag must be py3 (or py2.py3, py3N up to
// py312) with ABI none and platform any.
func ParseWheelName(file string) (Wheel, error) {
	m := wheelName.FindStringSubmatch(filepath.Base(file))
	if m == nil {
		return Wheel{}, fmt.Errorf("%w: %s is not named like a wheel (NAME-VERSION-PYTHON-ABI-PLATFORM.whl)", ErrRefused, filepath.Base(file))
	}
	w := Wheel{Dist: m[1], Version: m[2], Tag: m[4] + "-" + m[5] + "-" + m[6]}
	pyOK := false
	for _, py := range strings.Split(m[4], ".") {
		if v, ok := strings.CutPrefix(py, "py3"); ok {
			if n, err := strconv.Atoi(v); v == "" || err == nil && n <= 12 {
				pyOK = true
			}
		}
	}
	if !pyOK || m[5] != "none" || m[6] != "any" {
		return w, fmt.Errorf("%w: %s has the tag %s, not a pure-Python one (py3-none-any): it holds compiled code for one platform, which cannot run in the WebAssembly sandbox; only pure-Python wheels can be installed",
			ErrRefused, filepath.Base(file), w.Tag)
	}
	return w, nil
}

// AddWheels unpacks each wheel file into set's site directory, replacing
// an installed distribution of the same name. Every wheel is checked
// before anything changes.
func AddWheels(ctx context.Context, home, set string, files []string) ([]Wheel, error) {
	var wheels []Wheel
	for _, f := range files {
		w, err := ParseWheelName(f)
		if err != nil {
			return nil, err
		}
		wheels = append(wheels, w)
	}
	err := update(ctx, home, Python, set, func(cur, stage string) error {
		site := filepath.Join(stage, "site")
		if err := copyTree(filepath.Join(cur, "site"), site); err != nil {
			return err
		}
		if err := os.MkdirAll(site, 0o755); err != nil {
			return err
		}
		for i, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := removeDist(site, wheels[i].Dist); err != nil && !errors.Is(err, ErrNoSet) {
				return err
			}
			if err := unpackWheel(f, site); err != nil {
				return err
			}
		}
		return nil
	})
	return wheels, err
}

// RemovePython removes the named distributions from set.
func RemovePython(ctx context.Context, home, set string, names []string) error {
	if !Exists(home, Python, set) {
		return fmt.Errorf("%w: python set %q", ErrNoSet, set)
	}
	return update(ctx, home, Python, set, func(cur, stage string) error {
		site := filepath.Join(stage, "site")
		if err := copyTree(filepath.Join(cur, "site"), site); err != nil {
			return err
		}
		for _, n := range names {
			if err := removeDist(site, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// unpackWheel extracts the wheel at file into site.
func unpackWheel(file, site string) error {
	name := filepath.Base(file)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrRefused, name, fmt.Sprintf(format, a...))
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		return bad("not a readable zip archive (%v)", err)
	}
	defer zr.Close()
	if len(zr.File) > maxWheelEntries {
		return bad("holds %d entries, more than %d", len(zr.File), maxWheelEntries)
	}
	root, err := os.OpenRoot(site)
	if err != nil {
		return err
	}
	defer root.Close()

	var total int64
	pure := false
	for _, f := range zr.File {
		rel, skip, err := wheelTarget(f.Name)
		if err != nil {
			return bad("entry %q: %v", f.Name, err)
		}
		if f.Mode()&fs.ModeSymlink != 0 || f.Mode()&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice) != 0 {
			return bad("entry %q is a symbolic link or special file, which a wheel must not hold", f.Name)
		}
		if skip || rel == "" {
			continue
		}
		if ext := path.Ext(rel); ext == ".so" || ext == ".pyd" || ext == ".dylib" || ext == ".dll" {
			return bad("holds the compiled extension module %q, which cannot run in the WebAssembly sandbox; only pure-Python wheels can be installed", f.Name)
		}
		if f.FileInfo().IsDir() || strings.HasSuffix(f.Name, "/") {
			if err := root.MkdirAll(rel, 0o755); err != nil {
				return bad("creating %q: %v", rel, err)
			}
			continue
		}
		if f.UncompressedSize64 > maxWheelFileBytes {
			return bad("entry %q is %d bytes, more than %d", f.Name, f.UncompressedSize64, maxWheelFileBytes)
		}
		if dir := path.Dir(rel); dir != "." {
			if err := root.MkdirAll(dir, 0o755); err != nil {
				return bad("creating %q: %v", dir, err)
			}
		}
		n, err := extractOne(root, f, rel, min(maxWheelFileBytes, maxWheelBytes-total))
		if err != nil {
			return bad("%v", err)
		}
		total += n
		if strings.HasSuffix(rel, ".dist-info/WHEEL") && strings.Count(rel, "/") == 1 {
			pure = wheelIsPure(root, rel)
		}
	}
	if !pure {
		return bad("its .dist-info/WHEEL does not say Root-Is-Purelib: true, so it is not a pure-Python wheel")
	}
	return nil
}

// extractOne copies entry f to rel under root, reading at most limit bytes
// whatever the entry's header claims.
func extractOne(root *os.Root, f *zip.File, rel string, limit int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("entry %q: %v", f.Name, err)
	}
	defer rc.Close()
	out, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, fmt.Errorf("writing %q: %v", rel, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("entry %q: %v", f.Name, err)
	}
	if n > limit {
		return n, fmt.Errorf("entry %q unpacks to more than %d bytes (the wheel's limits are %d bytes a file and %d in all)", f.Name, limit, int64(maxWheelFileBytes), int64(maxWheelBytes))
	}
	return n, nil
}

// wheelTarget maps a wheel entry name to its path under the site
// directory: the .data/purelib and .data/platlib trees go to the top, the
// other .data trees (scripts, headers, data) are skipped. Names that are
// absolute, climb out with "..", or are otherwise malformed are errors.
func wheelTarget(name string) (rel string, skip bool, err error) {
	switch {
	case len(name) > maxWheelPathBytes:
		return "", false, fmt.Errorf("name longer than %d bytes", maxWheelPathBytes)
	case strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/"):
		return "", false, errors.New("absolute name, backslash or NUL byte")
	}
	clean := strings.TrimSuffix(name, "/")
	parts := strings.Split(clean, "/")
	if len(parts) > maxWheelDepth {
		return "", false, fmt.Errorf("nested more than %d levels", maxWheelDepth)
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." || strings.Contains(p, ":") {
			return "", false, errors.New(`empty, ".", ".." or drive-letter path component`)
		}
	}
	if strings.HasSuffix(parts[0], ".data") {
		if len(parts) < 2 || (parts[1] != "purelib" && parts[1] != "platlib") {
			return "", true, nil
		}
		parts = parts[2:]
	}
	return strings.Join(parts, "/"), false, nil
}

// wheelIsPure reads Root-Is-Purelib from the WHEEL file at rel.
func wheelIsPure(root *os.Root, rel string) bool {
	f, err := root.Open(rel)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 64<<10))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "Root-Is-Purelib") {
			return strings.EqualFold(strings.TrimSpace(v), "true")
		}
	}
	return false
}

// normalizeDist is the PEP 503 normalised form of a distribution name.
func normalizeDist(n string) string {
	return strings.ToLower(distSeparators.ReplaceAllString(n, "-"))
}

var distSeparators = regexp.MustCompile(`[-_.]+`)

// distInfos maps the normalised distribution names in site to their
// .dist-info directories.
func distInfos(site string) map[string]string {
	out := map[string]string{}
	ents, _ := os.ReadDir(site)
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".dist-info"); ok && e.IsDir() {
			dist, _, _ := strings.Cut(n, "-")
			out[normalizeDist(dist)] = e.Name()
		}
	}
	return out
}

// removeDist removes the files that distribution name's RECORD lists, its
// .dist-info directory, and the directories left empty.
func removeDist(site, name string) error {
	infos := distInfos(site)
	di, ok := infos[normalizeDist(name)]
	if !ok {
		return fmt.Errorf("%w: %q is not installed (installed: %s)", ErrNoSet, name, strings.Join(sortedKeys(infos), ", "))
	}
	root, err := os.OpenRoot(site)
	if err != nil {
		return err
	}
	defer root.Close()
	dirs := map[string]bool{}
	for _, rel := range recordFiles(root, di) {
		if root.Remove(rel) == nil {
			for d := path.Dir(rel); d != "."; d = path.Dir(d) {
				dirs[d] = true
			}
		}
	}
	// Deepest first, so parents empty out; __pycache__ goes with its files.
	ds := sortedKeys(dirs)
	slices.SortFunc(ds, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range ds {
		_ = root.RemoveAll(path.Join(d, "__pycache__"))
		_ = root.Remove(d)
	}
	return os.RemoveAll(filepath.Join(site, di))
}

// recordFiles lists the site-relative files of a .dist-info's RECORD
// that are safe to name (no "..", not absolute).
func recordFiles(root *os.Root, di string) []string {
	f, err := root.Open(path.Join(di, "RECORD"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(io.LimitReader(f, 64<<20))
	for sc.Scan() && len(out) < maxWheelEntries {
		name, _, _ := strings.Cut(sc.Text(), ",")
		name = strings.Trim(name, `"`)
		if rel, skip, err := wheelTarget(name); err == nil && !skip && rel != "" {
			out = append(out, rel)
		}
	}
	return out
}
