package engine

// #include <stddef.h>
// #include <stdint.h>
// extern int wsb_start_big_stack_thread(size_t stack, uintptr_t handle);
import "C"

import (
	"fmt"
	"runtime/cgo"

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

//export wsbBigStackRun
func wsbBigStackRun(h C.uintptr_t) {
	cgo.Handle(h).Value().(func())()
}

// onGuestThread runs f on a new thread with a guestThreadStack stack and
// waits for it. A panic in f is raised again in the caller.
func onGuestThread(f func()) error {
	done := make(chan any, 1)
	h := cgo.NewHandle(func() {
		defer func() { done <- recover() }()
		f()
	})
	defer h.Delete()
	if rc := C.wsb_start_big_stack_thread(C.size_t(guestThreadStack), C.uintptr_t(h)); rc != 0 {
		return fmt.Errorf("%w: cannot start a thread for the guest (pthread_create error %d); the host may be out of threads or memory", errs.Internal, int(rc))
	}
	if p := <-done; p != nil {
		panic(p)
	}
	return nil
}
