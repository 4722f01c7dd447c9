package engine

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/wasmcall"
)

// WASI preview1 errno values used by the host functions below.
const (
	errnoSuccess = 0
	errnoFault   = 21
	errnoInval   = 28
)

const wasiModule = "wasi_snapshot_preview1"

// shadowWASI replaces three WASI preview1 functions on a linker that
// already has WASI defined:
//
//   - poll_oneoff sleeps in Go, where the execution's deadline and the
//     caller's context can cut the wait short, instead of blocking inside
//     wasmtime where epoch interruption cannot reach;
//   - clock_time_get, so absolute waits and clock readings share an origin;
//   - random_get, so that a snapshot build can draw a fixed stream.
func shadowWASI(l *wasmtime.Linker) error {
	l.AllowShadowing(true)
	defer l.AllowShadowing(false)
	return errors.Join(
		wasmcall.Define(l, wasiModule, "clock_time_get", "iIi", "i", func(c *wasmtime.Caller, a wasmcall.Args) (uint64, error) {
			return errno(hostClockTimeGet(c, a.I32(0), a.I64(1), a.I32(2)), nil)
		}),
		wasmcall.Define(l, wasiModule, "random_get", "ii", "i", func(c *wasmtime.Caller, a wasmcall.Args) (uint64, error) {
			return errno(hostRandomGet(c, a.I32(0), a.I32(1)), nil)
		}),
		wasmcall.Define(l, wasiModule, "poll_oneoff", "iiii", "i", func(c *wasmtime.Caller, a wasmcall.Args) (uint64, error) {
			return errno(hostPollOneoff(c, a.I32(0), a.I32(1), a.I32(2), a.I32(3)))
		}))
}

// errno is a host function's i32 result (a WASI errno) as wasmcall wants it.
func errno(e int32, err error) (uint64, error) { return uint64(uint32(e)), err }

// hostRandomGet fills the guest's buffer from the operating system's
// random source, or, for an execution whose spec asks for it (a snapshot
// build), from a fixed stream, so that what the build draws (CPython's str
// hash secret) is the same on every machine and so is the fuel of the code
// that later runs from the snapshot.
func hostRandomGet(c *wasmtime.Caller, buf, n int32) int32 {
	b, ok := span(callerMemory(c), uint32(buf), uint64(uint32(n)), 1)
	if !ok {
		return errnoFault
	}
	if x, _ := c.Data().(*Execution); x != nil && x.Spec.FixedRandom {
		fixedRandom(b)
		return errnoSuccess
	}
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return errnoSuccess
}

// fixedRandom fills b with a fixed pseudo-random stream (SHA-256 of a
// counter under a constant label).
func fixedRandom(b []byte) {
	var block [sha256.Size]byte
	for i := 0; len(b) > 0; i++ {
		block = sha256.Sum256(fmt.Appendf(nil, "wasmsandbox fixed random %d", i))
		b = b[copy(b, block[:]):]
	}
}

func callerMemory(c *wasmtime.Caller) []byte {
	ext := c.GetExport("memory")
	if ext == nil || ext.Memory() == nil {
		return nil
	}
	return ext.Memory().UnsafeData(c)
}

// span returns the count records of size bytes at mem[off:], or false
// when they do not all lie inside mem. The arithmetic is 64-bit, so a
// guest-chosen count cannot wrap around.
func span(mem []byte, off uint32, count, size uint64) ([]byte, bool) {
	n := count * size // count < 2^32 and size <= 48: no overflow
	end := uint64(off) + n
	if end > uint64(len(mem)) {
		return nil, false
	}
	return mem[off:end], true
}

// WASI subscription and event layouts (preview1).
const (
	// maxSubscriptions bounds one poll_oneoff call; real guests pass a
	// handful, and the bound keeps a hostile count from sizing host memory.
	maxSubscriptions = 4096
	subscriptionSize = 48
	eventSize        = 32
	eventClock       = 0
	eventFdRead      = 1
	eventFdWrite     = 2
	clockAbstime     = 1
	clockRealtime    = 0
)

// hostPollOneoff implements poll_oneoff for the subscriptions a sandboxed
// guest can make: clock waits (sleep, timeouts) are served in Go and cut by
// the deadline; fd subscriptions report ready at once (the guest has no
// sockets, and files and stdio never block).
func hostPollOneoff(c *wasmtime.Caller, in, out, nsubs, neventsPtr int32) (int32, error) {
	x := c.Data().(*Execution)
	if nsubs <= 0 || nsubs > maxSubscriptions {
		return errnoInval, nil
	}
	mem := callerMemory(c)
	subs, ok := span(mem, uint32(in), uint64(nsubs), subscriptionSize)
	if !ok {
		return errnoFault, nil
	}
	evs, ok := span(mem, uint32(out), uint64(nsubs), eventSize)
	if !ok {
		return errnoFault, nil
	}
	cnt, ok := span(mem, uint32(neventsPtr), 1, 4)
	if !ok {
		return errnoFault, nil
	}
	type sub struct {
		userdata uint64
		tag      uint8
		wait     time.Duration
	}
	parsed := make([]sub, 0, nsubs)
	var fdReady bool
	minWait := time.Duration(-1)
	for i := 0; i < len(subs); i += subscriptionSize {
		s := subs[i : i+subscriptionSize]
		p := sub{userdata: binary.LittleEndian.Uint64(s[0:]), tag: s[8]}
		switch p.tag {
		case eventClock:
			id := binary.LittleEndian.Uint32(s[16:])
			timeout := binary.LittleEndian.Uint64(s[24:])
			flags := binary.LittleEndian.Uint16(s[40:])
			p.wait = clampDuration(timeout)
			if flags&clockAbstime != 0 {
				now := time.Now().UnixNano()
				if id != clockRealtime {
					now = monotonicNow()
				}
				p.wait = clampDuration(timeout) - time.Duration(now)
			}
			if p.wait < 0 {
				p.wait = 0
			}
			if minWait < 0 || p.wait < minWait {
				minWait = p.wait
			}
		case eventFdRead, eventFdWrite:
			fdReady = true
		default:
			return errnoInval, nil
		}
		parsed = append(parsed, p)
	}
	if !fdReady && minWait > 0 {
		// Linear memory cannot grow or move while this host call runs, so
		// the spans taken above stay valid across the wait.
		if err := x.Sleep(minWait); err != nil {
			return 0, err
		}
	}
	var n uint32
	for _, p := range parsed {
		ready := p.tag != eventClock || (!fdReady && p.wait <= minWait)
		if !ready {
			continue
		}
		e := evs[n*eventSize : (n+1)*eventSize]
		clear(e)
		binary.LittleEndian.PutUint64(e[0:], p.userdata)
		e[10] = p.tag
		n++
	}
	binary.LittleEndian.PutUint32(cnt, n)
	return errnoSuccess, nil
}

func clampDuration(ns uint64) time.Duration {
	if ns > uint64(1<<62) {
		return time.Duration(1 << 62)
	}
	return time.Duration(ns)
}

// processStart anchors the monotonic clock reported for abstime waits.
var processStart = time.Now()

// monotonicNow is the guest's monotonic clock: nanoseconds since this
// process started (guests only ever compare readings).
func monotonicNow() int64 { return int64(time.Since(processStart)) }

// hostClockTimeGet serves the clocks so that poll_oneoff's absolute waits
// and the guest's clock readings share one origin.
func hostClockTimeGet(c *wasmtime.Caller, id int32, precision int64, out int32) int32 {
	var now int64
	switch id {
	case clockRealtime:
		now = time.Now().UnixNano()
	case 1, 2, 3: // monotonic, process and thread CPU time
		now = monotonicNow()
	default:
		return errnoInval
	}
	b, ok := span(callerMemory(c), uint32(out), 1, 8)
	if !ok {
		return errnoFault
	}
	binary.LittleEndian.PutUint64(b, uint64(now))
	return errnoSuccess
}
