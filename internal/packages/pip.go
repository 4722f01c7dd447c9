package packages

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// pipSpec matches a requirement pip may resolve: a distribution name with
// an optional version specifier; no paths, URLs or options.
var pipSpec = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?([<>=!~]=?[A-Za-z0-9.*+!_-]+(,[<>=!~]=?[A-Za-z0-9.*+!_-]+)*)?$`)

// CheckPipSpec says what is wrong with a requirement, or "" if nothing.
func CheckPipSpec(spec string) string {
	if len(spec) > 200 || !pipSpec.MatchString(spec) {
		return "is not a wheel file or a requirement such as tabulate or tabulate==0.9.0"
	}
	return ""
}

// PipDownload fetches pure-Python wheels for specs, with their
// dependencies, into dir with the host's pip, asking only for wheels any
// CPython 3.12 can use (`--only-binary=:all: --platform any
// --python-version 3.12 --implementation py`). It returns the wheel files.
func PipDownload(ctx context.Context, specs []string, dir string, progress io.Writer) ([]string, error) {
	for _, s := range specs {
		if r := CheckPipSpec(s); r != "" {
			return nil, fmt.Errorf("%w: %q %s", ErrRefused, s, r)
		}
	}
	howto := "download pure-Python wheels (files named NAME-VERSION-py3-none-any.whl) on a machine that can reach a package index, and pass the .whl files to `wasmsandbox packages add --lang python` instead of names"
	pip, args := findPip()
	if pip == "" {
		return nil, fmt.Errorf("%w: pip is not installed on this host, so package names cannot be resolved; %s", ErrTool, howto)
	}
	args = append(args, "download", "--only-binary=:all:", "--platform", "any",
		"--python-version", "3.12", "--implementation", "py",
		"--disable-pip-version-check", "--no-input", "--retries", "1", "--timeout", "30",
		"--dest", dir, "--")
	args = append(args, specs...)
	cmd := exec.CommandContext(ctx, pip, args...)
	cmd.Dir = dir
	if msg, err := runTool(ctx, cmd, progress); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: pip download: %w", ErrTool, ctx.Err())
		}
		why := "pip could not download them"
		if unreachable(msg) {
			why = "pip could not reach its package index"
		} else if strings.Contains(msg, "No matching distribution") || strings.Contains(msg, "Could not find a version") {
			why = "pip found no pure-Python wheel (py3-none-any) for them: a package with compiled code cannot run in the sandbox"
		}
		return nil, fmt.Errorf("%w: %s (%v):\n%s\n%s", ErrTool, why, err, msg, "Otherwise "+howto)
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".whl") {
			files = append(files, p)
		}
		return err
	})
	slices.Sort(files)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("%w: pip downloaded no wheels", ErrTool)
	}
	return files, err
}

// findPip finds pip: pip3 or pip on PATH, else python3 -m pip.
func findPip() (string, []string) {
	for _, name := range []string{"pip3", "pip"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("python3"); err == nil {
		if exec.Command(p, "-m", "pip", "--version").Run() == nil {
			return p, []string{"-m", "pip"}
		}
	}
	return "", nil
}

func unreachable(msg string) bool {
	for _, s := range []string{"NewConnectionError", "Failed to establish", "Connection refused", "Name or service not known",
		"Temporary failure in name resolution", "timed out", "Max retries exceeded", "ProxyError", "Network is unreachable", "SSLError"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// listPython lists the distributions installed in site.
func listPython(site string) ([]Package, error) {
	infos := distInfos(site)
	root, err := os.OpenRoot(site)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var out []Package
	for _, di := range infos {
		p := readMetadata(root, di)
		p.Direct = true
		p.Modules = topLevel(root, di)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Package) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// readMetadata reads Name and Version from a .dist-info's METADATA.
func readMetadata(root *os.Root, di string) Package {
	base := strings.TrimSuffix(di, ".dist-info")
	name, ver, _ := strings.Cut(base, "-")
	p := Package{Name: name, Version: ver}
	f, err := root.Open(di + "/METADATA")
	if err != nil {
		return p
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break // the headers end; the description follows
		}
		if v, ok := strings.CutPrefix(line, "Name: "); ok {
			p.Name = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(line, "Version: "); ok {
			p.Version = strings.TrimSpace(v)
		}
	}
	return p
}

// topLevel lists the importable top-level names a distribution installed:
// top_level.txt when present, else the first components of its RECORD.
func topLevel(root *os.Root, di string) []string {
	seen := map[string]bool{}
	if b, err := readSmall(root, di+"/top_level.txt"); err == nil {
		for _, l := range strings.Fields(string(b)) {
			if !strings.Contains(l, "/") {
				seen[l] = true
			}
		}
	} else {
		for _, rel := range recordFiles(root, di) {
			first, rest, nested := strings.Cut(rel, "/")
			switch {
			case strings.HasSuffix(first, ".dist-info") || first == "__pycache__" || strings.HasSuffix(first, ".pth"):
			case nested && rest != "":
				seen[first] = true
			case strings.HasSuffix(first, ".py"):
				seen[strings.TrimSuffix(first, ".py")] = true
			}
		}
	}
	return sortedKeys(seen)
}

func readSmall(root *os.Root, name string) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err == nil && len(b) == 0 {
		err = errors.New("empty")
	}
	return b, err
}

// copyTree copies the regular files and directories of src into dst
// (which need not exist); a missing src copies nothing. Symbolic links
// are not followed or copied.
func copyTree(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
