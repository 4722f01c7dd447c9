//go:build !unix

package main

import "os"

// openNoBlock opens name read-only (named pipes do not block opens here).
func openNoBlock(name string) (*os.File, error) { return os.Open(name) }
