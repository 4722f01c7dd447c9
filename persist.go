package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/atomicfile"
)

// State persistence (auto_persist_globals).
//
// A session that persists globals keeps one opaque payload, produced by the
// guest runtime at the end of an execution and handed back to it at the
// start of the next. The host never interprets the payload; it stores it in
// <session>/state/globals.state behind a header carrying its length and
// SHA-256, so a truncated or damaged file is a clear ErrSessionCorrupt, not
// a confused guest. The payload is capped (SessionConfig.StateMaxBytes):
// the runtime does not save a larger one and keeps the previous.
//
// How a runtime saves and restores is its own business, behind
// guestRuntime.persist:
//
//   - Python (pythonPersist, persist.py) is a WASI command, so the payload
//     travels through a directory (the session's stage/, created empty for
//     each execution) mounted read-write at stateGuestDir: the host writes
//     "in", the bootstrap restores from it before the code and, after the
//     code (also when it raised or called sys.exit), writes "out" and then
//     "report.json", which collectStage reads back through an os.Root.
//   - JavaScript (jsPersist, quickjs.Host.PersistGlobals) runs in-process
//     behind host functions, so runJavaScript hands st.in and st.max to the
//     runtime directly and sets st.saved/st.out/st.notKept from what it
//     returns; jsPersist has nothing to prepare. The payload is a JSON
//     object of the globals JSON can hold: a script's top-level
//     declarations and what the code added to globalThis (an ES module's
//     own bindings are private to it and are not kept).
//
// When a limit kills the guest (fuel, memory, timeout) nothing is saved and
// the previous state stays.

// stateGuestDir is where a persisting Python guest sees its stage
// directory; session policies may not mount anything over it.
const stateGuestDir = "/.wasmsandbox-state"

// stateFile is the saved payload inside <session>/state.
const stateFile = "globals.state"

// stateMagic starts the header line of a state file:
// "wasmsandbox-state 1 <length> <sha256 hex>\n".
const stateMagic = "wasmsandbox-state 1"

// guestState is the state of one execution of a persisting session.
type guestState struct {
	// in is the payload saved by the previous execution, nil when none.
	in []byte
	// max is the largest payload that will be kept.
	max int64
	// stage is an empty host directory private to this execution, removed
	// afterwards, that the runtime may use to exchange the payload.
	stage string

	// Set by the runtime once the guest has ended:
	// saved says that out is the new payload to keep.
	saved bool
	out   []byte
	// notKept names the globals that were not kept (reasons go to stderr).
	notKept []string
}

// persistFunc prepares an execution under p to restore and save st: it may
// add mounts to p (the policy of this execution only). finish, when not
// nil, is called once the guest has ended to fill st's output fields.
type persistFunc func(p *Policy, st *guestState) (finish func(), err error)

type guestStateKey struct{}

// withGuestState attaches st to the context of one execution.
func withGuestState(ctx context.Context, st *guestState) context.Context {
	if st == nil {
		return ctx
	}
	return context.WithValue(ctx, guestStateKey{}, st)
}

// guestState returns the persistence state of x, or nil when x does not
// persist globals.
func (x *execution) guestState() *guestState {
	if x == nil || x.ctx == nil {
		return nil
	}
	st, _ := x.ctx.Value(guestStateKey{}).(*guestState)
	return st
}

// readState returns the saved payload in dir (nil when none), checking
// its header, length and checksum.
func readState(dir, id string, max int64) ([]byte, error) {
	f, err := os.Open(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: reading saved globals: %v", ErrInternal, id, err)
	}
	defer f.Close()
	corrupt := func(why string) error {
		return fmt.Errorf("%w: session %s: the saved globals are unusable (%s); discard them with Session.ClearState or `wasmsandbox session reset %s`",
			ErrSessionCorrupt, id, why, id)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+256))
	if err != nil {
		return nil, fmt.Errorf("%w: session %s: reading saved globals: %v", ErrInternal, id, err)
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

// writeState replaces the saved payload in dir atomically.
func writeState(dir string, payload []byte) error {
	sum := sha256.Sum256(payload)
	header := fmt.Sprintf("%s %d %s\n", stateMagic, len(payload), hex.EncodeToString(sum[:]))
	data := append([]byte(header), payload...)
	return atomicfile.WriteFile(filepath.Join(dir, stateFile), data, 0o600, stateFile+".tmp-*")
}

// stageReport is the report.json a guest writes into its stage directory
// once it has saved (or decided not to save) its globals.
type stageReport struct {
	Saved   bool     `json:"saved"`
	Bytes   int64    `json:"bytes"`
	NotKept []string `json:"not_kept"`
}

// Bounds on what collectStage accepts from the guest.
const (
	stageReportMaxBytes = 1 << 20
	maxNotKept          = 1000
	maxNotKeptName      = 200
)

// collectStage reads what the guest left in st.stage. It goes through an
// os.Root and refuses anything but regular files, so symbolic links the
// guest planted there cannot make the host read its own files.
func collectStage(st *guestState) {
	root, err := os.OpenRoot(st.stage)
	if err != nil {
		return
	}
	defer root.Close()
	raw, ok := readRegular(root, "report.json", stageReportMaxBytes)
	if !ok {
		return // the guest was stopped before it finished saving
	}
	var rep stageReport
	if json.Unmarshal(raw, &rep) != nil {
		return
	}
	for _, name := range rep.NotKept {
		if len(st.notKept) == maxNotKept {
			break
		}
		if len(name) > maxNotKeptName {
			name = name[:maxNotKeptName]
		}
		st.notKept = append(st.notKept, name)
	}
	if !rep.Saved || rep.Bytes > st.max {
		return
	}
	out, ok := readRegular(root, "out", st.max)
	if ok && int64(len(out)) == rep.Bytes {
		st.saved, st.out = true, out
	}
}

// readRegular reads name from root when it is a regular file of at most
// max bytes.
func readRegular(root *os.Root, name string, max int64) ([]byte, bool) {
	fi, err := root.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > max {
		return nil, false
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil || int64(len(data)) > max {
		return nil, false
	}
	return data, true
}
