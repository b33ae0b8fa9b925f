package core

import (
	"math"
	"testing"
	"time"
)

// fixedLoads serves a picker a fixed table of loads.
func fixedLoads(ls []Load) func(int) Load { return func(i int) Load { return ls[i] } }

func picks(p picker, loads func(int) Load, n, count int) []int {
	out := make([]int, count)
	for i := range out {
		out[i] = p.pick(loads, n)
	}
	return out
}

func TestRoundRobinCycles(t *testing.T) {
	got := picks(newPicker(BalanceRoundRobin, 1), nil, 3, 7)
	want := []int{0, 1, 2, 0, 1, 2, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("round robin %v, want %v", got, want)
		}
	}
}

func TestLeastConnPicksTheMinimum(t *testing.T) {
	p := newPicker(BalanceLeastConn, 1)
	for _, c := range []struct {
		active []uint64
		want   int
	}{
		{[]uint64{5, 2, 9}, 1},
		{[]uint64{3, 1, 1, 4}, 1}, // a tie goes to the lowest index
		{[]uint64{0, 0, 0}, 0},
		{[]uint64{7, 7, 6}, 2},
	} {
		ls := make([]Load, len(c.active))
		for i, a := range c.active {
			ls[i].Active = a
		}
		if got := p.pick(fixedLoads(ls), len(ls)); got != c.want {
			t.Errorf("active %v: picked %d, want %d", c.active, got, c.want)
		}
	}
}

func TestLeastLatencyFollowsItsEstimate(t *testing.T) {
	p := newPicker(BalanceLeastLatency, 1)
	for _, c := range []struct {
		name string
		ls   []Load
		want int
	}{
		{"lowest estimate", []Load{{4, 900}, {9, 300}, {2, 700}}, 1},
		{"a reactor with no connection waits for nothing", []Load{{4, 300}, {0, 5000}, {2, 700}}, 1},
		{"equal estimates: fewer connections", []Load{{4, 300}, {3, 300}, {5, 300}}, 1},
	} {
		if got := p.pick(fixedLoads(c.ls), len(c.ls)); got != c.want {
			t.Errorf("%s: picked %d, want %d", c.name, got, c.want)
		}
	}
}

// TestRandomIsUniform: 40,000 picks over 4 reactors, each count within 4
// standard deviations of 10,000 (σ ≈ 87); the seed is fixed, so the
// outcome is too.
func TestRandomIsUniform(t *testing.T) {
	const n, count = 4, 40_000
	counts := make([]int, n)
	for _, i := range picks(newPicker(BalanceRandom, 42), nil, n, count) {
		counts[i]++
	}
	sigma := math.Sqrt(count * (1.0 / n) * (1 - 1.0/n))
	for i, c := range counts {
		if math.Abs(float64(c)-count/n) > 4*sigma {
			t.Errorf("reactor %d picked %d times of %d, want %d ± %.0f", i, c, count, count/n, 4*sigma)
		}
	}
}

// TestSeedRandomBug reproduces seed 000's selectRandom: reseeding from the
// millisecond clock on every call sends every connection of one
// millisecond to the same reactor. The lab's random does not.
func TestSeedRandomBug(t *testing.T) {
	frozen := time.UnixMilli(1_700_000_000_123)
	bug := seedRandom{now: func() time.Time { return frozen }}
	first := bug.pick(nil, 8)
	for i, got := range picks(bug, nil, 8, 1000) {
		if got != first {
			t.Fatalf("pick %d went to %d, not %d: the bug is not reproduced", i, got, first)
		}
	}
	seen := map[int]bool{}
	for _, i := range picks(newPicker(BalanceRandom, uint64(frozen.UnixMilli())), nil, 8, 1000) {
		seen[i] = true
	}
	if len(seen) != 8 {
		t.Fatalf("random reached %d of 8 reactors in 1000 picks", len(seen))
	}
}

func TestParseBalance(t *testing.T) {
	for _, name := range BalanceNames() {
		b, err := ParseBalance(name)
		if err != nil || b.String() != name {
			t.Errorf("%s: %v, %v", name, b, err)
		}
	}
	if _, err := ParseBalance("fastest"); err == nil {
		t.Error("an unknown strategy was accepted")
	}
}
