package sandbox

import (
	"encoding/binary"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// WASI preview1 errno values used by the host functions below.
const (
	errnoSuccess = 0
	errnoFault   = 21
	errnoInval   = 28
)

const wasiModule = "wasi_snapshot_preview1"

// shadowWASI replaces two WASI preview1 functions on a linker that already
// has WASI defined:
//
//   - poll_oneoff sleeps in Go, where the execution's deadline and the
//     caller's context can cut the wait short, instead of blocking inside
//     wasmtime where epoch interruption cannot reach;
//   - clock_time_get, so absolute waits and clock readings share an origin.
func shadowWASI(l *wasmtime.Linker) error {
	l.AllowShadowing(true)
	defer l.AllowShadowing(false)
	if err := l.FuncWrap(wasiModule, "clock_time_get", hostClockTimeGet); err != nil {
		return err
	}
	return l.FuncWrap(wasiModule, "poll_oneoff", hostPollOneoff)
}

func callerMemory(c *wasmtime.Caller) []byte {
	ext := c.GetExport("memory")
	if ext == nil || ext.Memory() == nil {
		return nil
	}
	return ext.Memory().UnsafeData(c)
}

// span returns mem[off:off+n] or false when it is out of bounds.
func span(mem []byte, off, n uint32) ([]byte, bool) {
	end := uint64(off) + uint64(n)
	if end > uint64(len(mem)) {
		return nil, false
	}
	return mem[off:end], true
}

// WASI subscription and event layouts (preview1).
const (
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
func hostPollOneoff(c *wasmtime.Caller, in, out, nsubs, neventsPtr int32) (int32, *wasmtime.Trap) {
	x := c.Data().(*execution)
	if nsubs <= 0 {
		return errnoInval, nil
	}
	mem := callerMemory(c)
	subs, ok := span(mem, uint32(in), uint32(nsubs)*subscriptionSize)
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
		if err := x.sleep(minWait); err != nil {
			return 0, wasmtime.NewTrap(err.Error())
		}
		mem = callerMemory(c) // the memory cannot move during a host call, but re-read for clarity
	}
	evs, ok := span(mem, uint32(out), uint32(nsubs)*eventSize)
	if !ok {
		return errnoFault, nil
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
	cnt, ok := span(mem, uint32(neventsPtr), 4)
	if !ok {
		return errnoFault, nil
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
	b, ok := span(callerMemory(c), uint32(out), 8)
	if !ok {
		return errnoFault
	}
	binary.LittleEndian.PutUint64(b, uint64(now))
	return errnoSuccess
}
