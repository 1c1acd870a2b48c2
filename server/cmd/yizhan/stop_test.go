package main

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// afterStop outlives a stop by the grace, and ends at once on the second SIGINT or SIGTERM, counting
// the stop that came before it was called as the first.
func TestAfterStop(t *testing.T) {
	waitDone := func(t *testing.T, ctx context.Context, why string) {
		t.Helper()
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("still running 10 s after %s", why)
		}
	}
	t.Run("a stop leaves the grace", func(t *testing.T) {
		ctx, stop := context.WithCancel(context.Background())
		out, cancel := afterStop(ctx, time.Hour)
		defer cancel()
		stop()
		if out.Err() != nil {
			t.Fatal("ended with the stop")
		}
	})
	t.Run("the grace runs out", func(t *testing.T) {
		ctx, stop := context.WithCancel(context.Background())
		out, cancel := afterStop(ctx, 20*time.Millisecond)
		defer cancel()
		stop()
		waitDone(t, out, "the grace")
	})
	t.Run("a signal after a stop that came first", func(t *testing.T) {
		ctx, stop := context.WithCancel(context.Background())
		stop()
		out, cancel := afterStop(ctx, time.Hour)
		defer cancel()
		if out.Err() != nil {
			t.Fatal("ended before the second stop")
		}
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil { // caught by afterStop
			t.Fatal(err)
		}
		waitDone(t, out, "a second stop")
	})
}
