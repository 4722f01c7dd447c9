package engine

// #include <stddef.h>
// #include <stdint.h>
// extern int wsb_start_big_stack_thread(size_t stack, uintptr_t handle);
// extern void wsb_release_stack(void);
import "C"

import (
	"fmt"
	"runtime/cgo"
	"sync"

	"github.com/wasmsandbox/sandbox/internal/errs"
)

// guestThreadStack is the native stack of the thread a guest runs on: the
// engine's max wasm stack, which wasmtime counts from where the guest is
// entered, plus room for the host frames below and between wasm frames.
// wasmtime traps cleanly ("call stack exhausted") when compiled code
// reaches maxWasmStack, but only if the thread really has that much: on a
// smaller stack deep recursion would fault past the thread's guard page
// and take the process down. Go threads have the C library's default
// stack (often 8 MiB, 2 MiB under an unlimited `ulimit -s`) and the main
// thread its rlimit, so guests run on threads of our own.
const guestThreadStack = maxWasmStack + 8<<20

// guestThread is a thread of ours, running jobs one at a time. Threads
// are kept for the life of the process (as Go keeps its own): one that
// exited would have to tear down both Go's and wasmtime's per-thread
// signal stacks, and we do not rely on the order in which they do it.
// There are at most as many as executions ever ran at once.
type guestThread struct{ jobs chan func() }

var idleThreads struct {
	sync.Mutex
	list []*guestThread
}

//export wsbBigStackRun
func wsbBigStackRun(h C.uintptr_t) {
	t := cgo.Handle(h).Value().(*guestThread)
	for job := range t.jobs {
		job()
		C.wsb_release_stack()
	}
}

// onGuestThread runs f on a thread with a guestThreadStack stack (an idle
// one, or a new one) and waits for it. A panic in f is raised again in
// the caller.
func onGuestThread(f func()) error {
	idleThreads.Lock()
	var t *guestThread
	if n := len(idleThreads.list); n > 0 {
		t, idleThreads.list = idleThreads.list[n-1], idleThreads.list[:n-1]
	}
	idleThreads.Unlock()
	if t == nil {
		t = &guestThread{jobs: make(chan func())}
		// The handle is never deleted: the thread holds it for its life.
		if rc := C.wsb_start_big_stack_thread(C.size_t(guestThreadStack), C.uintptr_t(cgo.NewHandle(t))); rc != 0 {
			return fmt.Errorf("%w: cannot start a thread for the guest (pthread_create error %d); the host may be out of threads or memory", errs.Internal, int(rc))
		}
	}
	done := make(chan any, 1)
	t.jobs <- func() {
		defer func() { done <- recover() }()
		f()
	}
	p := <-done
	idleThreads.Lock()
	idleThreads.list = append(idleThreads.list, t)
	idleThreads.Unlock()
	if p != nil {
		panic(p)
	}
	return nil
}
