package session

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
	"github.com/wasmsandbox/sandbox/internal/errs"
)

// MetaFile is the name of a session's metadata file; MetaVersion is the
// format written. Metadata is written to a temporary file in the session
// directory and renamed over MetaFile, so a crash leaves either the old or
// the new metadata, never a mix (at worst a stray "meta.json.tmp-*").
const (
	MetaFile    = "meta.json"
	metaTmp     = MetaFile + ".tmp-"
	MetaVersion = 1
	// metaMaxBytes bounds what readMeta reads; real metadata is a few KiB.
	metaMaxBytes = 1 << 20
)

// Meta is the content of meta.json. It lives outside the workspace, out
// of the guest's reach.
type Meta struct {
	Version            int    `json:"version"`
	ID                 string `json:"session_id"`
	Runtime            string `json:"runtime"`
	AutoPersistGlobals bool   `json:"auto_persist_globals"`
	StateMaxBytes      int64  `json:"state_max_bytes,omitempty"`
	// Owner is an opaque label of who created the session (the MCP HTTP
	// server stores a hash of the client's token); empty for none.
	Owner string `json:"owner,omitempty"`
	// Policy is fixed at creation, stored with its defaults filled in so a
	// later change of defaults does not change existing sessions. It is
	// the JSON of the root package's Policy, which decodes it.
	Policy json.RawMessage `json:"policy"`
	// Nonce is drawn when the session is created, so a handle can tell
	// its session from a later one created under the same ID.
	Nonce      string    `json:"nonce,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	Executions int64     `json:"executions"`
	FuelUsed   uint64    `json:"fuel_used"`
}

// ReadMeta reads and checks the metadata of the session id in dir, whose
// runtime must be one of known: errs.SessionNotFound when the session
// directory does not exist, errs.SessionCorrupt (naming the problem) when
// the metadata is missing, truncated or inconsistent.
func ReadMeta(dir, id string, known []string) (*Meta, error) {
	if _, err := os.Lstat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", errs.SessionNotFound, id)
		}
		return nil, fmt.Errorf("%w: session %s: %v", errs.Internal, id, err)
	}
	f, err := os.Open(filepath.Join(dir, MetaFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if tmps := leftoverMetaTemps(dir); len(tmps) > 0 {
				return nil, Corrupt(id, "%s is missing and %s was left by an interrupted write", MetaFile, tmps[0])
			}
			return nil, Corrupt(id, "%s is missing", MetaFile)
		}
		return nil, fmt.Errorf("%w: session %s: reading %s: %v", errs.Internal, id, MetaFile, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, metaMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: reading %s: %v", errs.Internal, id, MetaFile, err)
	}
	if len(data) > metaMaxBytes {
		return nil, Corrupt(id, "%s is larger than %d bytes", MetaFile, metaMaxBytes)
	}
	if len(data) == 0 {
		return nil, Corrupt(id, "%s is empty", MetaFile)
	}
	var m Meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, Corrupt(id, "%s is not valid (%v)", MetaFile, err)
	}
	switch {
	case m.Version != MetaVersion:
		return nil, Corrupt(id, "%s has format version %d, this program reads version %d", MetaFile, m.Version, MetaVersion)
	case m.ID != id:
		return nil, Corrupt(id, "%s names session %q", MetaFile, m.ID)
	case !slices.Contains(known, m.Runtime):
		return nil, Corrupt(id, "%s names an unknown runtime %q", MetaFile, m.Runtime)
	case m.CreatedAt.IsZero():
		return nil, Corrupt(id, "%s has no creation time", MetaFile)
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

// WriteMeta replaces dir's metadata atomically: a temporary file, synced,
// renamed over meta.json. The caller holds the session lock (or owns dir),
// so temporary files left by earlier crashes are removed too.
func WriteMeta(dir string, m *Meta) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(filepath.Join(dir, MetaFile), data, 0o600, metaTmp+"*"); err != nil {
		return err
	}
	for _, old := range leftoverMetaTemps(dir) {
		os.Remove(filepath.Join(dir, old))
	}
	return nil
}

// Corrupt is the error of session id whose metadata is unusable.
func Corrupt(id, format string, args ...any) error {
	return fmt.Errorf("%w: session %s: %s; delete it (`wasmsandbox session rm %s`) or restore %s",
		errs.SessionCorrupt, id, fmt.Sprintf(format, args...), id, MetaFile)
}
