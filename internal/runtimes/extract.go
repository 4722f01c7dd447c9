package runtimes

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Size caps applied while unpacking a package tarball.
const (
	maxWasmBytes     = 256 << 20 // one wasm module
	maxLicenseBytes  = 4 << 20   // one licence file
	maxUnpackedBytes = 1 << 30   // everything gzip yields, kept or not
)

// typeRegA is the deprecated tar type flag for regular files ('\x00').
const typeRegA = '\x00'

// checkEntryName refuses tar entry names that could escape the destination:
// empty, absolute, with a volume name, backslashes, NUL or ".." components.
func checkEntryName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.ContainsAny(name, "\\\x00"):
		return errors.New("backslash or NUL in name")
	case strings.HasPrefix(name, "/"), filepath.IsAbs(name), filepath.VolumeName(filepath.FromSlash(name)) != "":
		return errors.New("absolute name")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return errors.New("parent directory in name")
		}
	}
	return nil
}

// wanted is one tarball entry to keep.
type wanted struct {
	dest   string // final path
	max    int64  // size cap
	isWasm bool
	tmp    string // staged temporary file, once written
}

// extract unpacks from the gzip tarball r only a.File and a.Licenses into
// dir, verifying the wasm module's sha256. Files are staged as temporary
// files in dir and renamed into place only when the whole tarball is read
// and verified. Any unsafe entry fails the whole extraction.
func extract(r io.Reader, a Artifact, dir string) (err error) {
	want := map[string]*wanted{
		path.Clean(a.File): {dest: filepath.Join(dir, path.Base(a.File)), max: maxWasmBytes, isWasm: true},
	}
	for _, l := range a.Licenses {
		c := path.Clean(l)
		if _, dup := want[c]; dup {
			continue
		}
		rel := c
		if _, rest, ok := strings.Cut(c, "/"); ok {
			rel = rest // drop the tarball's top directory ("package/")
		}
		want[c] = &wanted{dest: filepath.Join(dir, filepath.FromSlash(rel)), max: maxLicenseBytes}
	}
	defer func() {
		if err != nil {
			for _, w := range want {
				if w.tmp != "" {
					os.Remove(w.tmp)
				}
			}
		}
	}()

	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("%w: %s: not a gzip tarball: %v", ErrUnsafeArchive, a.Spec(), err)
	}
	lr := &limitedReader{r: gz, left: maxUnpackedBytes}
	tr := tar.NewReader(lr)
	var wasmSum hash.Hash
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errTooMuch) {
			return fmt.Errorf("%w: %s: more than %d bytes unpacked", ErrUnsafeArchive, a.Spec(), maxUnpackedBytes)
		}
		if err != nil {
			return fmt.Errorf("%w: %s: reading tarball: %v", ErrUnsafeArchive, a.Spec(), err)
		}
		if err := checkEntryName(hdr.Name); err != nil {
			return fmt.Errorf("%w: %s: entry %q: %v", ErrUnsafeArchive, a.Spec(), hdr.Name, err)
		}
		switch hdr.Typeflag {
		case tar.TypeReg, typeRegA:
		case tar.TypeDir, tar.TypeXGlobalHeader:
			continue
		default:
			return fmt.Errorf("%w: %s: entry %q is a %s (links, devices and other special files are refused)",
				ErrUnsafeArchive, a.Spec(), hdr.Name, typeName(hdr.Typeflag))
		}
		w := want[path.Clean(hdr.Name)]
		if w == nil {
			continue
		}
		if w.tmp != "" {
			return fmt.Errorf("%w: %s: duplicate entry %q", ErrUnsafeArchive, a.Spec(), hdr.Name)
		}
		if hdr.Size < 0 || hdr.Size > w.max {
			return fmt.Errorf("%w: %s: entry %q is %d bytes, more than the %d allowed", ErrUnsafeArchive, a.Spec(), hdr.Name, hdr.Size, w.max)
		}
		var h hash.Hash
		if w.isWasm {
			h = sha256.New()
			wasmSum = h
		}
		if err := stage(w, tr, hdr.Size, h); err != nil {
			if errors.Is(err, errTooMuch) {
				return fmt.Errorf("%w: %s: more than %d bytes unpacked", ErrUnsafeArchive, a.Spec(), maxUnpackedBytes)
			}
			return fmt.Errorf("%s: extracting %q: %w", a.Spec(), hdr.Name, err)
		}
	}
	for name, w := range want {
		if w.tmp == "" {
			return fmt.Errorf("%w: %s: tarball has no %q", ErrIntegrity, a.Spec(), name)
		}
	}
	if got := hex.EncodeToString(wasmSum.Sum(nil)); got != a.FileSHA256 {
		return fmt.Errorf("%w: %s: %s has sha256 %s, want %s; it was not installed", ErrIntegrity, a.Spec(), a.File, got, a.FileSHA256)
	}
	// Licences first, the wasm module last: its presence means "installed".
	var wasm *wanted
	for _, w := range want {
		if w.isWasm {
			wasm = w
			continue
		}
		if err := os.Rename(w.tmp, w.dest); err != nil {
			return err
		}
		w.tmp = ""
	}
	if err := os.Rename(wasm.tmp, wasm.dest); err != nil {
		return err
	}
	wasm.tmp = ""
	return nil
}

// stage copies exactly size bytes of r into a new temporary file next to
// w.dest (hashing them into h when not nil), syncs it and records it in w.tmp.
func stage(w *wanted, r io.Reader, size int64, h hash.Hash) error {
	if err := os.MkdirAll(filepath.Dir(w.dest), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(w.dest), ".tmp-"+filepath.Base(w.dest)+"-*")
	if err != nil {
		return err
	}
	w.tmp = f.Name()
	var dst io.Writer = f
	if h != nil {
		dst = io.MultiWriter(f, h)
	}
	n, err := io.Copy(dst, io.LimitReader(r, size))
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var errTooMuch = errors.New("too much data")

// limitedReader fails with errTooMuch once more than left bytes are read.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errTooMuch
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// typeName names a tar type flag for error messages.
func typeName(t byte) string {
	switch t {
	case tar.TypeSymlink:
		return "symbolic link"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "named pipe"
	}
	return fmt.Sprintf("special entry (type %q)", string(t))
}
