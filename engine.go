package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// maxWasmStack bounds the native stack compiled guest code may use; deep
// recursion past it is a stack-overflow trap, never a host crash.
const maxWasmStack = 4 << 20

// engineKey names the engine settings that compiled modules depend on; it
// is part of the compiled-module cache key.
const engineKey = "fuel=1,epoch=1,stack=4194304"

// engine is the one wasmtime engine of the process, shared by every
// sandbox, with the linker that gives guests their imports.
type engine struct {
	wt *wasmtime.Engine
	// linker defines WASI preview1 with our shadows (see shadowWASI).
	linker *wasmtime.Linker
	ticker *ticker
}

var sharedEngine = sync.OnceValues(func() (*engine, error) {
	cfg := wasmtime.NewConfig()
	cfg.SetConsumeFuel(true)
	cfg.SetEpochInterruption(true)
	cfg.SetMaxWasmStack(maxWasmStack)
	wt := wasmtime.NewEngineWithConfig(cfg)
	l := wasmtime.NewLinker(wt)
	if err := l.DefineWasi(); err != nil {
		return nil, err
	}
	if err := shadowWASI(l); err != nil {
		return nil, err
	}
	if err := defineJSImports(l); err != nil {
		return nil, err
	}
	return &engine{wt: wt, linker: l, ticker: &ticker{engine: wt}}, nil
})

// guestRuntime is one loaded runtime: its compiled module and how to run
// code in an instance of it.
type guestRuntime struct {
	name   Runtime
	eng    *engine
	module *wasmtime.Module
	// version is the runtime's package and version, for results and listings.
	version string
	// run runs code in a fresh instance of module in x's store.
	run func(x *execution) error
	// defaults fill Policy.Env and Policy.Argv when they are nil.
	defaultEnv  func(p Policy) map[string]string
	defaultArgv []string
	// argv turns the policy's argv into the guest's full command line.
	argv func(base []string, x *execution) []string
	// persist, when non-nil, lets sessions with auto_persist_globals keep
	// the guest's globals between executions (see persist.go). It is nil
	// for runtimes that cannot do it yet (JavaScript).
	persist persistFunc
}

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
	eng, err := sharedEngine()
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
	mod, err := modcache.Load(eng.wt, engineKey, a, path, cacheDir, o.progress)
	if errors.Is(err, runtimes.ErrIntegrity) || errors.Is(err, runtimes.ErrNotInstalled) {
		return nil, fmt.Errorf("%w: the %s runtime at %s is damaged or incomplete (%v); reinstall it with `wasmsandbox runtimes install`",
			ErrRuntimeNotInstalled, rt, path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: loading the %s runtime: %v", ErrInternal, rt, err)
	}
	g := &guestRuntime{name: rt, eng: eng, module: mod, version: a.Package + "@" + a.Version}
	switch rt {
	case Python:
		g.run, g.defaultEnv, g.defaultArgv, g.argv = runPython, defaultGuestEnv, pythonArgv, pythonFullArgv
		g.persist = pythonPersist
	case JavaScript:
		if err := setupJavaScript(g); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// CompiledModulePath is where the compiled module of rt is cached under
// the runtime directory home (see WithRuntimeDir), for tools that report
// on the cache.
func CompiledModulePath(rt Runtime, home string) string {
	return modcache.Path(modcache.Dir(home), artifactFor(rt).WasmSHA256, engineKey)
}

// errorsAsExit reports the guest's own exit status carried by err.
func errorsAsExit(err error) (int, bool) {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, true
	}
	var we *wasmtime.Error
	if errors.As(err, &we) {
		if code, ok := we.ExitStatus(); ok {
			return int(code), true
		}
	}
	return 0, false
}

// instantiate makes a fresh instance of x's runtime module in x's store.
func (x *execution) instantiate() (*wasmtime.Instance, error) {
	return x.rt.eng.linker.Instantiate(x.store, x.rt.module)
}

// recordMemoryPeak notes the size of inst's linear memory, which only ever
// grows, as the execution's peak.
func (x *execution) recordMemoryPeak(inst *wasmtime.Instance) {
	if m := inst.GetExport(x.store, "memory"); m != nil && m.Memory() != nil {
		x.memPeak = int64(m.Memory().DataSize(x.store))
	}
}
