package sandbox

import "testing"

func TestJavaScriptFuelIsDeterministic(t *testing.T) {
	sb := newSandbox(t, JavaScript, Policy{})
	var fuel []uint64
	for range 3 {
		res := run(t, sb, "let s = 0; for (let i = 0; i < 1000; i++) s += i; console.log(s)")
		fuel = append(fuel, res.FuelConsumed)
	}
	if fuel[0] != fuel[1] || fuel[1] != fuel[2] {
		t.Fatalf("fuel differs between identical runs: %v", fuel)
	}
}
