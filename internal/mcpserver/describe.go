package mcpserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/textfmt"
)

// The tool descriptions are written for the model that reads them: what the
// environment is, the limits in force (taken from the server's policy, so
// they are always the real ones), how to keep state between calls, and
// what to do about each way a call can fail.

// environment describes what code sees, in one paragraph.
func (s *server) environment() string {
	var b strings.Builder
	py := "Python is CPython 3.12 with its standard library only (numpy, pandas, requests and other third-party packages are not available). "
	if t := packagesText(s.installed(sandbox.Python)); t != "" {
		py = "Python is CPython 3.12 with its standard library and these installed pure-Python packages: " + t + " (no others; numpy, pandas and other packages with compiled code are not available). "
	}
	js := "no npm packages. "
	if t := packagesText(s.installed(sandbox.JavaScript)); t != "" {
		js = "and these npm packages for require or import: " + t + " (no others). "
	}
	fmt.Fprintf(&b, "The sandbox is a WebAssembly virtual machine, not a full computer: no network (sockets, HTTP and DNS all fail), no subprocesses or shell, no threads, and no package installs. "+
		py+
		"JavaScript is QuickJS-NG (modern ECMAScript, not Node.js) with a Node-style console, timers, process, Buffer, require('fs') and require('path'); "+js+
		"The working directory is %s, a workspace you can read and write; nothing else of the host is visible", s.policy.GuestWorkspace)
	if ms := s.policy.Mounts; len(ms) > 0 {
		b.WriteString(" except ")
		for i, m := range ms {
			if i > 0 {
				b.WriteString(", ")
			}
			mode := "read-only"
			if m.Writable {
				mode = "read-write"
			}
			fmt.Fprintf(&b, "%s (%s data provided by the operator)", m.Guest, mode)
		}
	}
	b.WriteString(".")
	return b.String()
}

// limitsText describes the limits of one execution.
func (s *server) limitsText() string {
	p := s.policy
	return fmt.Sprintf("Limits of each execution: fuel_budget %s instructions (a Python or JavaScript hello world uses under 10 million), memory %s, wall-clock timeout %s (sleeping counts), "+
		"stdout kept up to %s and stderr up to %s (the rest is discarded), code up to %s. "+
		"You may pass smaller fuel_budget, memory_bytes or timeout_seconds; asking for more than these maximums is refused.",
		textfmt.Digits(p.FuelBudget), formatBytes(p.MemoryBytes), formatDuration(p.Timeout),
		formatBytes(p.StdoutMaxBytes), formatBytes(p.StderrMaxBytes), formatBytes(p.MaxCodeBytes))
}

// instructions is the server's overview for the client, sent once at
// initialization.
func (s *server) instructions() string {
	return "wasmsandbox runs untrusted Python and JavaScript in an isolated WebAssembly sandbox with hard limits. " +
		"Use execute_code to run code and see its output. Each call starts fresh; to keep files (and, in Python, variables) between calls, " +
		"call create_session first and pass its session_id to execute_code and the file tools. Call list_runtimes to see the languages and limits.\n\n" +
		s.environment() + "\n\n" + s.limitsText()
}

func (s *server) executeCodeDescription() string {
	return "Run Python or JavaScript code in an isolated WebAssembly sandbox and return what it printed, with how it ended.\n\n" +
		s.environment() + "\n\n" +
		"Only stdout and stderr come back: print() (console.log() in JavaScript) whatever you want to see; the value of the last expression is not shown. " +
		"Python tracebacks name your code main.py.\n\n" +
		"State: without session_id every call runs in a fresh interpreter and a throwaway workspace that is deleted afterwards, so variables, imports and files are gone by the next call. " +
		"To build on earlier work, call create_session once and pass its session_id: files in " + s.policy.GuestWorkspace + " persist between calls, and with auto_persist_globals a session also keeps its global variables (Python: values that can be pickled, not modules, open files or lambdas; JavaScript: JSON values, not functions, Maps or class instances). " +
		"Otherwise save what you need to a file and load it next time.\n\n" +
		s.limitsText() + "\n\n" +
		"The result holds success, outcome, exit_code, stdout, stderr, fuel_consumed, memory_peak_bytes, duration_ms and the files created, modified and deleted. " +
		"When success is false the result is flagged as an error and outcome says why:\n" +
		"- guest_error: the code raised an exception, had a syntax error or exited non-zero. Read the traceback in stderr, fix the code, and run it again.\n" +
		"- out_of_fuel: it used up its instruction budget, usually an endless loop or far too much work. Make the work smaller or faster (fewer iterations, a better algorithm, a sample of the data), or, if fuel_budget was below the maximum, retry with a larger fuel_budget.\n" +
		"- memory_limit: it needed more memory than allowed. Process data in chunks or streams, and avoid building huge lists, strings or dicts.\n" +
		"- timeout: it ran past its wall-clock deadline (sleeps and waits count). Remove sleeps, and do less work per call; in a session, split the job over several calls and save progress to files.\n" +
		"- trap: the engine stopped it: the runtime aborted, or recursion went too deep for the native stack. Use iteration instead of deep recursion.\n" +
		"If stdout_truncated or stderr_truncated is true, output past the cap was dropped: print summaries or a sample, or write the full output to a file and read parts of it."
}

func (s *server) listRuntimesDescription() string {
	return "List the languages this sandbox runs, their versions, whether each is available now, what code can use in each (the standard library and any installed packages, no network, the " +
		s.policy.GuestWorkspace + " workspace, read-only mounts), and the limits in force (fuel, memory, time, output, sessions). Takes no arguments."
}

// hint says what the model should do after an execution that failed.
// p is the policy the execution ran under.
func (s *server) hint(res *sandbox.Result, p sandbox.Policy) string {
	// raise says how to get more of a limit, when the server allows more.
	raise := func(arg, most string) string {
		if res.SessionID != "" {
			return fmt.Sprintf(" If it really needs more, note that a session's limits are fixed: create another session with a larger %s (at most %s), or run without session_id and pass %s.", arg, most, arg)
		}
		return fmt.Sprintf(" If it really needs more, retry with a larger %s, at most %s.", arg, most)
	}
	var h string
	switch res.Outcome {
	case sandbox.OutcomeGuestError:
		if res.ExitCode < 0 {
			// Stopped by the host, not by its own failure: the error says
			// why (the workspace limit).
			h = "The code was stopped: " + res.Error + ". Write less to the workspace (or delete files, or call reset_workspace in a session) and run it again."
			break
		}
		h = "The code failed (exception, syntax error or non-zero exit). Read stderr for the traceback, fix the code and run it again."
	case sandbox.OutcomeOutOfFuel:
		h = fmt.Sprintf("The code used up its instruction budget (fuel_budget %s). It may loop forever, or do far more work than needed: make the work smaller or faster (fewer iterations, a better algorithm, a sample of the data).", textfmt.Digits(p.FuelBudget))
		if p.FuelBudget < s.policy.FuelBudget {
			h += raise("fuel_budget", textfmt.Digits(s.policy.FuelBudget))
		} else {
			h += " This is the server's maximum budget, so the work itself must shrink; in a session you can split it over several calls, saving progress to files."
		}
	case sandbox.OutcomeMemoryLimit:
		h = fmt.Sprintf("The code needed more than its memory limit (%s). Process data in chunks or streams and avoid building huge lists, strings or dicts.", formatBytes(p.MemoryBytes))
		if p.MemoryBytes < s.policy.MemoryBytes {
			h += raise("memory_bytes", strconv.FormatInt(s.policy.MemoryBytes, 10))
		}
	case sandbox.OutcomeTimeout:
		h = fmt.Sprintf("The code ran past its wall-clock deadline (%s; sleeps and waits count). Remove sleeps and do less per call; in a session, split the job over several calls and save progress to files.", formatDuration(p.Timeout))
		if p.Timeout < s.policy.Timeout {
			h += raise("timeout_seconds", strconv.FormatFloat(s.policy.Timeout.Seconds(), 'f', -1, 64))
		}
	case sandbox.OutcomeTrap:
		h = "The WebAssembly engine stopped the code (" + res.Error + "): the runtime aborted, or native recursion went too deep for the stack. Avoid what aborted it (os.abort, very deep recursion in C code); use iteration instead of deep recursion."
	default:
		h = "The execution failed: " + res.Error
	}
	if res.StdoutTruncated || res.StderrTruncated {
		h += " Some output was cut at its cap: print less, or write it to a file and read parts of it."
	}
	return h
}

// formatBytes writes a size for people: "128 MiB", "2,000,000 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return textfmt.Digits(n) + " bytes"
}

// formatDuration writes a duration without a trailing "0s": "30s", "1m30s", "2m".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
