package runtimes

import (
	"fmt"
	"os"
	"path/filepath"
)

// HomeEnv is the environment variable that overrides the default home
// directory (installed runtimes and the compiled-module cache).
const HomeEnv = "WASMSANDBOX_HOME"

// Home resolves the wasmsandbox home directory: explicit when it is not
// empty, else $WASMSANDBOX_HOME when set and not empty, else the user cache
// directory (os.UserCacheDir) + "/wasmsandbox". The result is absolute. The
// directory is not created.
func Home(explicit string) (string, error) {
	dir := explicit
	if dir == "" {
		dir = os.Getenv(HomeEnv)
	}
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the user cache directory (%v): set %s or pass an explicit home directory", err, HomeEnv)
		}
		dir = filepath.Join(cache, "wasmsandbox")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolving home directory %q: %w", dir, err)
	}
	return abs, nil
}
