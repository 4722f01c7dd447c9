//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package engine

import "syscall"

// addressSpaceLimit returns the process's limit on virtual memory
// (RLIMIT_AS), or 0 when there is none.
func addressSpaceLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &l); err != nil || l.Cur == ^uint64(0) {
		return 0
	}
	return l.Cur
}
