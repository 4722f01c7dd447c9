package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/javascript"
	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/python"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/tzdata"
)

// Loading a runtime: finding (or installing) its pinned artifact, its
// compiled module or derived module from the cache, and the time-zone data,
// once per process and runtime directory.

var (
	loadedMu sync.Mutex
	loaded   = map[string]*loadEntry{}
)

type loadEntry struct {
	once sync.Once
	rt   *guestRuntime
	err  error
}

func artifactFor(rt Runtime) runtimes.Artifact {
	if rt == JavaScript {
		return runtimes.JavaScript
	}
	return runtimes.Python
}

// loadRuntime finds (or, when allowed, installs) the runtime's wasm and
// loads its compiled module once per process and cache directory.
func loadRuntime(rt Runtime, o *options) (*guestRuntime, error) {
	home, err := runtimes.Home(o.home)
	if err != nil {
		return nil, fmt.Errorf("%w: locating the runtime directory: %v", ErrInternal, err)
	}
	cacheDir := o.cacheDir
	if cacheDir == "" {
		cacheDir = modcache.Dir(home)
	}
	a := artifactFor(rt)
	key := string(rt) + "\x00" + home + "\x00" + cacheDir
	loadedMu.Lock()
	e, ok := loaded[key]
	if !ok {
		e = &loadEntry{}
		loaded[key] = e
	}
	loadedMu.Unlock()
	e.once.Do(func() { e.rt, e.err = load(rt, a, home, cacheDir, o) })
	if e.err != nil {
		// Let a later call retry (the runtime may be installed by then).
		loadedMu.Lock()
		if loaded[key] == e {
			delete(loaded, key)
		}
		loadedMu.Unlock()
	}
	return e.rt, e.err
}

func load(rt Runtime, a runtimes.Artifact, home, cacheDir string, o *options) (*guestRuntime, error) {
	eng, err := engine.Shared()
	if err != nil {
		return nil, fmt.Errorf("%w: creating the wasm engine: %v", ErrInternal, err)
	}
	path := a.Path(home)
	if _, err := os.Stat(path); err != nil {
		if !o.autoInstall {
			return nil, fmt.Errorf("%w: %s runtime (%s@%s) not found at %s; run `wasmsandbox runtimes install` (needs npm) or pass WithAutoInstall",
				ErrRuntimeNotInstalled, rt, a.Package, a.Version, path)
		}
		if path, err = runtimes.Install(context.Background(), home, a, o.progress); err != nil {
			return nil, fmt.Errorf("%w: installing the %s runtime: %v", ErrRuntimeNotInstalled, rt, err)
		}
	}
	load := func() (*wasmtime.Module, error) {
		mod, err := eng.LoadModule(a, path, cacheDir, o.progress)
		if errors.Is(err, runtimes.ErrIntegrity) || errors.Is(err, runtimes.ErrNotInstalled) {
			return nil, fmt.Errorf("%w: the %s runtime at %s is damaged or incomplete (%v); reinstall it with `wasmsandbox runtimes install`",
				ErrRuntimeNotInstalled, rt, path, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: loading the %s runtime: %v", ErrInternal, rt, err)
		}
		return mod, nil
	}
	if rt == JavaScript {
		load = func() (*wasmtime.Module, error) { return loadJavaScriptModule(eng, a, path, cacheDir, o.progress) }
	}
	g := &guestRuntime{name: rt, eng: eng, module: sync.OnceValues(load), version: a.Package + "@" + a.Version}
	// Both guests read time zones from the same pinned database.
	if g.zoneinfo, err = tzdata.Ensure(context.Background(), home, o.autoInstall, o.progress); err != nil {
		if errors.Is(err, runtimes.ErrNotInstalled) {
			return nil, fmt.Errorf("%w: %v", ErrRuntimeNotInstalled, err)
		}
		return nil, fmt.Errorf("%w: preparing the time-zone data: %v", ErrInternal, err)
	}
	switch rt {
	case Python:
		if g.snapshot, err = loadPythonSnapshot(eng, a, path, cacheDir, o.progress); err != nil {
			return nil, err
		}
		g.run = func(x *engine.Execution, mod *wasmtime.Module) error {
			if x.Spec.Snapshot {
				return python.RunSnapshot(x, mod)
			}
			return python.Run(x, mod)
		}
		g.defaultArgv, g.argv, g.prepare = python.Argv, python.FullArgv, python.Prepare
		g.stage = func(gl *engine.Globals) (engine.Mount, func(), error) {
			m, err := python.Persist(gl)
			return m, func() { python.CollectStage(gl) }, err
		}
	case JavaScript:
		if _, err := g.module(); err != nil {
			return nil, err
		}
		g.run, g.defaultArgv = javascript.Run, javascript.Argv
		// The first run in a process compiles the guest API's JavaScript
		// and keeps the bytecode; later runs load it. Doing that first run
		// here, before any caller's code, keeps fuel figures the same for
		// every run.
		warm := &wasmSandbox{rt: g, policy: Policy{}.WithDefaults()}
		if _, err := warm.execute(context.Background(), "", warm.policy, "", nil); err != nil {
			return nil, fmt.Errorf("%w: starting the JavaScript runtime: %v", ErrInternal, err)
		}
	}
	return g, nil
}

// CompiledModulePath is where the compiled module that New loads for rt is
// cached under the runtime directory home (see WithRuntimeDir), for tools
// that report on the cache: for Python its pre-initialised snapshot, for
// JavaScript the runtime's module with its stack relocated.
func CompiledModulePath(rt Runtime, home string) string {
	a := artifactFor(rt)
	switch rt {
	case Python:
		return modcache.DerivedPath(modcache.Dir(home), pythonSnapshot(a), engine.Key)
	case JavaScript:
		return modcache.DerivedPath(modcache.Dir(home), javascriptModule(a), engine.Key)
	}
	return engine.ModulePath(modcache.Dir(home), a)
}

// javascriptModule names the QuickJS module with its stack relocated
// (see javascript.BuildModule), derived from artifact a.
func javascriptModule(a runtimes.Artifact) modcache.Derived {
	return modcache.Derived{Name: "JavaScript module", From: a.FileSHA256, Transform: javascript.Transform}
}

// loadJavaScriptModule returns the compiled QuickJS module derived from
// the artifact a installed at path, building it once per machine.
func loadJavaScriptModule(eng *engine.Engine, a runtimes.Artifact, path, cacheDir string, progress io.Writer) (*wasmtime.Module, error) {
	mod, err := eng.LoadDerived(javascriptModule(a), cacheDir, func() ([]byte, error) {
		wasm, err := runtimes.ReadVerified(a, path)
		if err != nil {
			return nil, err
		}
		return javascript.BuildModule(wasm)
	}, progress)
	if errors.Is(err, runtimes.ErrIntegrity) || errors.Is(err, runtimes.ErrNotInstalled) {
		return nil, fmt.Errorf("%w: the JavaScript runtime at %s is damaged or incomplete (%v); reinstall it with `wasmsandbox runtimes install`",
			ErrRuntimeNotInstalled, path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: loading the JavaScript runtime: %v", ErrInternal, err)
	}
	return mod, nil
}

// pythonSnapshot names the Python snapshot derived from artifact a.
func pythonSnapshot(a runtimes.Artifact) modcache.Derived {
	return modcache.Derived{Name: "Python snapshot", From: a.FileSHA256, Transform: python.Transform}
}

// loadPythonSnapshot returns the compiled Python snapshot derived from the
// artifact a installed at path, building it once per machine.
func loadPythonSnapshot(eng *engine.Engine, a runtimes.Artifact, path, cacheDir string, progress io.Writer) (*wasmtime.Module, error) {
	mod, err := eng.LoadDerived(pythonSnapshot(a), cacheDir, func() ([]byte, error) {
		wasm, err := runtimes.ReadVerified(a, path)
		if err != nil {
			return nil, err
		}
		return python.BuildSnapshot(eng, wasm)
	}, progress)
	if err != nil {
		return nil, fmt.Errorf("%w: building the Python snapshot: %v", ErrInternal, err)
	}
	return mod, nil
}

// cleanTempsOnce removes, once per process and in the background, the
// temporary workspaces that killed processes left behind.
