package wasmcall

import "testing"

// The self-test passes with the pinned wasmtime-go, so FastCall is in use.
func TestFastCallWorksHere(t *testing.T) {
	if err := selfTest(); err != nil {
		t.Fatal(err)
	}
	if !FastCallOK() {
		t.Fatal("FastCallOK is false")
	}
}
