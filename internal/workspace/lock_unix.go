//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package workspace

import (
	"os"
	"syscall"
)

// canLock says that holdLock really locks.
const canLock = true

// holdLock takes an exclusive flock on f without waiting, reporting
// whether it got it; the lock lasts until f is closed.
func holdLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
