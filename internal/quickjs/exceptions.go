package quickjs

import (
	"io"
)

// Pending exceptions: taking them, and reporting the uncaught ones as Node
// does.

// exceptionText takes the pending exception and returns it as a string,
// with its stack (for internal errors).
func (r *run) exceptionText() string {
	return r.describeException(func(e int32, s string) string {
		if st, err := r.getProp(e, "stack"); err == nil {
			if t, err := r.str(st); err == nil && t != "undefined" {
				s += "\n" + t
			}
			r.freeValue(st)
		}
		return s
	})
}

// describeException takes the pending exception e and returns what
// describe makes of it and its string s; when either cannot be had, the
// error's text. e is freed afterwards.
func (r *run) describeException(describe func(e int32, s string) string) string {
	e, err := r.i32("qjs_get_exception")
	if err != nil {
		return err.Error()
	}
	defer r.freeValue(e)
	s, err := r.str(e)
	if err != nil {
		return err.Error()
	}
	return describe(e, s)
}

// dropException takes the pending exception, if it can, and frees it.
func (r *run) dropException() {
	if e, err := r.i32("qjs_get_exception"); err == nil {
		r.freeValue(e)
	}
}

// reportException takes the pending exception, prints it as uncaught and
// returns exit code 1.
func (r *run) reportException() (int, error) {
	e, err := r.i32("qjs_get_exception")
	if err != nil {
		return 0, err
	}
	return r.reportValue(e)
}

// reportValue prints the thrown value in box (consumed) as uncaught and
// returns exit code 1.
func (r *run) reportValue(box int32) (int, error) {
	oom, err := r.isOutOfMemory(box)
	if err != nil {
		return 0, err
	}
	if oom {
		r.h.OutOfMemory = true
		// Leave room to format the report.
		if r.h.MemoryLimit > 0 {
			if err := r.setMemoryLimit(r.h.MemoryLimit + 8<<20); err != nil {
				return 0, err
			}
		}
	}
	res, err := r.callFn(r.loopFns[loopReport], box)
	if err != nil {
		return 0, err
	}
	if exc, err := r.isException(res); err != nil {
		return 0, err
	} else if exc {
		// Formatting failed (e.g. out of memory again): fall back to Go.
		r.dropException()
		msg, _ := r.str(box)
		if oom {
			msg = "InternalError: out of memory"
		}
		r.writeOut(2, "Uncaught "+msg+"\n")
		r.h.Uncaught = msg
	} else {
		if line, err := r.str(res); err == nil {
			r.h.Uncaught = line
		}
		if err := r.freeValue(res); err != nil {
			return 0, err
		}
	}
	return 1, r.freeValue(box)
}

func (r *run) isOutOfMemory(box int32) (bool, error) {
	isErr, err := r.i32("qjs_is_error", box)
	if err != nil || isErr == 0 {
		return false, err
	}
	m, err := r.getProp(box, "message")
	if err != nil {
		return false, err
	}
	defer r.freeValue(m)
	isStr, err := r.i32("qjs_is_string", m)
	if err != nil || isStr == 0 {
		return false, err
	}
	s, err := r.str(m)
	return s == "out of memory", err
}

func (r *run) writeOut(fd int, s string) {
	w := r.h.Stdout
	if fd == 2 {
		w = r.h.Stderr
	}
	if w != nil {
		io.WriteString(w, s)
	}
}
