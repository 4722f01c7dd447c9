package engine

// #include <stdint.h>
// #include <stddef.h>
// extern void wsb_set_epoch_callback(void *store, uintptr_t handle);
// extern void wsb_set_output(void *config, uintptr_t out, uintptr_t err);
// extern void wsb_config_pooling(void *config, uint32_t slots, size_t max_memory, size_t keep_resident);
// extern void wsb_set_stdin(void *config, const char *data, size_t len);
import "C"

import (
	"fmt"
	"reflect"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/errs"
)

// epochTick is how often the shared engine's epoch advances while any
// execution runs. Each tick, every running store asks its own execution
// whether to stop, so deadlines and cancellations take effect within a tick.
const epochTick = 5 * time.Millisecond

// cPtrOK records that wasmtime.Store and wasmtime.WasiConfig keep their C
// pointer in their first field, which the registrations below rely on
// (wasmtime-go exposes no accessor). Checked once; if the layout ever
// changes, executions fail loudly instead of corrupting memory.
var cPtrOK = func() bool {
	for _, v := range []any{wasmtime.Store{}, wasmtime.WasiConfig{}, wasmtime.Config{}} {
		f := reflect.TypeOf(v).Field(0)
		if f.Name != "_ptr" || f.Offset != 0 || f.Type.Kind() != reflect.Pointer {
			return false
		}
	}
	return true
}()

// cPtr reads the C pointer held in the first field of a wasmtime-go object.
func cPtr[T any](obj *T) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(obj)) }

var errLayout = fmt.Errorf("%w: unsupported wasmtime-go object layout", errs.Internal)

//export wsbWrite
func wsbWrite(h C.uintptr_t, buf *C.uchar, n C.size_t) {
	c, ok := cgo.Handle(h).Value().(*Capture)
	if !ok || n == 0 {
		return
	}
	_, _ = c.Write(unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n)))
}

// captureOutput sends the guest's stdout and stderr of config to x's
// captures. The returned function releases them; call it only after the
// store that consumed config is closed.
func captureOutput(config *wasmtime.WasiConfig, x *Execution) (func(), error) {
	if !cPtrOK {
		return nil, errLayout
	}
	out, errh := cgo.NewHandle(x.Stdout), cgo.NewHandle(x.Stderr)
	C.wsb_set_output(cPtr(config), C.uintptr_t(out), C.uintptr_t(errh))
	return func() { out.Delete(); errh.Delete() }, nil
}

//export wsbEpochExpired
func wsbEpochExpired(h C.uintptr_t) C.int {
	x, ok := cgo.Handle(h).Value().(*Execution)
	if !ok || x.Expired() {
		return 1
	}
	return 0
}

// watchEpoch registers x as the epoch-deadline callback of store and returns
// a function that releases it. The store must not run after release.
func watchEpoch(store *wasmtime.Store, x *Execution) (func(), error) {
	if !cPtrOK {
		return nil, errLayout
	}
	h := cgo.NewHandle(x)
	C.wsb_set_epoch_callback(cPtr(store), C.uintptr_t(h))
	store.SetEpochDeadline(1)
	return h.Delete, nil
}

// ticker advances an engine's epoch while at least one execution runs.
type ticker struct {
	engine *wasmtime.Engine
	mu     sync.Mutex
	active int
	stop   chan struct{}
}

// acquire starts ticking if this is the first active execution; the returned
// function ends this execution's interest.
func (t *ticker) acquire() func() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.active++
	if t.active == 1 {
		stop := make(chan struct{})
		t.stop = stop
		go func() {
			tk := time.NewTicker(epochTick)
			defer tk.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tk.C:
					t.engine.IncrementEpoch()
				}
			}
		}()
	}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.active--
		if t.active == 0 {
			close(t.stop)
		}
	}
}

// usePooling switches cfg to wasmtime's pooling allocator with slots
// instance slots whose linear memories may grow to maxMemory and keep
// keepResident bytes mapped between instances.
func usePooling(cfg *wasmtime.Config, slots uint32, maxMemory, keepResident uint64) error {
	if !cPtrOK {
		return errLayout
	}
	C.wsb_config_pooling(cPtr(cfg), C.uint32_t(slots), C.size_t(maxMemory), C.size_t(keepResident))
	return nil
}

// setStdin makes data the guest's standard input in config.
func setStdin(config *wasmtime.WasiConfig, data []byte) error {
	if !cPtrOK {
		return errLayout
	}
	if len(data) == 0 {
		return nil
	}
	C.wsb_set_stdin(cPtr(config), (*C.char)(unsafe.Pointer(&data[0])), C.size_t(len(data)))
	return nil
}
