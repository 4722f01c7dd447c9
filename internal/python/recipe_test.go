package python

import (
	"errors"
	"os"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
	"github.com/wasmsandbox/sandbox/internal/wasmbin"
)

// TestIdentifyPinnedArtifact runs the recipe's structural search on the
// pinned python.wasm and pins what it finds; a different artifact must
// fail loudly instead.
func TestIdentifyPinnedArtifact(t *testing.T) {
	home, err := runtimes.Home("")
	if err != nil {
		t.Skipf("no runtime home: %v", err)
	}
	wasm, err := runtimes.ReadVerified(runtimes.Python, runtimes.Python.Path(home))
	if errors.Is(err, runtimes.ErrNotInstalled) || errors.Is(err, os.ErrNotExist) {
		t.Skipf("python runtime not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := wasmbin.Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	f, err := identify(m)
	if err != nil {
		t.Fatal(err)
	}
	want := funcs{start: 43, runString: 4056, malloc: 11136, finalize: 3970, finalizeAt: 10402, stackPointer: 0}
	if f != want {
		t.Fatalf("identify = %+v, want %+v", f, want)
	}
	// The JavaScript runtime is no CPython: the recipe refuses it.
	js, err := os.ReadFile(runtimes.JavaScript.Path(home))
	if err != nil {
		t.Skip("javascript runtime not installed")
	}
	jm, err := wasmbin.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := identify(jm); !errors.Is(err, ErrRecipe) {
		t.Fatalf("identify(quickjs.wasm) = %v, want ErrRecipe", err)
	}
}
