// Package python runs CPython, the WASI command module of the pinned
// python-wasi artifact, in an engine.Execution: the interpreter's command
// line, the bootstrap that runs the user's code as __main__, and the
// persistence of a session's globals through a staged directory.
package python

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/errs"
)

// Argv is the default interpreter command line: isolated mode (no user
// site, no PYTHON* variables, no script directory on sys.path), UTF-8
// mode, and unbuffered streams so output written before a limit stops the
// guest is not lost (a snapshot replaces stdout with a buffered writer
// whose unflushed bytes the host recovers instead; see outbuf.go).
// FullArgv appends `-c BOOTSTRAP CODE`.
var Argv = []string{"python", "-I", "-X", "utf8", "-u"}

// bootstrap runs the user's code as __main__ with the workspace as the
// working directory and tracebacks that point at "main.py" lines.
//
//go:embed bootstrap.py
var bootstrap string

// compatSource makes code written for a regular CPython run unchanged
// (asyncio, executors, no network, pbkdf2_hmac); it runs before the
// bootstrap, at snapshot build time or at a cold start.
//
//go:embed compat.py
var compatSource string

// persistSource saves and restores a session's globals; the bootstrap
// runs it only in sessions with auto_persist_globals.
//
//go:embed persist.py
var persistSource string

// StateGuestDir is where a persisting Python guest sees its stage
// directory; session policies may not mount anything over it.
const StateGuestDir = "/.wasmsandbox-state"

// FullArgv appends to base the bootstrap, the code and the workspace path,
// and for a session that persists globals the flag, persist.py, the state
// directory and the state size limit (see Persist).
func FullArgv(base []string, spec *engine.Spec) []string {
	out := append([]string(nil), base...)
	out = append(out, "-c", compatSource+"\n"+bootstrap, base64.StdEncoding.EncodeToString([]byte(spec.Code)), spec.GuestWorkspace)
	if spec.ScriptName != "" {
		out = append(out, "--wasmsandbox-script", spec.ScriptName)
	}
	if len(spec.Packages) > 0 {
		out = append(out, "--wasmsandbox-packages", strings.Join(spec.Packages, ":"))
	}
	if g := spec.Globals; g != nil {
		out = append(out, "--wasmsandbox-persist", persistSource, StateGuestDir, strconv.FormatInt(g.Max, 10))
	}
	return append(out, spec.Args...)
}

// Persist writes the previous payload of g into its stage directory as
// "in" and returns the mount that shows the stage to the guest at
// StateGuestDir; persist.py (run by the bootstrap) restores from it and
// writes "out" and "report.json" back. Call CollectStage once the guest
// has ended.
func Persist(g *engine.Globals) (engine.Mount, error) {
	if g.In != nil {
		if err := os.WriteFile(filepath.Join(g.Stage, "in"), g.In, 0o600); err != nil {
			return engine.Mount{}, fmt.Errorf("%w: staging saved globals: %v", errs.Internal, err)
		}
	}
	return engine.Mount{Host: g.Stage, Guest: StateGuestDir, Writable: true}, nil
}

// Run runs the execution's code in a fresh instance of the CPython
// command module mod.
func Run(x *engine.Execution, mod *wasmtime.Module) error {
	inst, err := x.Instantiate(mod)
	if err != nil {
		return err
	}
	defer x.RecordMemoryPeak(inst)
	start := inst.GetFunc(x.Store, "_start")
	if start == nil {
		return fmt.Errorf("python module has no _start")
	}
	_, err = start.Call(x.Store)
	return err
}
