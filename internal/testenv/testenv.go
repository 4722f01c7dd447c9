// Package testenv gives the project's tests the real guest runtimes.
package testenv

import (
	"context"
	"fmt"
	"os"

	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// Home installs every pinned runtime and the time-zone data, with npm, into the runtime directory
// the CLI uses by default ($WASMSANDBOX_HOME, else the user cache directory)
// and returns that directory. Installing happens once per machine, and the
// compiled-module cache there is shared by every test binary. On failure it
// prints why and exits: no test can be meaningful without the runtimes.
// Call it from TestMain.
func Home() string {
	home, err := runtimes.Home("")
	if err != nil {
		fail("locating the runtime directory", err)
	}
	for _, a := range append(runtimes.All, runtimes.TZData) {
		if _, err := runtimes.Ensure(context.Background(), home, a, os.Stderr); err != nil {
			fail("installing the "+a.Name+" runtime", err)
		}
	}
	return home
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "testenv: %s: %v\n", what, err)
	os.Exit(1)
}
