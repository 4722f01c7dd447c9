//go:build unix

package main

import (
	"os"
	"syscall"
)

// openNoBlock opens name read-only with O_NONBLOCK, so that opening a
// named pipe with no writer returns at once instead of waiting; reads of
// a regular file are not affected by the flag.
func openNoBlock(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
