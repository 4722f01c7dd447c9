package mcpserver

import (
	"context"
	"time"

	"github.com/wasmsandbox/sandbox"
)

// Expiry: deleting the sessions unused for longer than the TTL, in a loop
// and before every session tool.

// maybePrune deletes the sessions past their TTL, at most once per
// pruneInterval, so that every session tool sees expired sessions gone
// even between the rounds of the prune loop.
func (s *server) maybePrune(ctx context.Context) {
	if s.store == nil {
		return
	}
	s.pruneMu.Lock()
	due := time.Since(s.lastPrune) >= s.pruneInterval()
	if due {
		s.lastPrune = time.Now()
	}
	s.pruneMu.Unlock()
	if due {
		s.prune(ctx)
	}
}

// prune deletes the sessions unused for longer than the TTL.
func (s *server) prune(ctx context.Context) {
	rep, err := s.store.Prune(context.WithoutCancel(ctx), sandbox.PruneOptions{OlderThan: s.cfg.SessionTTL})
	if err != nil {
		s.log.Warn("pruning sessions", "error", err)
		return
	}
	if n := len(rep.Deleted); n > 0 {
		s.log.Info("pruned expired sessions", "count", n, "bytes_freed", rep.BytesFreed, "ttl", s.cfg.SessionTTL)
	}
}

// pruneInterval is how often expired sessions are looked for: a tenth of
// the TTL, between a second and ten minutes.
func (s *server) pruneInterval() time.Duration {
	return min(max(s.cfg.SessionTTL/10, time.Second), 10*time.Minute)
}

// pruneLoop prunes expired sessions every pruneInterval until ctx ends.
func (s *server) pruneLoop(ctx context.Context) {
	if s.store == nil {
		return
	}
	s.maybePrune(ctx)
	t := time.NewTicker(s.pruneInterval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.maybePrune(ctx)
		}
	}
}
