package tzdata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// treeVersion changes whenever the files Build writes would change for the
// same pinned data, so a new binary builds a fresh tree beside the old one.
const treeVersion = "1"

// Dir is where the TZif tree of the pinned data is built under home.
func Dir(home string) string {
	a := runtimes.TZData
	return filepath.Join(home, "tzdata", a.Version+"-"+a.FileSHA256[:12]+"-t"+treeVersion, "zoneinfo")
}

// Ensure returns the directory of TZif files built from the pinned data
// under home. On first use it builds the tree, installing the data with npm
// first when install is true (else a missing install is
// runtimes.ErrNotInstalled). The tree is built in a temporary directory and
// renamed into place under a lock, so a reader never sees half of it.
func Ensure(ctx context.Context, home string, install bool, progress io.Writer) (string, error) {
	dir := Dir(home)
	if complete(dir) {
		return dir, nil
	}
	a := runtimes.TZData
	info, err := runtimes.Status(home, a)
	if err != nil && !errors.Is(err, runtimes.ErrNotInstalled) {
		return "", err
	}
	if !info.Verified {
		if !install {
			return "", fmt.Errorf("%w: the time-zone data (%s) is not installed under %s; run `wasmsandbox runtimes install`", runtimes.ErrNotInstalled, a.Spec(), home)
		}
		if _, err := runtimes.Install(ctx, home, a, progress); err != nil {
			return "", err
		}
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", parent, err)
	}
	unlock, err := runtimes.LockFile(ctx, filepath.Join(parent, ".build.lock"), nil)
	if err != nil {
		return "", err
	}
	defer unlock()
	if complete(dir) {
		return dir, nil
	}
	data, err := runtimes.ReadVerified(a, a.Path(home))
	if err != nil {
		return "", err
	}
	db, err := Decode(data)
	if err != nil {
		return "", err
	}
	os.RemoveAll(dir)
	tmp, err := os.MkdirTemp(parent, ".zoneinfo-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := Build(tmp, db); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", fmt.Errorf("moving the time-zone tree into place: %w", err)
	}
	if err := os.WriteFile(dir+".complete", []byte(db.Version+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("marking the time-zone tree complete: %w", err)
	}
	return dir, nil
}

// complete reports whether the tree at dir was built to the end.
func complete(dir string) bool {
	st, err := os.Stat(dir + ".complete")
	return err == nil && st.Mode().IsRegular()
}

// Build writes one TZif file per zone and per link into dir, read-only,
// with the tzdb version in "tzdata.version" beside them. A link is a hard
// link to its zone's file where the filesystem allows, else a copy; never a
// symbolic link, which a guest's mount could not follow.
func Build(dir string, db *Database) error {
	files := map[string]string{}
	for _, z := range db.Zones {
		b, err := TZif(z)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(z.Name))
		if err := writeFile(p, b); err != nil {
			return err
		}
		files[z.Name] = p
	}
	aliases := make([]string, 0, len(db.Links))
	for a := range db.Links {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	for _, alias := range aliases {
		p := filepath.Join(dir, filepath.FromSlash(alias))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		src := files[db.Links[alias]]
		if os.Link(src, p) == nil {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := writeFile(p, b); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(dir, "tzdata.version"), []byte(db.Version+"\n"))
}

func writeFile(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o444)
}
