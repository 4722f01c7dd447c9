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

// A thread whose job panicked runs the next one.
func TestGuestThreadAfterPanic(t *testing.T) {
	func() {
		defer func() { recover() }()
		onGuestThread(func() { panic("x") })
	}()
	ran := false
	if err := onGuestThread(func() { ran = true }); err != nil || !ran {
		t.Fatalf("ran %v, err %v", ran, err)
	}
}

// BenchmarkGuestThread measures what running a guest on one of our
// threads adds to an execution: handing it the job and waiting for it.
func BenchmarkGuestThread(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if err := onGuestThread(func() {}); err != nil {
			b.Fatal(err)
		}
	}
}
