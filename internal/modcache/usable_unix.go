//go:build unix

package modcache

import (
	"os"
	"syscall"
)

// usable reports whether the cache entry at p may be deserialized: a regular
// file, owned by this user, not writable by group or others.
func usable(p string) bool {
	st, err := os.Lstat(p)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o022 != 0 {
		return false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(sys.Uid) == os.Geteuid()
}
