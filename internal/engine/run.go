package engine

import (
	"fmt"
	"os"
	"sort"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/errs"
	"github.com/wasmsandbox/sandbox/internal/wasifs"
)

// Run sets up a fresh store for x and runs guest in it: fuel, the memory
// cap, the epoch deadline, WASI with exactly x's argv, env and mounts, and
// output into x's captures. The first error is the guest's (a trap or an
// exit); the second means the host failed.
func (e *Engine) Run(x *Execution, guest func(*Execution) error) (error, error) {
	x.eng = e
	select {
	case e.slots <- struct{}{}:
	case <-x.Ctx.Done():
		return nil, fmt.Errorf("%w: waiting for an instance slot: %w", errs.Cancelled, x.Ctx.Err())
	}
	defer func() { <-e.slots }()
	store := wasmtime.NewStoreWithData(e.wt, x)
	// Handles given to C are released only once the store is gone.
	var releases []func()
	defer func() {
		store.Close()
		for _, r := range releases {
			r()
		}
	}()
	x.Store = store
	if err := store.SetFuel(x.Spec.Fuel); err != nil {
		return nil, fmt.Errorf("%w: setting fuel: %v", errs.Internal, err)
	}
	// Linear memory is capped at memory_bytes; tables get a generous fixed
	// cap so they cannot be used to exhaust host memory either.
	store.Limiter(x.Spec.MemoryBytes, 1<<20, 10, 10, 2)
	wasi, err := wasiConfig(x)
	if err != nil {
		return nil, err
	}
	releaseOutput, err := captureOutput(wasi, x)
	if err != nil {
		return nil, err
	}
	releases = append(releases, releaseOutput)
	store.SetWasi(wasi)
	if x.Spec.HostFS {
		fs, err := hostFS(x)
		if err != nil {
			return nil, err
		}
		x.fs = fs
		defer fs.Close()
	}
	release, err := watchEpoch(store, x)
	if err != nil {
		return nil, err
	}
	releases = append(releases, release)
	defer e.ticker.acquire()()
	var runErr error
	if err := onGuestThread(func() { runErr = guest(x) }); err != nil {
		return nil, err
	}
	if left, err := store.GetFuel(); err == nil {
		x.FuelConsumed = x.Spec.Fuel - left
	}
	return runErr, nil
}

// wasiConfig gives the guest exactly the spec's argv, env and mounts: no
// inherited environment, no host root, no sockets.
func wasiConfig(x *Execution) (*wasmtime.WasiConfig, error) {
	s := x.Spec
	c := wasmtime.NewWasiConfig()
	c.SetArgv(s.Argv)
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = s.Env[k]
	}
	c.SetEnv(keys, vals)
	// stdin reads the spec's bytes, or nothing; stdout and stderr go to
	// the captures (see captureOutput, called by Run).
	if len(s.Stdin) > 0 {
		if err := setStdin(c, s.Stdin); err != nil {
			return nil, err
		}
	} else if err := c.SetStdinFile(os.DevNull); err != nil {
		return nil, fmt.Errorf("%w: wasi stdin: %v", errs.Internal, err)
	}
	if s.HostFS {
		return c, nil // the mounts are served by hostFS
	}
	if err := c.PreopenDir(s.Workspace, s.GuestWorkspace, wasmtime.DIR_READ|wasmtime.DIR_WRITE, wasmtime.FILE_READ|wasmtime.FILE_WRITE); err != nil {
		return nil, fmt.Errorf("%w: mounting the workspace: %v", errs.Internal, err)
	}
	for _, m := range s.Mounts {
		dp, fp := wasmtime.DIR_READ, wasmtime.FILE_READ
		if m.Writable {
			dp, fp = dp|wasmtime.DIR_WRITE, fp|wasmtime.FILE_WRITE
		}
		if err := c.PreopenDir(m.Host, m.Guest, dp, fp); err != nil {
			return nil, fmt.Errorf("%w: mounting %s at %s: %v", errs.Internal, m.Host, m.Guest, err)
		}
	}
	return c, nil
}

// hostFS opens the execution's mounts for the host's own file system: the
// workspace first, then the mounts, in the order wasiConfig preopens them.
func hostFS(x *Execution) (*wasifs.FS, error) {
	s := x.Spec
	mounts := []wasifs.Mount{{Host: s.Workspace, Guest: s.GuestWorkspace, Writable: true, Metered: true}}
	for _, m := range s.Mounts {
		mounts = append(mounts, wasifs.Mount{Host: m.Host, Guest: m.Guest, Writable: m.Writable})
	}
	fs, err := wasifs.New(mounts, s.Stdin, x.Stdout, x.Stderr, s.Meter)
	if err != nil {
		return nil, fmt.Errorf("%w: mounting the guest's directories: %v", errs.Internal, err)
	}
	return fs, nil
}
