package sandbox

import (
	"io"
	"sync"
	"time"
	"unicode/utf8"
)

// capture keeps the first max bytes written to it and counts the rest, so a
// guest that prints forever costs the host at most max bytes of memory. An
// optional mirror sees the kept bytes as they arrive.
type capture struct {
	mu     sync.Mutex
	max    int64
	buf    []byte
	total  int64
	mirror *mirror
}

func newCapture(max int64, w io.Writer) *capture {
	c := &capture{max: max}
	if w != nil {
		c.mirror = newMirror(w)
	}
	return c
}

// Write never fails and never blocks on the mirror: bytes past the cap are
// counted and dropped.
func (c *capture) Write(p []byte) (int, error) {
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

// result returns the kept text, whether anything was dropped, and the total
// number of bytes the guest wrote. A multi-byte character split by the cap is
// dropped whole so the text stays valid UTF-8 where the guest's was. The
// first call also ends the mirror, giving it a moment to drain.
func (c *capture) result() (text string, truncated bool, total int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mirror != nil {
		c.mirror.close(mirrorDrain)
		c.mirror = nil
	}
	b := c.buf
	truncated = c.total > int64(len(b))
	if truncated {
		b = trimPartialRune(b)
	}
	return string(b), truncated, c.total
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

// Mirror bounds: output waiting for a slow mirror is capped, and what does
// not fit is not mirrored (the Result still holds it).
const (
	mirrorQueueBytes = 1 << 20
	mirrorDrain      = time.Second
)

// mirror copies guest output to a caller's writer on its own goroutine, so
// a writer that blocks (a stalled pipe, a slow terminal) can never hold up
// the guest or the deadline. It writes until the first error.
type mirror struct {
	ch     chan []byte
	done   chan struct{}
	mu     sync.Mutex
	queued int
}

func newMirror(w io.Writer) *mirror {
	m := &mirror{ch: make(chan []byte, 1024), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		failed := false
		for b := range m.ch {
			m.mu.Lock()
			m.queued -= len(b)
			m.mu.Unlock()
			if !failed {
				_, err := w.Write(b)
				failed = err != nil
			}
		}
	}()
	return m
}

// send queues a copy of p, or drops it when the queue is full.
func (m *mirror) send(p []byte) {
	m.mu.Lock()
	if m.queued+len(p) > mirrorQueueBytes {
		m.mu.Unlock()
		return
	}
	m.queued += len(p)
	m.mu.Unlock()
	select {
	case m.ch <- append([]byte(nil), p...):
	default:
		m.mu.Lock()
		m.queued -= len(p)
		m.mu.Unlock()
	}
}

// close ends the mirror and waits up to wait for queued output to be written.
func (m *mirror) close(wait time.Duration) {
	close(m.ch)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-m.done:
	case <-t.C:
	}
}
