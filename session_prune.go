package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/wasmsandbox/sandbox/internal/session"
)

// PruneOptions says which sessions Prune deletes. A session matching either
// rule goes; with both fields zero nothing is deleted.
type PruneOptions struct {
	// OlderThan deletes sessions last used longer ago than this (0: no
	// age rule).
	OlderThan time.Duration
	// MaxSessions keeps at most this many sessions, the most recently used,
	// and deletes the rest (0: no count rule).
	MaxSessions int
}

// PrunedSession is one session Prune deleted.
type PrunedSession struct {
	// ID is the deleted session's ID.
	ID string `json:"session_id"`
	// LastUsedAt is when it was last used (for a session with corrupt
	// metadata, when its directory last changed).
	LastUsedAt time.Time `json:"last_used_at"`
	// Bytes is the disk space its files took.
	Bytes int64 `json:"bytes"`
	// Reason is "older_than" or "max_sessions": the rule that matched.
	Reason string `json:"reason"`
}

// PruneReport says what Prune deleted.
type PruneReport struct {
	// Deleted lists the deleted sessions, least recently used last.
	Deleted []PrunedSession `json:"deleted"`
	// BytesFreed adds up their Bytes.
	BytesFreed int64 `json:"bytes_freed"`
}

// Prune deletes the sessions that opts selects and reports them, emitting
// session.pruned for each. Sessions busy executing are in use, so they are
// skipped, and a session used since the scan is spared. Sessions with
// corrupt metadata are judged by their directory's modification time.
// Prune also removes what crashed Creates and Deletes left behind.
func (st *SessionStore) Prune(ctx context.Context, opts PruneOptions) (*PruneReport, error) {
	if opts.OlderThan < 0 || opts.MaxSessions < 0 {
		return nil, fmt.Errorf("%w: prune options must not be negative", ErrInvalidPolicy)
	}
	entries, err := session.Entries(st.root, true)
	if err != nil {
		return nil, err
	}
	type candidate struct {
		id, dir string
		last    time.Time
	}
	var cands []candidate
	for _, e := range entries {
		c := candidate{id: e.ID, dir: e.Dir, last: e.ModTime}
		if m, err := readMeta(e.Dir, e.ID); err == nil {
			c.last = m.LastUsedAt
		} else if errors.Is(err, ErrSessionNotFound) {
			continue
		}
		cands = append(cands, c)
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return b.last.Compare(a.last) })

	rep := &PruneReport{Deleted: []PrunedSession{}}
	now := time.Now()
	for i, c := range cands {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("%w: %w", ErrCancelled, err)
		}
		reason := ""
		switch {
		case opts.OlderThan > 0 && c.last.Before(now.Add(-opts.OlderThan)):
			reason = "older_than"
		case opts.MaxSessions > 0 && i >= opts.MaxSessions:
			reason = "max_sessions"
		default:
			continue
		}
		unlock, ok, err := session.TryLock(c.dir, c.id)
		if err != nil || !ok {
			continue // gone, or executing right now
		}
		if reason == "older_than" {
			if m, err := readMeta(c.dir, c.id); err == nil && !m.LastUsedAt.Before(now.Add(-opts.OlderThan)) {
				unlock()
				continue // used since the scan
			}
		}
		bytes, err := session.Remove(st.root, c.dir, c.id, unlock)
		if err != nil {
			return rep, err
		}
		rep.Deleted = append(rep.Deleted, PrunedSession{ID: c.id, LastUsedAt: c.last, Bytes: bytes, Reason: reason})
		rep.BytesFreed += bytes
		st.log(ctx, slog.LevelInfo, EventSessionPruned,
			slog.String("session_id", c.id),
			slog.Time("last_used_at", c.last),
			slog.Int64("bytes", bytes),
			slog.String("reason", reason))
	}
	return rep, nil
}
