//go:build !linux

package packages

import "errors"

// exchange is unavailable here; update falls back to two renames.
func exchange(a, b string) error { return errors.ErrUnsupported }
