// Package packages manages the package sets that executions may import
// from: JavaScript packages installed with the ordinary npm client and
// pure-Python wheels unpacked by our own bounded zip reader, each set a
// directory under the wasmsandbox home that executions see read-only.
//
// Layout, under HOME/packages:
//
//	javascript/SET/package.json, package-lock.json, node_modules/...
//	python/SET/site/...               (what the guest sees on sys.path)
//
// A set is changed by building its new content in a staging directory
// beside it and swapping it in (one atomic exchange on Linux, else two
// renames), under a lock, so that executions never see a half-installed
// set.
package packages

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// Lang is the language of a package set.
type Lang string

// The languages a package set can hold.
const (
	JavaScript Lang = "javascript"
	Python     Lang = "python"
)

// DefaultSet is the set that `packages add` fills when no --set is given.
const DefaultSet = "default"

// GuestRoot is where the guest sees package sets: set S at GuestRoot/S.
const GuestRoot = "/packages"

// MaxSets is how many package sets one execution may see.
const MaxSets = 8

// Errors of this package.
var (
	// ErrRefused: a package or archive that cannot be installed (a platform
	// wheel, an unsafe or oversized archive, a bad name).
	ErrRefused = errors.New("package refused")
	// ErrTool: the host's npm or pip is missing or failed.
	ErrTool = errors.New("package tool failed")
	// ErrNoSet: the named package set does not exist.
	ErrNoSet = errors.New("no such package set")
)

// SetNamePattern is what a set name must match.
const SetNamePattern = `^[a-z0-9][a-z0-9._-]{0,63}$`

var setName = regexp.MustCompile(SetNamePattern)

// CheckSetName says what is wrong with a set name, or "" if nothing.
func CheckSetName(name string) string {
	if !setName.MatchString(name) {
		return `must be 1 to 64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (such as "default")`
	}
	return ""
}

// ParseLang maps "javascript", "js", "python", "py" to a Lang.
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(s) {
	case "javascript", "js", "node":
		return JavaScript, nil
	case "python", "py", "python3":
		return Python, nil
	}
	return "", fmt.Errorf("%w: unknown language %q (use javascript or python)", ErrRefused, s)
}

// Root is the directory of every set of lang under home.
func Root(home string, lang Lang) string {
	return filepath.Join(home, "packages", string(lang))
}

// Dir is the directory of set under home.
func Dir(home string, lang Lang, set string) string {
	return filepath.Join(Root(home, lang), set)
}

// MountDir is the host directory the guest sees at GuestDir(set): for
// JavaScript the set itself (its node_modules inside), for Python its
// site directory.
func MountDir(home string, lang Lang, set string) string {
	if lang == Python {
		return filepath.Join(Dir(home, lang, set), "site")
	}
	return Dir(home, lang, set)
}

// GuestDir is where the guest sees set.
func GuestDir(set string) string { return GuestRoot + "/" + set }

// Exists reports whether set exists for lang under home.
func Exists(home string, lang Lang, set string) bool {
	if CheckSetName(set) != "" {
		return false // and never a path outside the sets
	}
	fi, err := os.Stat(MountDir(home, lang, set))
	return err == nil && fi.IsDir()
}

// Sets lists the sets of lang under home, sorted.
func Sets(home string, lang Lang) ([]string, error) {
	ents, err := os.ReadDir(Root(home, lang))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && CheckSetName(e.Name()) == "" && Exists(home, lang, e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// Package is one installed package of a set.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Modules, for Python, are the top-level names it makes importable.
	Modules []string `json:"modules,omitempty"`
	// Direct, for JavaScript, says it was asked for (not a dependency).
	Direct bool `json:"direct"`
	// Note says why it may not work in the sandbox (a native addon), if so.
	Note string `json:"note,omitempty"`
}

// List lists the packages of set, sorted by name.
func List(home string, lang Lang, set string) ([]Package, error) {
	if !Exists(home, lang, set) {
		return nil, fmt.Errorf("%w: %s set %q (create it with `wasmsandbox packages add --lang %s --set %s ...`)", ErrNoSet, lang, set, lang, set)
	}
	if lang == Python {
		return listPython(MountDir(home, lang, set))
	}
	return listJS(Dir(home, lang, set))
}

// RemoveSet deletes set entirely.
func RemoveSet(ctx context.Context, home string, lang Lang, set string) error {
	unlock, err := lockSet(ctx, home, lang, set)
	if err != nil {
		return err
	}
	defer unlock()
	dir := Dir(home, lang, set)
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("%w: %s set %q", ErrNoSet, lang, set)
	}
	old := dir + ".old-" + randomSuffix()
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// lockSet checks the set's name and takes its lock (beside it), waiting
// for another change.
func lockSet(ctx context.Context, home string, lang Lang, set string) (func(), error) {
	if r := CheckSetName(set); r != "" {
		return nil, fmt.Errorf("%w: set name %q %s", ErrRefused, set, r)
	}
	root := Root(home, lang)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	return runtimes.LockFile(ctx, filepath.Join(root, "."+set+".lock"), nil)
}

// update rebuilds set: build fills a fresh staging directory (given the
// current set directory, which may not exist), then the staging directory
// replaces the set.
func update(ctx context.Context, home string, lang Lang, set string, build func(cur, stage string) error) error {
	unlock, err := lockSet(ctx, home, lang, set)
	if err != nil {
		return err
	}
	defer unlock()
	dir := Dir(home, lang, set)
	stage := dir + ".stage-" + randomSuffix()
	if err := os.Mkdir(stage, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	if err := build(dir, stage); err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil && exchange(stage, dir) == nil {
		// The new set is in place and the old one where the stage was,
		// removed by the deferred RemoveAll.
		return nil
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = dir + ".old-" + randomSuffix()
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
