// Package engine owns the one wasmtime engine of the process and runs a
// guest in a fresh store under hard limits: the fuel budget, the memory cap
// (store limiter), the wall-clock deadline (epoch interruption with a
// per-store callback, see capi.go), output caps (Capture) and WASI with
// exactly the mounts, env and argv of its Spec. Host waits (poll_oneoff)
// are served in Go so that the deadline cuts them short (wasi.go).
//
// It knows nothing of policies, results or sessions: the root package
// turns a Policy into a Spec and the engine's report into a Result.
package engine

import (
	"io"
	"os"
	"strconv"
	"sync"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/modcache"
	"github.com/wasmsandbox/sandbox/internal/quickjs"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// maxWasmStack bounds the native stack compiled guest code may use; deep
// recursion past it is a stack-overflow trap, never a host crash (the
// guest runs on a thread whose stack is larger, see guestThreadStack).
// A JavaScript frame takes 3 to 4 times as much native stack as the
// QuickJS stack it is limited by (javascript.MaxStackSize, 3 MiB), so
// 32 MiB lets QuickJS's own limit throw its RangeError first (QuickJS's
// parser, whose frames take ten times more native stack, can still trap
// on source nested tens of thousands deep).
const maxWasmStack = 32 << 20

// Key names the engine settings that compiled modules depend on; it is
// part of the compiled-module cache key.
const Key = "fuel=1,epoch=1,stack=33554432,pool=1000"

// poolSlots is how many instances may exist at once in the process; an
// execution beyond it waits for a slot (see Engine.Run).
const poolSlots = 1000

// slotReservation is about how much address space one pool slot reserves
// (a 4 GiB memory with its guard regions, its table and instance).
const slotReservation = 4<<30 + 512<<20

// pooledSlots is how many pool slots the process can reserve: poolSlots,
// fewer under a limit on virtual memory (RLIMIT_AS; at most half of it is
// used), or 0, without the pool, when not even a few fit or when
// $WASMSANDBOX_POOL_SLOTS says 0. (wasmtime cannot report a pool it fails
// to reserve: it aborts the process, so the size is settled beforehand.)
func pooledSlots() int {
	slots := poolSlots
	if v, err := strconv.Atoi(os.Getenv("WASMSANDBOX_POOL_SLOTS")); err == nil && v >= 0 && v < slots {
		slots = v
	}
	if lim := addressSpaceLimit(); lim > 0 {
		slots = min(slots, int(lim/2/slotReservation))
	}
	if slots < 4 {
		return 0
	}
	return slots
}

// keepResident is how much of each slot's linear memory stays mapped
// between instances.
const keepResident = 16 << 20

// Engine is the wasmtime engine shared by every sandbox, with the linker
// that gives guests their imports: WASI preview1 with our shadows and the
// JavaScript runtime's host functions.
type Engine struct {
	wt     *wasmtime.Engine
	linker *wasmtime.Linker
	ticker *ticker
	// slots holds a token per instance alive, up to poolSlots.
	slots chan struct{}
}

// Shared returns the process's engine, creating it on first use.
var Shared = sync.OnceValues(func() (*Engine, error) {
	cfg := wasmtime.NewConfig()
	cfg.SetConsumeFuel(true)
	cfg.SetEpochInterruption(true)
	cfg.SetMaxWasmStack(maxWasmStack)
	// Instances come from a pool of pre-reserved slots whose memory stays
	// mapped between executions: a new instance of a snapshot then starts
	// without a page fault per page it writes (page faults dominated the
	// cost of a short Python execution).
	if slots := pooledSlots(); slots > 0 {
		if err := usePooling(cfg, uint32(slots), 4<<30, keepResident); err != nil {
			return nil, err
		}
	}
	wt := wasmtime.NewEngineWithConfig(cfg)
	l := wasmtime.NewLinker(wt)
	if err := l.DefineWasi(); err != nil {
		return nil, err
	}
	if err := shadowWASI(l); err != nil {
		return nil, err
	}
	if err := defineFS(l); err != nil {
		return nil, err
	}
	if err := defineStdio(l); err != nil {
		return nil, err
	}
	if err := quickjs.Define(l); err != nil {
		return nil, err
	}
	return &Engine{wt: wt, linker: l, ticker: &ticker{engine: wt}, slots: make(chan struct{}, poolSlots)}, nil
})

// Wasmtime returns the underlying wasmtime engine.
func (e *Engine) Wasmtime() *wasmtime.Engine { return e.wt }

// LoadModule returns the compiled module of the installed artifact a at
// path, from the on-disk cache in cacheDir when it is there (see
// internal/modcache).
func (e *Engine) LoadModule(a runtimes.Artifact, path, cacheDir string, progress io.Writer) (*wasmtime.Module, error) {
	return modcache.Load(e.wt, Key, a, path, cacheDir, progress)
}

// ModulePath is where the compiled module of a is cached in cacheDir.
func ModulePath(cacheDir string, a runtimes.Artifact) string {
	return modcache.Path(cacheDir, a.FileSHA256, Key)
}

// LoadDerived returns the compiled module d, derived from a pinned artifact
// by build, from the cache in cacheDir, building and caching it when it is
// not there (see modcache.LoadDerived).
func (e *Engine) LoadDerived(d modcache.Derived, cacheDir string, build func() ([]byte, error), progress io.Writer) (*wasmtime.Module, error) {
	return modcache.LoadDerived(e.wt, Key, d, cacheDir, build, progress)
}
