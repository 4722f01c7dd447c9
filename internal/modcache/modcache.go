// Package modcache caches compiled WebAssembly modules on disk, so that only
// the first use of a guest runtime pays the multi-second native compile.
//
// A cache entry is the output of wasmtime's Module.Serialize, stored as
// <cacheDir>/<key>.cwasm, where key is the hex sha256 of the wasm module's
// sha256, the wasmtime-go version, the caller's engine configuration key and
// GOOS/GOARCH. Entries are written to a temporary file, synced and renamed
// into place, so concurrent processes filling the same cache never see a
// partial file. An entry that fails to deserialize is deleted and rebuilt.
//
// Entries are mapped into memory by wasmtime when loaded, so they must never
// be modified in place (truncating a mapped file makes the processes using it
// crash with SIGBUS): to invalidate an entry, delete it or rename a new file
// over it, as this package does.
//
// Deserializing runs native code produced earlier, so the cache directory
// must be writable only by the user running the sandbox. Load ignores (and
// replaces) entries that are not regular files, are group- or
// world-writable, or belong to another user.
package modcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/atomicfile"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// wasmtimeModule is the module path of the wasmtime-go binding; its version is
// part of every cache key.
const wasmtimeModule = "github.com/bytecodealliance/wasmtime-go/v39"

// fallbackWasmtimeVersion is used when the build carries no module
// information (for example a binary built outside module mode).
const fallbackWasmtimeVersion = "v39.0.1"

// Ext is the file name extension of cache entries.
const Ext = ".cwasm"

// Dir returns the default cache directory under a wasmsandbox home
// directory: home/modules.
func Dir(home string) string { return filepath.Join(home, "modules") }

// WasmtimeVersion returns the wasmtime-go version linked into this binary,
// as recorded in its build information (falling back to the version this
// code was written against).
var WasmtimeVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != wasmtimeModule {
				continue
			}
			v := d.Version
			if d.Replace != nil {
				v += "=>" + d.Replace.Path + "@" + d.Replace.Version + d.Replace.Sum
			}
			if v != "" {
				return v
			}
		}
	}
	return fallbackWasmtimeVersion
})

// Key returns the cache key (hex sha256) for a wasm module with the given
// sha256 compiled by an engine described by engineKey, with this binary's
// wasmtime-go version, GOOS and GOARCH.
func Key(wasmSHA256, engineKey string) string {
	h := sha256.New()
	for _, part := range []string{"wasmsandbox-modcache-v1", wasmSHA256, WasmtimeVersion(), engineKey, runtime.GOOS + "/" + runtime.GOARCH} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Path returns the cache file for a wasm module with sha256 wasmSHA256
// compiled by an engine described by engineKey.
func Path(cacheDir, wasmSHA256, engineKey string) string {
	return filepath.Join(cacheDir, Key(wasmSHA256, engineKey)+Ext)
}

// Load returns the compiled module of the wasm file at wasmPath, whose
// expected sha256 is a.FileSHA256, for engine.
//
// engineKey must describe every engine setting that affects compiled code
// (fuel, epoch interruption, enabled features, optimisation level, ...): two
// engines that may not share compiled code must have different keys. The
// cache is tried first; on a miss (or an unusable entry, which is deleted)
// the file is read, checked against a.FileSHA256 (a mismatch is an error
// wrapping runtimes.ErrIntegrity), compiled and, best effort, written to the
// cache. An empty cacheDir disables the cache. Progress lines go to progress
// when it is not nil.
func Load(engine *wasmtime.Engine, engineKey string, a runtimes.Artifact, wasmPath, cacheDir string, progress io.Writer) (*wasmtime.Module, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	if engine == nil {
		return nil, errors.New("modcache: nil engine")
	}
	if len(a.FileSHA256) != 64 || strings.Trim(a.FileSHA256, "0123456789abcdef") != "" {
		return nil, fmt.Errorf("modcache: %s runtime has no valid wasm sha256 (%q)", a.Name, a.FileSHA256)
	}
	var cachePath string
	if cacheDir != "" {
		cachePath = Path(cacheDir, a.FileSHA256, engineKey)
		m, err := cached(engine, cachePath)
		if err == nil {
			return m, nil
		}
		if err != errMissing {
			say("compiled %s runtime in the cache is unusable (%v); recompiling", a.Name, oneLine(err))
		}
	}

	wasm, err := runtimes.ReadVerified(a, wasmPath)
	if err != nil {
		return nil, err
	}
	estimate := "a few seconds"
	if len(wasm) >= 8<<20 {
		estimate = "~10-20s"
	}
	say("compiling %s runtime (one time, %s)...", a.Name, estimate)
	start := time.Now()
	m, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		return nil, fmt.Errorf("compiling %s runtime (%s): %w", a.Name, wasmPath, err)
	}
	if cachePath == "" {
		return m, nil
	}
	if err := store(m, cachePath); err != nil {
		say("compiled %s runtime in %s (not cached: %v)", a.Name, time.Since(start).Round(100*time.Millisecond), err)
	} else {
		say("compiled %s runtime in %s", a.Name, time.Since(start).Round(100*time.Millisecond))
	}
	return m, nil
}

// store serializes m and writes it to name atomically: a temporary file in
// the same directory, synced, then renamed over name.
func store(m *wasmtime.Module, name string) error {
	data, err := m.Serialize()
	if err != nil {
		return err
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(name, data, 0o644, ".tmp-*"+Ext)
}

// oneLine shortens a (possibly multi-line) wasmtime error for a progress line.
func oneLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// Derived names a module built by our own code from a pinned artifact (a
// pre-initialised snapshot, say): the artifact's wasm sha256 and the
// version of the transform that built it. A new transform version makes a
// new cache entry, so a changed recipe never meets an old build.
type Derived struct {
	// Name is what progress lines call it ("Python snapshot").
	Name string
	// From is the sha256 of the artifact it is derived from.
	From string
	// Transform names the recipe and its version ("python-snapshot/1").
	Transform string
}

// key is the derived module's stand-in for a wasm sha256 in Key.
func (d Derived) key() string {
	sum := sha256.Sum256([]byte("derived\x00" + d.From + "\x00" + d.Transform))
	return hex.EncodeToString(sum[:])
}

// DerivedPath returns the cache file of d compiled by an engine described
// by engineKey.
func DerivedPath(cacheDir string, d Derived, engineKey string) string {
	return Path(cacheDir, d.key(), engineKey)
}

// LoadDerived returns the compiled module d from the cache in cacheDir, or
// calls build to make its wasm, compiles it and caches it. build runs at
// most once per call; its error is returned as is.
func LoadDerived(engine *wasmtime.Engine, engineKey string, d Derived, cacheDir string, build func() ([]byte, error), progress io.Writer) (*wasmtime.Module, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	var cachePath string
	if cacheDir != "" {
		cachePath = DerivedPath(cacheDir, d, engineKey)
		m, err := cached(engine, cachePath)
		if err == nil {
			return m, nil
		}
		if err != errMissing {
			say("compiled %s in the cache is unusable (%v); building it again", d.Name, oneLine(err))
		}
	}
	if cachePath != "" {
		// One build per machine: another process building the same module
		// is waited for, and its result used.
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return nil, err
		}
		unlock, err := runtimes.LockFile(context.Background(), cachePath+".lock", func() {
			say("waiting for another build of the %s to finish...", d.Name)
		})
		if err != nil {
			return nil, err
		}
		defer unlock()
		if m, _ := cached(engine, cachePath); m != nil {
			return m, nil
		}
	}
	say("building the %s (one time, ~20-30s)...", d.Name)
	start := time.Now()
	wasm, err := build()
	if err != nil {
		return nil, err
	}
	m, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		return nil, fmt.Errorf("compiling the %s: %w", d.Name, err)
	}
	if cachePath == "" {
		return m, nil
	}
	if err := store(m, cachePath); err != nil {
		say("built the %s in %s (not cached: %v)", d.Name, time.Since(start).Round(100*time.Millisecond), err)
	} else {
		say("built the %s in %s", d.Name, time.Since(start).Round(100*time.Millisecond))
	}
	return m, nil
}

// cached returns the module cached at path: errMissing when there is no
// usable entry; an entry that cannot be loaded is removed and its error
// returned, so that the caller compiles again.
func cached(engine *wasmtime.Engine, path string) (*wasmtime.Module, error) {
	if !usable(path) {
		return nil, errMissing
	}
	m, err := wasmtime.NewModuleDeserializeFile(engine, path)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return m, nil
}

// errMissing is cached's answer for a path with no usable entry.
var errMissing = errors.New("not cached")
