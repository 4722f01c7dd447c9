package vfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// setup returns an FS with a writable /app, a read-only /data and a host
// directory outside both holding a secret file.
func setup(t *testing.T) (*FS, string, string) {
	t.Helper()
	base := t.TempDir()
	app := filepath.Join(base, "app")
	data := filepath.Join(base, "data")
	for _, d := range []string{app, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(base, "secret.txt")
	if err := os.WriteFile(secret, []byte("top secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "ro.txt"), []byte("read only"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := New([]Mount{{Guest: "/app", Host: app, Writable: true}, {Guest: "/mnt/data", Host: data}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, app, secret
}

func code(err error) string {
	var ve *Error
	if errors.As(err, &ve) {
		return ve.Code
	}
	if err == nil {
		return "<nil>"
	}
	return "not a vfs error: " + err.Error()
}

func TestRoundTrip(t *testing.T) {
	f, app, _ := setup(t)
	if err := f.WriteFile("/app/a.txt", []byte("hello"), false); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteFile("a.txt", []byte(" world"), true); err != nil { // relative to /app
		t.Fatal(err)
	}
	b, err := f.ReadFile("/app/./x/../a.txt", 0)
	if err != nil || string(b) != "hello world" {
		t.Fatalf("read = %q, %v", b, err)
	}
	if host, _ := os.ReadFile(filepath.Join(app, "a.txt")); string(host) != "hello world" {
		t.Fatalf("host sees %q", host)
	}
	if _, err := f.ReadFile("/app/a.txt", 5); code(err) != "EFBIG" {
		t.Fatalf("maxBytes: %v", err)
	}
	fi, err := f.Stat("/app/a.txt")
	if err != nil || fi.Size != 11 || fi.IsDir() || !fi.IsRegular() {
		t.Fatalf("stat = %+v, %v", fi, err)
	}
	if !f.Exists("/app/a.txt") || f.Exists("/app/nope") {
		t.Fatal("Exists wrong")
	}
	if err := f.Rename("/app/a.txt", "/app/b.txt"); err != nil {
		t.Fatal(err)
	}
	if f.Exists("/app/a.txt") || !f.Exists("/app/b.txt") {
		t.Fatal("rename did not move")
	}
	if err := f.Remove("/app/b.txt", false); err != nil {
		t.Fatal(err)
	}
	if err := f.Remove("/app/b.txt", false); code(err) != "ENOENT" {
		t.Fatalf("second remove: %v", err)
	}
	if _, err := f.ReadFile("/app/missing", 0); code(err) != "ENOENT" || err.Error() != "ENOENT: no such file or directory, open '/app/missing'" {
		t.Fatalf("missing: %v", err)
	}
	if _, err := f.ReadFile("/app/missing", 0); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("errors.Is(ErrNotExist) false")
	}
	if _, err := f.ReadFile("/app", 0); code(err) != "EISDIR" {
		t.Fatalf("read dir: %v", err)
	}
}

func TestMkdirRemoveRecursive(t *testing.T) {
	f, _, _ := setup(t)
	if err := f.Mkdir("/app/a/b/c", false); code(err) != "ENOENT" {
		t.Fatalf("non-recursive mkdir with missing parent: %v", err)
	}
	if err := f.Mkdir("/app/a/b/c", true); err != nil {
		t.Fatal(err)
	}
	if err := f.Mkdir("/app/a/b/c", true); err != nil {
		t.Fatalf("mkdir -p on existing: %v", err)
	}
	if err := f.Mkdir("/app/a", false); code(err) != "EEXIST" {
		t.Fatalf("mkdir existing: %v", err)
	}
	if err := f.WriteFile("/app/a/b/c/f.txt", []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if err := f.WriteFile("/app/a/b/c/f.txt/x", []byte("x"), false); code(err) != "ENOTDIR" {
		t.Fatalf("write under file: %v", err)
	}
	if err := f.Remove("/app/a", false); code(err) != "ENOTEMPTY" {
		t.Fatalf("rmdir non-empty: %v", err)
	}
	list, err := f.ReadDir("/app/a/b")
	if err != nil || len(list) != 1 || list[0].Name != "c" || !list[0].IsDir() {
		t.Fatalf("readdir = %+v, %v", list, err)
	}
	if _, err := f.ReadDir("/app/a/b/c/f.txt"); code(err) != "ENOTDIR" {
		t.Fatalf("readdir file: %v", err)
	}
	if err := f.Remove("/app/a", true); err != nil {
		t.Fatal(err)
	}
	if f.Exists("/app/a") {
		t.Fatal("rm -r left the tree")
	}
	if err := f.Remove("/app", true); code(err) != "EBUSY" {
		t.Fatalf("removing the mount point: %v", err)
	}
}

func TestEscapes(t *testing.T) {
	f, app, secret := setup(t)
	for _, p := range []string{"../../etc/passwd", "/etc/passwd", "/app/../../../etc/passwd", "/" + secret, secret} {
		if _, err := f.ReadFile(p, 0); code(err) != "ENOENT" {
			t.Errorf("ReadFile(%q) = %v, want ENOENT", p, err)
		}
		if err := f.WriteFile(p, []byte("x"), false); code(err) != "ENOENT" {
			t.Errorf("WriteFile(%q) = %v, want ENOENT", p, err)
		}
	}
	// A symlink planted in the host directory pointing outside.
	if err := os.Symlink(secret, filepath.Join(app, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../", filepath.Join(app, "up")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/app/link", "/app/up/secret.txt"} {
		if b, err := f.ReadFile(p, 0); err == nil {
			t.Errorf("ReadFile(%q) escaped: %q", p, b)
		} else if c := code(err); c != "EACCES" && c != "ENOENT" {
			t.Errorf("ReadFile(%q) = %v", p, err)
		} else if strings.Contains(err.Error(), filepath.Dir(secret)) {
			t.Errorf("error leaks host path: %v", err)
		}
		if err := f.WriteFile(p, []byte("pwned"), false); err == nil {
			t.Errorf("WriteFile(%q) escaped", p)
		}
		if _, err := f.Stat(p); err == nil {
			t.Errorf("Stat(%q) escaped", p)
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "top secret" {
		t.Fatalf("secret modified: %q", b)
	}
	// The link itself can be removed (it is inside the mount).
	if err := f.Remove("/app/link", false); err != nil {
		t.Fatalf("remove link: %v", err)
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatal("removing the link removed its target")
	}
	if err := f.Remove("/app/up", true); err != nil {
		t.Fatalf("remove dir link: %v", err)
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatal("rm -r through a link removed outside files")
	}
}

func TestInvalidNames(t *testing.T) {
	f, _, _ := setup(t)
	if _, err := f.ReadFile("/app/a\x00b", 0); code(err) != "EINVAL" {
		t.Errorf("NUL: %v", err)
	}
	if err := f.WriteFile("/app/"+strings.Repeat("a", 256), nil, false); code(err) != "ENAMETOOLONG" {
		t.Errorf("long name: %v", err)
	}
	long := "/app" + strings.Repeat("/abcdefgh", 600)
	if _, err := f.Stat(long); code(err) != "ENAMETOOLONG" {
		t.Errorf("long path: %v", err)
	}
	if _, err := f.Stat(""); code(err) != "ENOENT" {
		t.Errorf("empty path: %v", err)
	}
}

func TestReadOnlyAndCrossMount(t *testing.T) {
	f, _, _ := setup(t)
	if b, err := f.ReadFile("/mnt/data/ro.txt", 0); err != nil || string(b) != "read only" {
		t.Fatalf("read ro mount: %q %v", b, err)
	}
	if err := f.WriteFile("/mnt/data/ro.txt", []byte("x"), false); code(err) != "EROFS" {
		t.Errorf("write ro: %v", err)
	}
	if err := f.WriteFile("/mnt/data/new.txt", []byte("x"), true); code(err) != "EROFS" {
		t.Errorf("create ro: %v", err)
	}
	if err := f.Mkdir("/mnt/data/d", true); code(err) != "EROFS" {
		t.Errorf("mkdir ro: %v", err)
	}
	if err := f.Remove("/mnt/data/ro.txt", false); code(err) != "EROFS" {
		t.Errorf("rm ro: %v", err)
	}
	if err := f.WriteFile("/app/x", []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if err := f.Rename("/app/x", "/mnt/data/x"); code(err) != "EROFS" {
		t.Errorf("rename into ro: %v", err)
	}
	g, err := New([]Mount{{Guest: "/a", Host: t.TempDir(), Writable: true}, {Guest: "/b", Host: t.TempDir(), Writable: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := g.WriteFile("/a/f", []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if err := g.Rename("/a/f", "/b/f"); code(err) != "EXDEV" {
		t.Errorf("cross-mount rename: %v", err)
	}
	// Virtual ancestors of mount points.
	list, err := f.ReadDir("/")
	if err != nil || len(list) != 2 || list[0].Name != "app" || list[1].Name != "mnt" {
		t.Errorf("readdir / = %+v, %v", list, err)
	}
	if fi, err := f.Stat("/mnt"); err != nil || !fi.IsDir() {
		t.Errorf("stat /mnt = %+v %v", fi, err)
	}
	if err := f.WriteFile("/mnt/x", nil, false); code(err) != "EROFS" {
		t.Errorf("write in virtual dir: %v", err)
	}
	if _, err := f.Stat("/etc"); code(err) != "ENOENT" {
		t.Errorf("stat /etc: %v", err)
	}
}
