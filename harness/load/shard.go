package load

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Shard is one agent's share of a plan that several agents run together:
// agent Index of Count runs the plan's connections Index, Index+Count, …,
// each with the intended-time schedule it has in the whole plan, so that
// the agents together send exactly what one agent running the plan would.
// The zero Shard (Count 0) is the whole plan.
type Shard struct{ Index, Count int }

// shardCountMax bounds the agents of one plan.
const shardCountMax = 1024

// ParseShard reads "I/N" (0 <= I < N).
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	idx, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	sh := Shard{Index: idx, Count: count}
	if !ok || err1 != nil || err2 != nil || count < 1 {
		return Shard{}, fmt.Errorf("shard %q: want I/N, e.g. 0/3", s)
	}
	return sh, sh.validate()
}

func (s Shard) validate() error {
	if s.Count == 0 && s.Index == 0 {
		return nil
	}
	if s.Count < 1 || s.Count > shardCountMax || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: want 0 <= I < N <= %d", s.Index, s.Count, shardCountMax)
	}
	return nil
}

func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.count()) }

func (s Shard) count() int { return max(s.Count, 1) }

// size is how many of the plan's connections this shard runs.
func (s Shard) size(planConns int) int {
	return max(0, (planConns-s.Index+s.count()-1)/s.count())
}

// conns lists the plan's connection indices this shard runs.
func (s Shard) conns(planConns int) []int {
	var out []int
	for g := s.Index; g < planConns; g += s.count() {
		out = append(out, g)
	}
	return out
}

// Bounds of --start-at: an origin further ahead is a mistake (a wrong
// clock or date), and an agent that reaches its origin later than
// lateAfter has not kept the common schedule.
const (
	startAheadMax = 24 * time.Hour
	lateAfter     = 50 * time.Millisecond
)

// unixSecondsMax bounds --start-at in Unix seconds (the year 5138): far
// beyond any origin, and far inside int64 nanoseconds.
const unixSecondsMax = 1e11

// ParseStartAt reads an RFC 3339 time or Unix seconds (with a fraction).
func ParseStartAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f > unixSecondsMax {
		return time.Time{}, fmt.Errorf("start-at %q: want RFC 3339 (2026-12-01T10:00:00Z) or Unix seconds", s)
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
}

// origin waits for the plan's common origin and returns it as a time that
// carries a monotonic reading, with how late this agent reached it (0 when
// on time or without --start-at). Cancelled while waiting, it returns now:
// the workers then see the cancellation at once and stop.
func origin(ctx context.Context, startAt time.Time) (t0 time.Time, late time.Duration) {
	if startAt.IsZero() {
		return time.Now(), 0
	}
	if wait := time.Until(startAt); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return time.Now(), 0
		}
	}
	now := time.Now()
	// now + (startAt - now) is startAt on the wall clock with now's
	// monotonic reading, so plan time is immune to wall-clock steps.
	return now.Add(startAt.Sub(now)), max(now.Sub(startAt), 0)
}
