package engine

import (
	"io"
	"sync"
	"unicode/utf8"
)

// Capture keeps the first max bytes written to it and counts the rest, so a
// guest that prints forever costs the host at most max bytes of memory. An
// optional mirror sees the kept bytes as they arrive.
type Capture struct {
	mu     sync.Mutex
	max    int64
	buf    []byte
	total  int64
	mirror *mirror
}

func NewCapture(max int64, w io.Writer) *Capture {
	c := &Capture{max: max}
	if w != nil {
		c.mirror = newMirror(w)
	}
	return c
}

// Write never fails and never blocks on the mirror: bytes past the cap are
// counted and dropped.
func (c *Capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += int64(len(p))
	if room := c.max - int64(len(c.buf)); room > 0 {
		keep := p
		if int64(len(keep)) > room {
			keep = keep[:room]
		}
		c.buf = append(c.buf, keep...)
		if c.mirror != nil {
			c.mirror.send(keep)
		}
	}
	return len(p), nil
}

// Written is the number of bytes the guest wrote, kept or not.
func (c *Capture) Written() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// Result returns the kept text and whether anything was dropped. A
// multi-byte character split by the cap is dropped whole so the text stays
// valid UTF-8 where the guest's was. The first call, made once the guest
// has ended, also completes the mirror.
func (c *Capture) Result() (text string, truncated bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mirror != nil {
		c.mirror.finish(c.buf)
		c.mirror = nil
	}
	b := c.buf
	truncated = c.total > int64(len(b))
	if truncated {
		b = trimPartialRune(b)
	}
	return string(b), truncated
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		start := len(b) - i
		if !utf8.RuneStart(b[start]) {
			continue
		}
		if r, _ := utf8.DecodeRune(b[start:]); r == utf8.RuneError && !utf8.FullRune(b[start:]) {
			return b[:start]
		}
		return b
	}
	return b
}

// mirrorQueueBytes bounds the output waiting for a slow mirror while the
// guest runs; past it the mirror falls behind and catches up from the
// capture once the guest has ended.
const mirrorQueueBytes = 1 << 20

// mirror copies guest output to a caller's writer on its own goroutine, so
// a writer that blocks (a stalled pipe, a slow terminal) can never hold up
// the guest or its deadline. While the guest runs it takes chunks until its
// queue is full; what it could not take stays in the capture and is written
// by finish, after the guest has ended, so nothing kept is lost. It stops at
// the writer's first error.
type mirror struct {
	w      io.Writer
	ch     chan []byte
	done   chan struct{}
	mu     sync.Mutex
	queued int
	// taken counts the bytes of the capture handed to the queue; behind is
	// set once a chunk did not fit, after which nothing more is queued.
	taken  int
	behind bool
	failed bool
}

func newMirror(w io.Writer) *mirror {
	m := &mirror{w: w, ch: make(chan []byte, 1024), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for b := range m.ch {
			m.mu.Lock()
			m.queued -= len(b)
			failed := m.failed
			m.mu.Unlock()
			if !failed {
				if _, err := w.Write(b); err != nil {
					m.mu.Lock()
					m.failed = true
					m.mu.Unlock()
				}
			}
		}
	}()
	return m
}

// send queues a copy of p, the next bytes of the capture, unless the
// mirror is behind or its queue is full (which puts it behind).
func (m *mirror) send(p []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.behind || m.queued+len(p) > mirrorQueueBytes {
		m.behind = true
		return
	}
	select {
	case m.ch <- append([]byte(nil), p...):
		m.queued += len(p)
		m.taken += len(p)
	default:
		m.behind = true
	}
}

// finish waits for the queue to drain, then writes the part of kept the
// queue never took. It blocks as long as the writer does: the guest has
// ended, so only the caller's own writer can hold it up.
func (m *mirror) finish(kept []byte) {
	close(m.ch)
	<-m.done
	if m.taken < len(kept) && !m.failed {
		_, _ = m.w.Write(kept[m.taken:])
	}
}
