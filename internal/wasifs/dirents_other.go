//go:build !linux

package wasifs

import (
	"io"
	"os"
)

// readEntries reads the next entries of the directory f; it returns io.EOF
// at the end.
func readEntries(f *os.File, _ uint64) ([]dirent, error) {
	des, err := f.ReadDir(256)
	var out []dirent
	for _, de := range des {
		var ino uint64 = 1
		if fi, err := de.Info(); err == nil {
			if s, ok := sysStat(fi); ok {
				ino = guestIno(s.dev, s.ino)
			}
		}
		out = append(out, dirent{ino: ino, typ: fileType(de.Type()), name: de.Name()})
	}
	if err == io.EOF && len(out) > 0 {
		err = nil
	}
	return out, err
}
