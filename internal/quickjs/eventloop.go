package quickjs

import (
	"time"
)

// The event loop: pending jobs, the prelude's timers, and the rejections
// and top-level await that end a run.

// drain runs the process.nextTick queue, then pending jobs until none is
// left, and again while a job queued ticks (Node's order); done is true
// when the run ended (an exception escaped a tick or a job).
func (r *run) drain() (done bool, code int, err error) {
	for {
		res, thrown, code, err := r.callLoop(loopTicks)
		if thrown || err != nil {
			return true, code, err
		}
		if err := r.freeValue(res); err != nil {
			return true, 0, err
		}
		p, err := r.i32("qjs_is_job_pending")
		if err != nil || p == 0 {
			return false, 0, err
		}
		for p != 0 {
			rc, err := r.i32("qjs_execute_pending_job")
			if err != nil {
				return true, 0, err
			}
			if rc < 0 {
				code, err := r.reportException()
				return true, code, err
			}
			if p, err = r.i32("qjs_is_job_pending"); err != nil {
				return true, 0, err
			}
		}
	}
}

func (r *run) eventLoop() (int, error) {
	for {
		if done, code, err := r.drain(); done || err != nil {
			return code, err
		}
		if r.mainProm != 0 {
			state, err := r.i32("qjs_promise_state", r.mainProm)
			if err != nil {
				return 0, err
			}
			if state == 2 {
				reason, err := r.i32("qjs_promise_result", r.mainProm)
				if err != nil {
					return 0, err
				}
				return r.reportValue(reason)
			}
		}
		if len(r.rejected) > 0 {
			rej := r.rejected[0]
			r.rejected = r.rejected[1:]
			return r.reportValue(rej.reason)
		}
		ms, thrown, code, err := r.callLoopNum(loopNext)
		if thrown || err != nil {
			return code, err
		}
		if ms < 0 {
			break
		}
		if ms > 0 {
			if err := r.sleep(time.Duration(ms * float64(time.Millisecond))); err != nil {
				r.stopErr = err
				return 0, err
			}
		}
		res, thrown, code, err := r.callLoop(loopFire)
		if thrown || err != nil {
			return code, err
		}
		if err := r.freeValue(res); err != nil {
			return 0, err
		}
	}
	if r.mainProm != 0 {
		state, err := r.i32("qjs_promise_state", r.mainProm)
		if err != nil {
			return 0, err
		}
		if state == 0 {
			r.writeOut(2, "Warning: Detected unsettled top-level await\n")
			return 13, nil
		}
		if state == 1 && !r.module {
			if err := r.takeCompletion(); err != nil {
				return 0, err
			}
		}
	}
	f, thrown, code, err := r.callLoopNum(loopExitCode)
	if thrown {
		return code, err
	}
	return int(f), err
}

// callLoop calls the prelude's event-loop function i and returns its
// result box. When it throws, thrown is true: the exception was reported
// as uncaught, and code is the exit code.
func (r *run) callLoop(i int) (res int32, thrown bool, code int, err error) {
	res, err = r.callFn(r.loopFns[i])
	if err != nil {
		return 0, false, 0, err
	}
	if exc, err := r.isException(res); err != nil {
		return 0, false, 0, err
	} else if exc {
		code, err := r.reportException()
		return 0, true, code, err
	}
	return res, false, 0, nil
}

// callLoopNum is callLoop for a function that returns a number; it frees
// the result box.
func (r *run) callLoopNum(i int) (n float64, thrown bool, code int, err error) {
	res, thrown, code, err := r.callLoop(i)
	if thrown || err != nil {
		return 0, thrown, code, err
	}
	if n, err = r.num(res); err != nil {
		return 0, false, 0, err
	}
	return n, false, 0, r.freeValue(res)
}

func (r *run) sleep(d time.Duration) error {
	if r.h.Interrupted != nil && r.h.Interrupted() {
		return ErrInterrupted
	}
	if r.h.Sleep != nil {
		return r.h.Sleep(d)
	}
	time.Sleep(d)
	return nil
}

// takeCompletion sets Host.Value to the inspected completion value of the
// script, which has run to the end.
func (r *run) takeCompletion() error {
	res, err := r.i32("qjs_promise_result", r.mainProm)
	if err != nil {
		return err
	}
	s, err := r.callFn(r.loopFns[loopCompletion], res)
	if err != nil {
		return err
	}
	if err := r.freeValue(res); err != nil {
		return err
	}
	if exc, err := r.isException(s); err != nil || exc {
		if exc {
			r.dropException()
		}
		return err
	}
	v, err := r.str(s)
	if err != nil {
		return err
	}
	r.h.Value = v
	return r.freeValue(s)
}
