package engine

import (
	"errors"
	"testing"
)

// onGuestThread runs the function, waits for it and raises its panic in
// the caller.
func TestOnGuestThread(t *testing.T) {
	ran := false
	if err := onGuestThread(func() { ran = true }); err != nil || !ran {
		t.Fatalf("ran %v, err %v", ran, err)
	}
	boom := errors.New("boom")
	defer func() {
		if p := recover(); p != boom {
			t.Fatalf("recovered %v", p)
		}
	}()
	onGuestThread(func() { panic(boom) })
	t.Fatal("no panic")
}

// BenchmarkGuestThread measures what running a guest on a thread of its
// own adds to an execution: creating the thread, entering Go on it and
// waiting for it.
func BenchmarkGuestThread(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if err := onGuestThread(func() {}); err != nil {
			b.Fatal(err)
		}
	}
}
