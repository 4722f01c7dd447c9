package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/wasmsandbox/sandbox/internal/atomicfile"
)

// metaFile is the name of a session's metadata file; metaVersion is the
// format written. Metadata is written to a temporary file in the session
// directory and renamed over metaFile, so a crash leaves either the old or
// the new metadata, never a mix (at worst a stray "meta.json.tmp-*").
const (
	metaFile    = "meta.json"
	metaTmp     = metaFile + ".tmp-"
	metaVersion = 1
	// metaMaxBytes bounds what readMeta reads; real metadata is a few KiB.
	metaMaxBytes = 1 << 20
)

// sessionMeta is the content of meta.json. It lives outside the workspace,
// out of the guest's reach.
type sessionMeta struct {
	Version            int     `json:"version"`
	ID                 string  `json:"session_id"`
	Runtime            Runtime `json:"runtime"`
	AutoPersistGlobals bool    `json:"auto_persist_globals"`
	StateMaxBytes      int64   `json:"state_max_bytes,omitempty"`
	// Policy is fixed at creation, stored with its defaults filled in so a
	// later change of defaults does not change existing sessions.
	Policy     Policy    `json:"policy"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	Executions int64     `json:"executions"`
	FuelUsed   uint64    `json:"fuel_used"`
}

// readMeta reads and checks the metadata of the session id in dir:
// ErrSessionNotFound when the session directory does not exist,
// ErrSessionCorrupt (naming the problem) when the metadata is missing,
// truncated or inconsistent.
func readMeta(dir, id string) (*sessionMeta, error) {
	if _, err := os.Lstat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrSessionNotFound, id)
		}
		return nil, fmt.Errorf("%w: session %s: %v", ErrInternal, id, err)
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: session %s: %s; delete it (`wasmsandbox session rm %s`) or restore %s",
			ErrSessionCorrupt, id, fmt.Sprintf(format, args...), id, metaFile)
	}
	f, err := os.Open(filepath.Join(dir, metaFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if tmps := leftoverMetaTemps(dir); len(tmps) > 0 {
				return nil, corrupt("%s is missing and %s was left by an interrupted write", metaFile, tmps[0])
			}
			return nil, corrupt("%s is missing", metaFile)
		}
		return nil, fmt.Errorf("%w: session %s: reading %s: %v", ErrInternal, id, metaFile, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, metaMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: reading %s: %v", ErrInternal, id, metaFile, err)
	}
	if len(data) > metaMaxBytes {
		return nil, corrupt("%s is larger than %d bytes", metaFile, metaMaxBytes)
	}
	if len(data) == 0 {
		return nil, corrupt("%s is empty", metaFile)
	}
	var m sessionMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, corrupt("%s is not valid (%v)", metaFile, err)
	}
	switch {
	case m.Version != metaVersion:
		return nil, corrupt("%s has format version %d, this program reads version %d", metaFile, m.Version, metaVersion)
	case m.ID != id:
		return nil, corrupt("%s names session %q", metaFile, m.ID)
	case !slices.Contains(Runtimes(), m.Runtime):
		return nil, corrupt("%s names an unknown runtime %q", metaFile, m.Runtime)
	case m.CreatedAt.IsZero():
		return nil, corrupt("%s has no creation time", metaFile)
	}
	return &m, nil
}

// leftoverMetaTemps lists temporary metadata files in dir.
func leftoverMetaTemps(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, metaTmp+"*"))
	for i, m := range matches {
		matches[i] = filepath.Base(m)
	}
	return matches
}

// writeMeta replaces dir's metadata atomically: a temporary file, synced,
// renamed over meta.json. The caller holds the session lock (or owns dir),
// so temporary files left by earlier crashes are removed too.
func writeMeta(dir string, m *sessionMeta) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(filepath.Join(dir, metaFile), data, 0o600, metaTmp+"*"); err != nil {
		return err
	}
	for _, old := range leftoverMetaTemps(dir) {
		os.Remove(filepath.Join(dir, old))
	}
	return nil
}
