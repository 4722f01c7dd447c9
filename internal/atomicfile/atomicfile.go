// Package atomicfile replaces files so that readers see the old content or
// the new, never a mix, and a crash leaves at worst a stray temporary file.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile writes data to name atomically: a temporary file made from
// tmpPattern (an os.CreateTemp pattern) in name's directory, given mode
// perm and synced, is renamed over name, and the directory is synced so
// the rename survives a crash where the platform allows it.
func WriteFile(name string, data []byte, perm os.FileMode, tmpPattern string) error {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, tmpPattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(dir)
	return nil
}

// SyncDir makes renames in dir durable, best effort.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
