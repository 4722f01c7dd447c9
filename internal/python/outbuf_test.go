package python

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/engine"
)

// recoverStdout takes only what the writer's fields say is pending, and
// nothing when a guest has scribbled over them.
func TestRecoverStdoutChecksTheGuestsFields(t *testing.T) {
	f := outFields{buffer: 8, writePos: 16, writeEnd: 24}
	const buf = 64
	mem := func(ptr uint32, start, end int64) []byte {
		m := make([]byte, buf+stdoutBufferSize)
		binary.LittleEndian.PutUint32(m[f.buffer:], ptr)
		binary.LittleEndian.PutUint64(m[f.writePos:], uint64(start))
		binary.LittleEndian.PutUint64(m[f.writeEnd:], uint64(end))
		copy(m[buf:], "hello, world")
		return m
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"pending", mem(buf, 7, 12), "world"},
		{"empty", mem(buf, 0, -1), ""},
		{"start after end", mem(buf, 9, 3), ""},
		{"negative start", mem(buf, -4, 3), ""},
		{"end past the buffer", mem(buf, 0, stdoutBufferSize+1), ""},
		{"buffer past memory", mem(1<<31, 0, 5), ""},
		{"memory too small", make([]byte, 20), ""},
	} {
		x := engine.NewExecution(context.Background(), engine.Spec{StdoutMax: 1 << 20, StderrMax: 1 << 20})
		recoverStdout(x, c.data, f)
		if got, _ := x.Stdout.Result(); got != c.want {
			t.Errorf("%s: recovered %q, want %q", c.name, got, c.want)
		}
	}
}
