package session

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wasmsandbox/sandbox/internal/errs"
)

// A session is locked while it executes or changes: an in-process lock per
// session gives prompt hand-over between goroutines, and an flock on the
// session's lock file excludes other processes sharing the store.

// procLocks holds the in-process locks, keyed by lock file path, with a
// reference count so that idle sessions leave nothing behind.
var procLocks = struct {
	sync.Mutex
	m map[string]*procLock
}{m: map[string]*procLock{}}

type procLock struct {
	ch   chan struct{} // holds a token while locked
	refs int
}

// procAcquire takes the in-process lock for key, waiting until it is free
// or ctx ends; with try it does not wait (ok reports whether it got it).
func procAcquire(ctx context.Context, key string, try bool) (release func(), ok bool, err error) {
	procLocks.Lock()
	l := procLocks.m[key]
	if l == nil {
		l = &procLock{ch: make(chan struct{}, 1)}
		procLocks.m[key] = l
	}
	l.refs++
	procLocks.Unlock()
	drop := func() {
		procLocks.Lock()
		if l.refs--; l.refs == 0 {
			delete(procLocks.m, key)
		}
		procLocks.Unlock()
	}
	if try {
		select {
		case l.ch <- struct{}{}:
		default:
			drop()
			return nil, false, nil
		}
	} else {
		select {
		case l.ch <- struct{}{}:
		case <-ctx.Done():
			drop()
			return nil, false, ctx.Err()
		}
	}
	return func() { <-l.ch; drop() }, true, nil
}

// Lock locks the session in dir, waiting for the executions and
// changes in progress (in this process or another) to end, or for ctx.
// It fails with errs.SessionNotFound when the session is gone, also when it
// was deleted while we waited.
func Lock(ctx context.Context, dir, id string) (func(), error) {
	unlock, ok, err := lockSessionWith(ctx, dir, id, false)
	if err == nil && !ok {
		err = fmt.Errorf("%w: session %s: lock not taken", errs.Internal, id)
	}
	return unlock, err
}

// TryLock is Lock without waiting: ok is false when the
// session is busy.
func TryLock(dir, id string) (unlock func(), ok bool, err error) {
	return lockSessionWith(context.Background(), dir, id, true)
}

func lockSessionWith(ctx context.Context, dir, id string, try bool) (func(), bool, error) {
	return lockPath(ctx, filepath.Join(dir, "lock"), id, try)
}

// storeLock is the lock file of a whole store; its name is no session ID.
const storeLock = ".store-lock"

// LockStore locks the store at root as a whole (not its sessions), for
// store-wide rules such as a cap on the number of sessions that several
// processes sharing the directory must respect together.
func LockStore(ctx context.Context, root string) (func(), error) {
	unlock, ok, err := lockPath(ctx, filepath.Join(root, storeLock), "(the store)", false)
	if err == nil && !ok {
		err = fmt.Errorf("%w: the session store: lock not taken", errs.Internal)
	}
	return unlock, err
}

func lockPath(ctx context.Context, path, id string, try bool) (func(), bool, error) {
	cancelled := func(err error) error {
		return fmt.Errorf("%w: waiting for session %s: %w", errs.Cancelled, id, err)
	}
	for attempt := 0; ; attempt++ {
		release, ok, err := procAcquire(ctx, path, try)
		if err != nil {
			return nil, false, cancelled(err)
		}
		if !ok {
			return nil, false, nil
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			release()
			if errors.Is(err, fs.ErrNotExist) {
				return nil, false, fmt.Errorf("%w: %s", errs.SessionNotFound, id)
			}
			return nil, false, fmt.Errorf("%w: locking session %s: %v", errs.Internal, id, err)
		}
		fail := func() { f.Close(); release() }
		got, err := flockWait(ctx, f, try)
		if err != nil {
			fail()
			if ctx.Err() != nil {
				return nil, false, cancelled(ctx.Err())
			}
			return nil, false, fmt.Errorf("%w: locking session %s: %v", errs.Internal, id, err)
		}
		if !got {
			fail()
			return nil, false, nil
		}
		unlock := func() { funlock(f); fail() }
		// The session may have been deleted (its directory renamed away)
		// or deleted and created again while we waited: the file we
		// locked must still be the session's lock file.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return unlock, true, nil
		}
		unlock()
		if err2 != nil || attempt >= 3 {
			return nil, false, fmt.Errorf("%w: %s", errs.SessionNotFound, id)
		}
	}
}

// flockWait takes an exclusive flock on f, polling until it is free or
// ctx ends; with try it gives up at once when the lock is busy.
func flockWait(ctx context.Context, f *os.File, try bool) (bool, error) {
	delay := 5 * time.Millisecond
	for {
		ok, err := flockTry(f)
		if err != nil || ok || try {
			return ok, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
}
