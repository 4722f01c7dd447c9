//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package session

import "os"

// flockWorks says whether flockTry really locks.
const flockWorks = false

// flockTry always succeeds where flock is unavailable: sessions are then
// exclusive within one process only.
func flockTry(f *os.File) (bool, error) { return true, nil }

// funlock does nothing where flock is unavailable.
func funlock(f *os.File) {}
