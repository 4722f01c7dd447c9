//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package runtimes

import "context"

// lockFile is a no-op where flock is unavailable. Installs stay correct
// (files are renamed into place atomically) but two concurrent installs may
// both download.
func LockFile(ctx context.Context, name string, waiting func()) (func(), error) {
	return func() {}, ctx.Err()
}
