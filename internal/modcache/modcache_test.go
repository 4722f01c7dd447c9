package modcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

const addWAT = `(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add))`

// setup writes a tiny wasm module to a temporary file and returns its path
// and a matching artifact.
func setup(t *testing.T) (string, runtimes.Artifact) {
	t.Helper()
	wasm, err := wasmtime.Wat2Wasm(addWAT)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "add.wasm")
	if err := os.WriteFile(p, wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	return p, runtimes.Artifact{Name: "test", FileSHA256: hex.EncodeToString(sum[:])}
}

// callAdd instantiates m and checks that add(2, 3) is 5.
func callAdd(t *testing.T, engine *wasmtime.Engine, m *wasmtime.Module) {
	t.Helper()
	store := wasmtime.NewStore(engine)
	inst, err := wasmtime.NewInstance(store, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := inst.GetFunc(store, "add").Call(store, 2, 3)
	if err != nil || got.(int32) != 5 {
		t.Fatalf("add(2, 3) = %v, %v", got, err)
	}
}

// replaceFile atomically replaces name with a new file holding data.
func replaceFile(t *testing.T, name string, data []byte) {
	t.Helper()
	tmp := name + ".new"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, engine *wasmtime.Engine, key string, a runtimes.Artifact, wasmPath, dir string) (*wasmtime.Module, string) {
	t.Helper()
	var progress bytes.Buffer
	m, err := Load(engine, key, a, wasmPath, dir, &progress)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	callAdd(t, engine, m)
	return m, progress.String()
}

func TestLoadCachesAndRecovers(t *testing.T) {
	engine := wasmtime.NewEngine()
	wasmPath, a := setup(t)
	dir := filepath.Join(t.TempDir(), "modules")
	cached := Path(dir, a.FileSHA256, "default")

	_, out := load(t, engine, "default", a, wasmPath, dir)
	if !strings.Contains(out, "compiling test runtime (one time") {
		t.Errorf("first load progress = %q, want a compiling line", out)
	}
	if _, err := os.Stat(cached); err != nil {
		t.Fatalf("cache file missing after first load: %v", err)
	}

	// The second load deserializes: no compile, and it does not even need
	// the wasm file.
	if err := os.Remove(wasmPath); err != nil {
		t.Fatal(err)
	}
	if _, out := load(t, engine, "default", a, wasmPath, dir); out != "" {
		t.Errorf("second load progress = %q, want none", out)
	}
	good, _ := os.ReadFile(cached)
	wasm, _ := wasmtime.Wat2Wasm(addWAT)
	os.WriteFile(wasmPath, wasm, 0o644)

	for name, corrupt := range map[string][]byte{
		"garbage":   []byte("this is not a compiled module"),
		"truncated": good[:len(good)/2],
		"empty":     {},
	} {
		t.Run(name, func(t *testing.T) {
			// Replace the entry rather than overwrite it in place: modules
			// loaded earlier in this process still map the old file, and
			// truncating a mapped file would kill the process (SIGBUS).
			replaceFile(t, cached, corrupt)
			_, out := load(t, engine, "default", a, wasmPath, dir)
			if !strings.Contains(out, "unusable") || !strings.Contains(out, "compiling") {
				t.Errorf("progress = %q, want unusable + compiling", out)
			}
			// The entry was rebuilt: the next load deserializes again.
			if _, out := load(t, engine, "default", a, wasmPath, dir); out != "" {
				t.Errorf("load after recovery progress = %q, want none", out)
			}
		})
	}

	// No temporary files are left behind.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != filepath.Base(cached) {
		t.Errorf("cache dir holds %v, want only %s", ents, filepath.Base(cached))
	}
}

func TestKeySeparatesEngines(t *testing.T) {
	wasmPath, a := setup(t)
	dir := t.TempDir()
	if Key(a.FileSHA256, "fuel=on") == Key(a.FileSHA256, "fuel=off") {
		t.Fatal("different engine keys give the same cache key")
	}
	if first, again := Key(a.FileSHA256, "x"), Key(a.FileSHA256, "x"); first != again {
		t.Fatal("key is not deterministic")
	}

	cfg := wasmtime.NewConfig()
	cfg.SetConsumeFuel(true)
	fuel := wasmtime.NewEngineWithConfig(cfg)
	plain := wasmtime.NewEngine()
	load(t, plain, "plain", a, wasmPath, dir)
	m, err := Load(fuel, "fuel", a, wasmPath, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(fuel)
	if err := store.SetFuel(1000); err != nil {
		t.Fatal(err)
	}
	if _, err := wasmtime.NewInstance(store, m, nil); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"plain", "fuel"} {
		if _, err := os.Stat(Path(dir, a.FileSHA256, k)); err != nil {
			t.Errorf("no cache entry for %s: %v", k, err)
		}
	}

	// An entry built by an incompatible engine under the wrong key is
	// rejected by wasmtime and rebuilt rather than used.
	if err := os.Rename(Path(dir, a.FileSHA256, "fuel"), Path(dir, a.FileSHA256, "plain")); err != nil {
		t.Fatal(err)
	}
	if _, out := load(t, plain, "plain", a, wasmPath, dir); !strings.Contains(out, "compiling") {
		t.Errorf("mismatched entry was used: progress %q", out)
	}
}

func TestLoadChecksWasmHash(t *testing.T) {
	engine := wasmtime.NewEngine()
	wasmPath, a := setup(t)
	dir := t.TempDir()
	a.FileSHA256 = strings.Repeat("0", 64)
	_, err := Load(engine, "k", a, wasmPath, dir, nil)
	if !errors.Is(err, runtimes.ErrIntegrity) {
		t.Fatalf("err = %v, want ErrIntegrity", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("cache written for a mismatched module: %v", ents)
	}
	a.FileSHA256 = "nope"
	if _, err := Load(engine, "k", a, wasmPath, dir, nil); err == nil {
		t.Error("invalid sha256 accepted")
	}
	_, a = setup(t)
	if _, err := Load(engine, "k", a, filepath.Join(dir, "missing.wasm"), dir, nil); !errors.Is(err, runtimes.ErrNotInstalled) {
		t.Errorf("missing wasm: %v, want ErrNotInstalled", err)
	}
}

func TestLoadUnwritableOrDisabledCache(t *testing.T) {
	engine := wasmtime.NewEngine()
	wasmPath, a := setup(t)
	// A cache "directory" that is a file: the module still loads.
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	if _, out := load(t, engine, "k", a, wasmPath, notDir); !strings.Contains(out, "not cached") {
		t.Errorf("progress = %q, want a not-cached note", out)
	}
	// An empty cache dir disables caching.
	load(t, engine, "k", a, wasmPath, "")
}

func TestLoadIgnoresUnsafeEntries(t *testing.T) {
	if os.Geteuid() == -1 {
		t.Skip("no unix permissions")
	}
	engine := wasmtime.NewEngine()
	wasmPath, a := setup(t)
	dir := t.TempDir()
	load(t, engine, "k", a, wasmPath, dir)
	p := Path(dir, a.FileSHA256, "k")
	if err := os.Chmod(p, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, out := load(t, engine, "k", a, wasmPath, dir); !strings.Contains(out, "compiling") {
		t.Errorf("world-writable entry was used: progress %q", out)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("rebuilt entry mode = %v, want 0644", st.Mode().Perm())
	}
}

func TestConcurrentLoad(t *testing.T) {
	engine := wasmtime.NewEngine()
	wasmPath, a := setup(t)
	dir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	mods := make([]*wasmtime.Module, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mods[i], errs[i] = Load(engine, "k", a, wasmPath, dir, nil)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Load %d: %v", i, errs[i])
		}
		callAdd(t, engine, mods[i])
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("cache dir holds %d entries, want 1", len(ents))
	}
	if _, out := load(t, engine, "k", a, wasmPath, dir); out != "" {
		t.Errorf("load after concurrent fill progress = %q, want none", out)
	}
}

func TestWasmtimeVersion(t *testing.T) {
	if v := WasmtimeVersion(); !strings.HasPrefix(v, "v39.") {
		t.Errorf("WasmtimeVersion() = %q", v)
	}
	if got, want := Dir("/h"), filepath.FromSlash("/h/modules"); got != want {
		t.Errorf("Dir = %q, want %q", got, want)
	}
}
