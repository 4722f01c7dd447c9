//go:build !unix

package modcache

import "os"

// usable reports whether the cache entry at p may be deserialized: a regular
// file.
func usable(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.Mode().IsRegular()
}
