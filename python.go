package sandbox

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// pythonArgv is the default interpreter command line: isolated mode (no
// user site, no PYTHON* variables, no script directory on sys.path), UTF-8
// mode, and unbuffered streams so output written before a limit stops the
// guest is not lost. The sandbox appends `-c BOOTSTRAP CODE`.
var pythonArgv = []string{"python", "-I", "-X", "utf8", "-u"}

// pythonBootstrap runs the user's code as __main__ with the workspace as
// the working directory and tracebacks that point at "main.py" lines.
//
//go:embed bootstrap.py
var pythonBootstrap string

func defaultGuestEnv(p Policy) map[string]string {
	return map[string]string{
		"HOME": p.GuestWorkspace,
		"LANG": "C.UTF-8",
		"PWD":  p.GuestWorkspace,
	}
}

// pythonFullArgv appends the bootstrap, the code and the workspace path,
// and for a session that persists globals the flag, persist.py, the state
// directory and the state size limit (see pythonPersist).
func pythonFullArgv(base []string, x *execution) []string {
	out := append([]string(nil), base...)
	out = append(out, "-c", pythonBootstrap, base64.StdEncoding.EncodeToString([]byte(x.code)), x.policy.GuestWorkspace)
	if st := x.guestState(); st != nil {
		out = append(out, "--wasmsandbox-persist", pythonPersistSource, stateGuestDir, strconv.FormatInt(st.max, 10))
	}
	return out
}

// pythonPersistSource saves and restores a session's globals; the
// bootstrap runs it only in sessions with auto_persist_globals.
//
//go:embed persist.py
var pythonPersistSource string

// pythonPersist mounts the execution's stage directory at stateGuestDir
// with the previous payload in it as "in"; persist.py (run by the
// bootstrap) restores from it and writes "out" and "report.json" back.
func pythonPersist(p *Policy, st *guestState) (func(), error) {
	if st.in != nil {
		if err := os.WriteFile(filepath.Join(st.stage, "in"), st.in, 0o600); err != nil {
			return nil, fmt.Errorf("%w: staging saved globals: %v", ErrInternal, err)
		}
	}
	p.Mounts = append(slices.Clone(p.Mounts), Mount{Host: st.stage, Guest: stateGuestDir, Writable: true})
	return func() { collectStage(st) }, nil
}

// runPython runs x.code in a fresh instance of the CPython command module.
func runPython(x *execution) error {
	inst, err := x.instantiate()
	if err != nil {
		return err
	}
	defer x.recordMemoryPeak(inst)
	start := inst.GetFunc(x.store, "_start")
	if start == nil {
		return fmt.Errorf("python module has no _start")
	}
	_, err = start.Call(x.store)
	return err
}
