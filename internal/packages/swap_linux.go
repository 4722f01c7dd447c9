//go:build linux && (amd64 || arm64)

package packages

import (
	"syscall"
	"unsafe"
)

// renameat2's number (it is not in package syscall) and its flag that
// exchanges the two paths atomically.
const renameExchange = 1 << 1

var sysRenameat2 = map[string]uintptr{"amd64": 316, "arm64": 276}[goarch]

// exchange swaps directories a and b in one step (renameat2 with
// RENAME_EXCHANGE), so that no one sees neither.
func exchange(a, b string) error {
	pa, err := syscall.BytePtrFromString(a)
	if err != nil {
		return err
	}
	pb, err := syscall.BytePtrFromString(b)
	if err != nil {
		return err
	}
	atFDCWD := -100
	_, _, e := syscall.Syscall6(sysRenameat2, uintptr(atFDCWD), uintptr(unsafe.Pointer(pa)), uintptr(atFDCWD), uintptr(unsafe.Pointer(pb)), renameExchange, 0)
	if e != 0 {
		return e
	}
	return nil
}
