package load

import (
	"fmt"
	"math/bits"
	"slices"
)

// Pick is how a request of a targets mix chooses its target.
type Pick uint8

const (
	PickRoundRobin Pick = iota // each connection in turn through the targets, starting at its own offset
	PickRandom                 // uniformly, seeded
	PickWeighted               // in proportion to the file's weights, seeded
)

// ParsePick reads rr, random or weighted.
func ParsePick(s string) (Pick, error) {
	switch s {
	case "rr":
		return PickRoundRobin, nil
	case "random":
		return PickRandom, nil
	case "weighted":
		return PickWeighted, nil
	}
	return 0, fmt.Errorf("pick %q: want rr, random or weighted", s)
}

func (p Pick) String() string {
	return [...]string{"rr", "random", "weighted"}[p]
}

// picker chooses the target of request k of the plan's connection g. It
// is a pure function of (g, k) and the seed, so a sharded agent picks
// exactly what the whole plan would, and a rerun with one seed repeats.
// Round robin walks each connection through every target, from its own
// offset: a connection stuck on one target (as (k·conns+g) mod n would
// leave it whenever n divides conns) would make a closed loop's shares
// follow the targets' speeds.
type picker struct {
	how  Pick
	n    uint64   // targets
	seed uint64   // mixed into every draw
	cum  []uint64 // weighted: cumulative weights
}

func newPicker(how Pick, targets []Target, seed uint64) picker {
	p := picker{how: how, n: uint64(max(len(targets), 1)), seed: seed}
	if how == PickWeighted {
		var sum uint64
		for _, t := range targets {
			sum += uint64(t.Weight)
			p.cum = append(p.cum, sum)
		}
	}
	return p
}

func (p *picker) pick(g int, k int64) int32 {
	if p.n == 1 {
		return 0
	}
	switch p.how {
	case PickRandom:
		return int32(mulHigh(p.draw(g, k), p.n))
	case PickWeighted:
		u := mulHigh(p.draw(g, k), p.cum[len(p.cum)-1])
		i, _ := slices.BinarySearch(p.cum, u+1) // the first cumulative weight above u
		return int32(i)
	}
	return int32((uint64(g) + uint64(k)) % p.n)
}

// draw is a 64-bit hash of (seed, g, k): splitmix64's finaliser over a
// mix of the three, uniform enough that each target's share is its
// probability to well under a percent over thousands of requests.
func (p *picker) draw(g int, k int64) uint64 {
	x := p.seed ^ uint64(g)*0x9e3779b97f4a7c15 ^ uint64(k)*0xc2b2ae3d27d4eb4f
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// mulHigh maps a uniform 64-bit x onto [0, n).
func mulHigh(x, n uint64) uint64 {
	hi, _ := bits.Mul64(x, n)
	return hi
}
