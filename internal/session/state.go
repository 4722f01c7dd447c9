package session

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/atomicfile"
	"github.com/wasmsandbox/sandbox/internal/errs"
)

// State persistence (auto_persist_globals).
//
// A session that persists globals keeps one opaque payload, produced by the
// guest runtime at the end of an execution and handed back to it at the
// start of the next. The host never interprets the payload; it stores it in
// <session>/state/globals.state behind a header carrying its length and
// SHA-256, so a truncated or damaged file is a clear errs.SessionCorrupt, not
// a confused guest. The payload is capped (SessionConfig.StateMaxBytes):
// the runtime does not save a larger one and keeps the previous.
//
// How a runtime saves and restores is its own business, behind
// engine.Globals:
//
//   - Python (internal/python, persist.py) is a WASI command, so the
//     payload travels through a directory (the session's stage/, created
//     empty for each execution) mounted read-write at python.StateGuestDir:
//     the host writes "in", the bootstrap restores from it before the code
//     and, after the code (also when it raised or called sys.exit), writes
//     "out" and then "report.json", which python.CollectStage reads back
//     through an os.Root.
//   - JavaScript (internal/javascript, quickjs.Host.PersistGlobals) runs
//     in-process behind host functions, so the payload goes in and out of
//     the runtime directly. It is a JSON object of the globals JSON can
//     hold: a script's top-level declarations and what the code added to
//     globalThis (an ES module's own bindings are private to it and are not
//     kept).
//
// When a limit kills the guest (fuel, memory, timeout) nothing is saved and
// the previous state stays.

// StateFile is the saved payload inside <session>/state.
const StateFile = "globals.state"

// stateMagic starts the header line of a state file:
// "wasmsandbox-state 1 <length> <sha256 hex>\n".
const stateMagic = "wasmsandbox-state 1"

// ReadState returns the saved payload in dir (nil when none), checking
// its header, length and checksum.
func ReadState(dir, id string, max int64) ([]byte, error) {
	f, err := os.Open(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: reading saved globals: %v", errs.Internal, id, err)
	}
	defer f.Close()
	corrupt := func(why string) error {
		return fmt.Errorf("%w: session %s: the saved globals are unusable (%s); discard them with Session.ClearState or `wasmsandbox session reset %s`",
			errs.SessionCorrupt, id, why, id)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+256))
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: reading saved globals: %v", errs.Internal, id, err)
	}
	header, payload, ok := bytes.Cut(data, []byte{'\n'})
	if !ok {
		return nil, corrupt("no header")
	}
	fields := strings.Fields(string(header))
	if len(fields) != 4 || fields[0]+" "+fields[1] != stateMagic {
		return nil, corrupt("bad header")
	}
	n, err := strconv.ParseInt(fields[2], 10, 64)
	switch {
	case err != nil || n < 0:
		return nil, corrupt("bad header")
	case n > max:
		return nil, corrupt(fmt.Sprintf("%d bytes, over the limit of %d", n, max))
	case int64(len(payload)) != n:
		return nil, corrupt(fmt.Sprintf("%d bytes instead of %d: truncated", len(payload), n))
	}
	sum := sha256.Sum256(payload)
	if hex.EncodeToString(sum[:]) != fields[3] {
		return nil, corrupt("checksum mismatch")
	}
	return payload, nil
}

// WriteState replaces the saved payload in dir atomically.
func WriteState(dir string, payload []byte) error {
	sum := sha256.Sum256(payload)
	header := fmt.Sprintf("%s %d %s\n", stateMagic, len(payload), hex.EncodeToString(sum[:]))
	data := append([]byte(header), payload...)
	return atomicfile.WriteFile(filepath.Join(dir, StateFile), data, 0o600, StateFile+".tmp-*")
}
