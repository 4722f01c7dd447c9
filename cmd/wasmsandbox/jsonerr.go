package main

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
)

// maxJSONErrorBytes bounds the message kept for a JSON error object.
const maxJSONErrorBytes = 64 << 10

// jsonError is what a command run with --json prints on stdout when it
// fails before printing its own object (a usage or internal error): the
// message it wrote to stderr, and its exit status.
type jsonError struct {
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
}

// jsonErrors records, for one command, whether --json was asked for
// (flagSet.parse sets it), whether anything was written on stdout, and
// what was written to stderr meanwhile.
type jsonErrors struct {
	mu    sync.Mutex
	json  bool
	wrote bool
	msg   strings.Builder
}

// setJSON records whether the command line asked for --json.
func (r *jsonErrors) setJSON(on bool) {
	r.mu.Lock()
	r.json = on
	r.mu.Unlock()
}

// jsonStdout is the stdout of a command wrapped by withJSONErrors.
type jsonStdout struct {
	w io.Writer
	r *jsonErrors
}

func (o *jsonStdout) Write(p []byte) (int, error) {
	if len(p) > 0 {
		o.r.mu.Lock()
		o.r.wrote = true
		o.r.mu.Unlock()
	}
	return o.w.Write(p)
}

// jsonStderr is the stderr of a command wrapped by withJSONErrors: with
// --json it keeps a copy of what is written.
type jsonStderr struct {
	w io.Writer
	r *jsonErrors
}

func (e *jsonStderr) Write(p []byte) (int, error) {
	e.r.mu.Lock()
	if e.r.json {
		if room := maxJSONErrorBytes - e.r.msg.Len(); room > 0 {
			e.r.msg.Write(p[:min(len(p), room)])
		}
	}
	e.r.mu.Unlock()
	return e.w.Write(p)
}

// Unwrap returns the writer underneath, for isTerminal.
func (e *jsonStderr) Unwrap() io.Writer { return e.w }

// withJSONErrors wraps a command that accepts --json: when it was asked
// for JSON and fails (exit status other than 0) without having written
// anything on stdout, exactly one jsonError object is printed there, so a
// caller that parses stdout always gets one JSON object. The human message
// on stderr and the exit status stay as they are.
func withJSONErrors(run func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int) func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		r := &jsonErrors{}
		code := run(ctx, args, stdin, &jsonStdout{stdout, r}, &jsonStderr{stderr, r})
		r.mu.Lock()
		defer r.mu.Unlock()
		if code == exitOK || !r.json || r.wrote {
			return code
		}
		msg := strings.TrimSpace(strings.ToValidUTF8(r.msg.String(), "\uFFFD"))
		if msg == "" {
			msg = progName + ": failed with exit status " + strconv.Itoa(code)
		}
		b, err := json.MarshalIndent(jsonError{Error: msg, ExitCode: code}, "", "  ")
		if err == nil {
			stdout.Write(append(b, '\n'))
		}
		return code
	}
}

// recordJSON tells the jsonErrors behind stdout, if any, whether the
// command line asks for --json. After a successful parse that is the
// flag's value; after a failed one the arguments are scanned for it.
func (fs *flagSet) recordJSON(args []string, stdout io.Writer, parsed bool) {
	o, ok := stdout.(*jsonStdout)
	if !ok {
		return
	}
	f := fs.Lookup("json")
	if f == nil {
		return
	}
	if parsed {
		o.r.setJSON(f.Value.String() == "true")
		return
	}
	o.r.setJSON(fs.scanForJSON(args))
}

// scanForJSON reports whether args, which did not parse, hold --json (or
// -json, --json=true, ...): the flags before "--" are walked, skipping
// the values of flags that take one, and a --json=VALUE counts unless
// VALUE is false.
func (fs *flagSet) scanForJSON(args []string) bool {
	want := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := fs.Lookup(name)
		switch {
		case f == nil:
		case name == "json":
			b, err := strconv.ParseBool(value)
			want = !hasValue || err != nil || b
		case !hasValue && !isBoolFlag(f.Value):
			i++ // its value
		}
	}
	return want
}

// isBoolFlag reports whether v is a flag that takes no value.
func isBoolFlag(v any) bool {
	b, ok := v.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
