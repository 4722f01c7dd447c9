package sandbox

import (
	"io/fs"
	"path/filepath"
	"sort"
	"time"
)

// fileState is what a workspace scan records of one regular file or symlink.
type fileState struct {
	size  int64
	mtime time.Time
	mode  fs.FileMode
}

// snapshot records every file under root (symlinks are not followed).
func snapshot(root string) (map[string]fileState, error) {
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // a file vanished or is unreadable mid-scan: skip it
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		out[filepath.ToSlash(rel)] = fileState{size: info.Size(), mtime: info.ModTime(), mode: info.Mode()}
		return nil
	})
	return out, err
}

// diffSnapshots lists created, modified and deleted paths, each sorted and
// never nil (so they encode as JSON arrays).
func diffSnapshots(before, after map[string]fileState) (created, modified, deleted []string) {
	created, modified, deleted = []string{}, []string{}, []string{}
	for p, a := range after {
		b, ok := before[p]
		switch {
		case !ok:
			created = append(created, p)
		case a != b:
			modified = append(modified, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			deleted = append(deleted, p)
		}
	}
	sort.Strings(created)
	sort.Strings(modified)
	sort.Strings(deleted)
	return created, modified, deleted
}
