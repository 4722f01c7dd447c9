package runtimes

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wasmsandbox/sandbox/internal/atomicfile"
)

// Sentinel errors. Errors returned by this package wrap one of these when
// the cause is one of the cases below, so callers can test with errors.Is.
var (
	// ErrNotInstalled means the runtime's wasm file is not present under the
	// home directory. Run `wasmsandbox runtimes install`.
	ErrNotInstalled = errors.New("runtime not installed")

	// ErrIntegrity means a downloaded tarball or an installed wasm file did not
	// match its pinned hash.
	ErrIntegrity = errors.New("runtime integrity check failed")

	// ErrNPMNotFound means the npm client is not on PATH, so runtimes cannot
	// be installed on this machine.
	ErrNPMNotFound = errors.New("npm not found on PATH")

	// ErrUnsafeArchive means the package tarball holds an entry that is
	// refused: an absolute or parent-relative name, a link, a device, an
	// oversized or duplicated entry.
	ErrUnsafeArchive = errors.New("unsafe package archive")
)

// Info describes the installation state of one runtime.
type Info struct {
	// Name is the runtime name, e.g. "python".
	Name string `json:"name"`
	// Package is the npm package name.
	Package string `json:"package"`
	// Version is the pinned package version.
	Version string `json:"version"`
	// Path is where the wasm module is (or would be) installed.
	Path string `json:"path"`
	// Installed reports whether the wasm file exists.
	Installed bool `json:"installed"`
	// Size is the size in bytes of the installed wasm file.
	Size int64 `json:"size_bytes"`
	// Verified reports whether the file is known to match FileSHA256: by the
	// install marker in Status (the file is unchanged since it was verified),
	// or by hashing it in Verify.
	Verified bool `json:"verified"`
}

// markerName is the file written next to the wasm module once it has been
// verified. It records what was verified so Status can stay cheap.
const markerName = ".installed.json"

type marker struct {
	Package   string `json:"package"`
	Version   string `json:"version"`
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	ModTimeNS int64  `json:"mtime_ns"`
}

// Status reports whether a is installed under home without hashing the file:
// Verified is true when the install marker matches the pinned hash and the
// file's current size and modification time. When the file is missing, it
// returns the Info (with Path set) and an error wrapping ErrNotInstalled.
func Status(home string, a Artifact) (Info, error) {
	info := baseInfo(home, a)
	st, err := os.Stat(info.Path)
	if err != nil {
		return info, statError(a, info.Path, err)
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("%w: %s is not a regular file; remove it and run `wasmsandbox runtimes install`", ErrNotInstalled, info.Path)
	}
	info.Installed = true
	info.Size = st.Size()
	m, err := readMarker(a.Dir(home))
	if err == nil {
		info.Verified = m.Package == a.Package && m.Version == a.Version && m.File == a.File &&
			m.SHA256 == a.FileSHA256 && m.Size == st.Size() && m.ModTimeNS == st.ModTime().UnixNano()
	}
	return info, nil
}

// Verify hashes the installed wasm file of a and compares it with
// a.FileSHA256. On success it refreshes the install marker (so later Status
// calls report Verified) and returns the Info with Verified set. A missing
// file gives an error wrapping ErrNotInstalled, a mismatch one wrapping
// ErrIntegrity.
func Verify(home string, a Artifact) (Info, error) {
	info := baseInfo(home, a)
	f, err := os.Open(info.Path)
	if err != nil {
		return info, statError(a, info.Path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return info, err
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("%w: %s is not a regular file; remove it and run `wasmsandbox runtimes install`", ErrNotInstalled, info.Path)
	}
	info.Installed = true
	info.Size = st.Size()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return info, fmt.Errorf("reading %s: %w", info.Path, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != a.FileSHA256 {
		return info, fmt.Errorf("%w: %s has sha256 %s, want %s; run `wasmsandbox runtimes install` to reinstall it",
			ErrIntegrity, info.Path, got, a.FileSHA256)
	}
	info.Verified = true
	// The marker is an optimisation: failing to write it is not an error.
	_ = writeMarker(a.Dir(home), a, st)
	return info, nil
}

func baseInfo(home string, a Artifact) Info {
	return Info{Name: a.Name, Package: a.Package, Version: a.Version, Path: a.Path(home)}
}

func statError(a Artifact, p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s runtime (%s) not found at %s; run `wasmsandbox runtimes install`",
			ErrNotInstalled, a.Name, a.Spec(), p)
	}
	return fmt.Errorf("checking %s runtime at %s: %w", a.Name, p, err)
}

func readMarker(dir string) (marker, error) {
	var m marker
	b, err := os.ReadFile(filepath.Join(dir, markerName))
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(b, &m)
	return m, err
}

func writeMarker(dir string, a Artifact, st fs.FileInfo) error {
	b, err := json.MarshalIndent(marker{
		Package:   a.Package,
		Version:   a.Version,
		File:      a.File,
		SHA256:    a.FileSHA256,
		Size:      st.Size(),
		ModTimeNS: st.ModTime().UnixNano(),
	}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, markerName), append(b, '\n'), 0o644, ".tmp-"+markerName+"-*")
}
