package wasmcall

import "testing"

// Both ways of defining a host function pass the same checks, and the fast
// one is in use with the pinned wasmtime-go.
func TestHostFunctions(t *testing.T) {
	if err := hostSelfTest(defineFast); err != nil {
		t.Fatalf("fast: %v", err)
	}
	if err := hostSelfTest(defineSlow); err != nil {
		t.Fatalf("slow: %v", err)
	}
	if !HostOK() {
		t.Fatal("HostOK is false")
	}
}
