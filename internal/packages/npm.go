package packages

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// JavaScript sets: the ordinary npm client installs into a staging copy
// of the set's package.json and package-lock.json, never running a
// package's install scripts.

// npmSpec matches NAME or NAME@VERSION, where NAME is an npm package name
// (scoped or not) and VERSION a version, range or tag: no URLs, paths or
// git references, so npm fetches only from its configured registry.
var npmSpec = regexp.MustCompile(`^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*(@[A-Za-z0-9._^~<>=*|+ -]+)?$`)

// CheckNPMSpec says what is wrong with an npm package spec, or "" if nothing.
func CheckNPMSpec(spec string) string {
	if len(spec) > 214 || !npmSpec.MatchString(spec) {
		return "is not NAME or NAME@VERSION (a registry package such as lodash or dayjs@1.11.13; paths, URLs and git references are not accepted)"
	}
	return ""
}

// AddJS installs specs (NAME[@VERSION]) into set with npm, keeping the
// set's earlier packages. progress, if not nil, receives npm's output as
// it runs.
func AddJS(ctx context.Context, home, set string, specs []string, progress io.Writer) error {
	for _, s := range specs {
		if r := CheckNPMSpec(s); r != "" {
			return fmt.Errorf("%w: %q %s", ErrRefused, s, r)
		}
	}
	if len(specs) == 0 {
		return fmt.Errorf("%w: name at least one package", ErrRefused)
	}
	return update(ctx, home, JavaScript, set, func(cur, stage string) error {
		if err := seedNPM(cur, stage, set); err != nil {
			return err
		}
		return npm(ctx, stage, progress, append([]string{"install"}, specs...)...)
	})
}

// RemoveJS uninstalls names from set with npm.
func RemoveJS(ctx context.Context, home, set string, names []string, progress io.Writer) error {
	if !Exists(home, JavaScript, set) {
		return fmt.Errorf("%w: javascript set %q", ErrNoSet, set)
	}
	deps, err := directDeps(Dir(home, JavaScript, set))
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, ok := deps[n]; !ok {
			return fmt.Errorf("%w: %q is not installed in javascript set %q (installed: %s)", ErrRefused, n, set, strings.Join(sortedKeys(deps), ", "))
		}
	}
	return update(ctx, home, JavaScript, set, func(cur, stage string) error {
		if err := seedNPM(cur, stage, set); err != nil {
			return err
		}
		return npm(ctx, stage, progress, append([]string{"uninstall"}, names...)...)
	})
}

// seedNPM starts stage from cur's package.json and lock file, or a new
// private package.json.
func seedNPM(cur, stage, set string) error {
	copied := false
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(cur, f))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(stage, f), b, 0o644); err != nil {
			return err
		}
		copied = copied || f == "package.json"
	}
	if copied {
		return nil
	}
	pj := fmt.Sprintf(`{"name": "wasmsandbox-packages-%s", "private": true, "description": "wasmsandbox JavaScript package set %s"}`+"\n", strings.ReplaceAll(set, ".", "-"), set)
	return os.WriteFile(filepath.Join(stage, "package.json"), []byte(pj), 0o644)
}

// npm runs the npm client in dir with args (after fixed flags that keep
// install scripts, audits and binary links out).
func npm(ctx context.Context, dir string, progress io.Writer, args ...string) error {
	bin, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("%w: npm is not installed on this host (install Node.js and npm, then run the command again)", ErrTool)
	}
	full := append([]string{args[0],
		"--prefix", dir,
		"--ignore-scripts", "--no-audit", "--no-fund", "--no-bin-links",
		"--no-update-notifier", "--loglevel=error", "--install-strategy=hoisted",
		"--package-lock=true", "--save", "--"}, args[1:]...)
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	if msg, err := runTool(ctx, cmd, progress); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: npm %s: %w", ErrTool, args[0], ctx.Err())
		}
		return fmt.Errorf("%w: npm %s %s failed (%v):\n%s\ncheck the package names and versions, and that this host can reach the npm registry (npm's own configuration applies)",
			ErrTool, args[0], strings.Join(args[1:], " "), err, msg)
	}
	return nil
}

// toolTail is how much of a failed tool's output an error quotes: its
// end, where npm and pip say what went wrong.
const toolTail = 2000

// runTool runs cmd with its output copied to progress (when not nil) and
// returns the last toolTail bytes of that output, trimmed, for the error
// when cmd fails.
func runTool(ctx context.Context, cmd *exec.Cmd, progress io.Writer) (string, error) {
	tail := &tailWriter{max: toolTail}
	w := io.Writer(tail)
	if progress != nil {
		w = io.MultiWriter(w, progress)
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	msg := strings.TrimSpace(string(tail.b))
	if tail.cut {
		msg = "..." + msg
	}
	return msg, err
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	b   []byte
	max int
	cut bool
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
		t.cut = true
	}
	return len(p), nil
}

// directDeps reads the dependencies of dir's package.json.
func directDeps(dir string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	var pj struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pj); err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, "package.json"), err)
	}
	if pj.Dependencies == nil {
		pj.Dependencies = map[string]string{}
	}
	return pj.Dependencies, nil
}

// listJS lists the packages under dir/node_modules (top level and scoped).
func listJS(dir string) ([]Package, error) {
	deps, err := directDeps(dir)
	if err != nil {
		return nil, err
	}
	nm := filepath.Join(dir, "node_modules")
	var pkgDirs []string
	ents, _ := os.ReadDir(nm)
	for _, e := range ents {
		switch {
		case strings.HasPrefix(e.Name(), "."):
		case strings.HasPrefix(e.Name(), "@") && e.IsDir():
			sub, _ := os.ReadDir(filepath.Join(nm, e.Name()))
			for _, s := range sub {
				pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name(), s.Name()))
			}
		case e.IsDir():
			pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name()))
		}
	}
	var out []Package
	for _, d := range pkgDirs {
		b, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var pj struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Gypfile bool   `json:"gypfile"`
		}
		if json.Unmarshal(b, &pj) != nil || pj.Name == "" {
			continue
		}
		p := Package{Name: pj.Name, Version: pj.Version}
		_, p.Direct = deps[pj.Name]
		if _, err := os.Stat(filepath.Join(d, "binding.gyp")); err == nil || pj.Gypfile {
			p.Note = "has a native addon, which cannot load in the sandbox"
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Package) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
