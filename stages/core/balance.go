package core

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Balance is how a Group spreads connections over its reactors.
type Balance uint8

const (
	// BalanceReusePort gives every reactor its own listener on the port
	// (SO_REUSEPORT); the kernel picks one per connection by a hash of its
	// 4-tuple. No acceptor, no hand-off: nginx's model.
	BalanceReusePort Balance = iota
	// The others have one acceptor hand each connection to the reactor
	// its rule picks (seed 000, phase 3).
	BalanceRoundRobin   // each reactor in turn
	BalanceLeastConn    // the fewest open connections; ties to the lowest index
	BalanceLeastLatency // the lowest LatencyEstimate; ties by least-conn
	BalanceRandom       // uniformly at random, from one generator seeded once
	// BalanceSeedRandom is seed 000's selectRandom, kept to measure its
	// bug: it seeds a new generator from the millisecond clock on every
	// call, so every connection accepted within one millisecond goes to
	// the same reactor.
	BalanceSeedRandom
)

var balanceNames = []string{"reuseport", "round-robin", "least-conn", "least-latency", "random", "seed-random"}

// String is the strategy's name, as --balance and /stats spell it.
func (b Balance) String() string {
	if int(b) < len(balanceNames) {
		return balanceNames[b]
	}
	return "unknown"
}

// ParseBalance reads a strategy name.
func ParseBalance(s string) (Balance, error) {
	for i, n := range balanceNames {
		if s == n {
			return Balance(i), nil
		}
	}
	return 0, fmt.Errorf("balance %q: want one of %s", s, strings.Join(balanceNames, ", "))
}

// BalanceNames lists every strategy.
func BalanceNames() []string { return append([]string(nil), balanceNames...) }

// picker chooses a reactor for a new connection. Only the acceptor's
// goroutine calls it, so a picker keeps its state without locks.
type picker interface {
	pick(loads func(i int) Load, n int) int
}

func newPicker(b Balance, seed uint64) picker {
	switch b {
	case BalanceLeastConn:
		return leastConn{}
	case BalanceLeastLatency:
		return leastLatency{}
	case BalanceRandom:
		return &uniform{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	case BalanceSeedRandom:
		return seedRandom{now: time.Now}
	}
	return &roundRobin{}
}

type roundRobin struct{ next int }

func (p *roundRobin) pick(_ func(int) Load, n int) int {
	i := p.next % n
	p.next = i + 1
	return i
}

type leastConn struct{}

func (leastConn) pick(loads func(int) Load, n int) int {
	best, bestActive := 0, loads(0).Active
	for i := 1; i < n; i++ {
		if a := loads(i).Active; a < bestActive {
			best, bestActive = i, a
		}
	}
	return best
}

type leastLatency struct{}

// pick compares estimates, with a reactor that has no connection at 0.
func (leastLatency) pick(loads func(int) Load, n int) int {
	best, b := 0, loads(0)
	for i := 1; i < n; i++ {
		l := loads(i)
		if latencyOf(l) < latencyOf(b) || (latencyOf(l) == latencyOf(b) && l.Active < b.Active) {
			best, b = i, l
		}
	}
	return best
}

func latencyOf(l Load) int64 {
	if l.Active == 0 {
		return 0
	}
	return l.Latency
}

type uniform struct{ rng *rand.Rand }

func (p *uniform) pick(_ func(int) Load, n int) int { return p.rng.IntN(n) }

// seedRandom reproduces seed 000's bug (see BalanceSeedRandom).
type seedRandom struct{ now func() time.Time }

func (p seedRandom) pick(_ func(int) Load, n int) int {
	ms := uint64(p.now().UnixMilli())
	return rand.New(rand.NewPCG(ms, 0)).IntN(n)
}
