package sandbox

import (
	"io"
	"sync"
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
	mirror io.Writer
}

func newCapture(max int64, mirror io.Writer) *capture {
	return &capture{max: max, mirror: mirror}
}

// Write never fails: bytes past the cap are counted and dropped.
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
			_, _ = c.mirror.Write(keep)
		}
	}
	return len(p), nil
}

// result returns the kept text, whether anything was dropped, and the total
// number of bytes the guest wrote. A multi-byte character split by the cap is
// dropped whole so the text stays valid UTF-8 where the guest's was.
func (c *capture) result() (text string, truncated bool, total int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
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
