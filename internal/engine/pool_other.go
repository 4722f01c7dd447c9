//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package engine

// addressSpaceLimit reports no limit where it cannot be read.
func addressSpaceLimit() uint64 { return 0 }
