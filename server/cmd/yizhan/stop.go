package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownGrace is how long a stop waits for what is under way: the answers in flight, and a first
// start's seed write, which riders are already being served from.
const shutdownGrace = 10 * time.Second

// afterStop is the context for work that must outlive a stop: it ends grace after ctx ends, or at once
// on a second SIGINT or SIGTERM ("Ctrl-C twice"), or when cancel is called.
func afterStop(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(context.WithoutCancel(ctx))
	// Checked before listening: a first signal that comes in between is missed here, so it takes one
	// more to abort, never one fewer.
	signals := 0
	if ctx.Err() != nil {
		signals = 1
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		defer signal.Stop(sigs)
		stopped := ctx.Done()
		var graceOver <-chan time.Time
		for {
			select {
			case <-out.Done():
				return
			case <-stopped:
				stopped = nil
				t := time.NewTimer(grace)
				defer t.Stop()
				graceOver = t.C
			case <-graceOver:
				cancel()
				return
			case <-sigs:
				if signals++; signals >= 2 {
					cancel()
					return
				}
			}
		}
	}()
	return out, cancel
}
