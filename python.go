package sandbox

import (
	_ "embed"
	"fmt"
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

func pythonEnv(p Policy) map[string]string {
	return map[string]string{
		"HOME": p.GuestWorkspace,
		"LANG": "C.UTF-8",
		"PWD":  p.GuestWorkspace,
	}
}

// pythonFullArgv appends the bootstrap, the code and the workspace path.
func pythonFullArgv(base []string, x *execution) []string {
	out := append([]string(nil), base...)
	return append(out, "-c", pythonBootstrap, x.code, x.policy.GuestWorkspace)
}

// runPython runs x.code in a fresh instance of the CPython command module.
func runPython(x *execution) error {
	g := x.rt
	inst, err := g.eng.linker.Instantiate(x.store, g.module)
	if err != nil {
		return err
	}
	defer func() {
		if m := inst.GetExport(x.store, "memory"); m != nil && m.Memory() != nil {
			x.memPeak = int64(m.Memory().DataSize(x.store))
		}
	}()
	start := inst.GetFunc(x.store, "_start")
	if start == nil {
		return fmt.Errorf("python module has no _start")
	}
	_, err = start.Call(x.store)
	return err
}
