package sandbox

import (
	"fmt"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// defineJSImports adds the JavaScript runtime's host imports to the shared linker.
func defineJSImports(l *wasmtime.Linker) error { return nil }

// setupJavaScript wires the JavaScript runtime into g.
func setupJavaScript(g *guestRuntime) error {
	return fmt.Errorf("%w: the JavaScript runtime is not available yet", ErrNotImplemented)
}
