package capacity

import (
	"cmp"
	"slices"
)

// AchievedMin is the share of the offered rate a point must achieve: below
// it the server fell behind (the generator could not send, or requests
// failed) and the point is saturated.
const AchievedMin = 0.99

// Point is one offered rate's measurement: one trial, or the medians of
// several.
type Point struct {
	Offered  float64 // req/s
	Achieved float64 // req/s of successful responses
	Latency  float64 // ns, at the SLO's percentile
	Growing  bool    // the queue grew through the trial (see Growing)
}

// Saturated says the server did not keep up with the offered rate: it
// achieved less than AchievedMin of it, or its queue kept growing.
func (p Point) Saturated() bool { return p.Growing || p.Achieved < AchievedMin*p.Offered }

// Queue growth: in open loop, latency is measured from each request's
// intended send time, so a server that cannot keep up shows latency that
// climbs through the trial instead of holding level. A trial's queue grew
// when the median latency of its second half is more than GrowthRatio
// times its first half's and more than GrowthMinNS above it (so that
// microsecond jitter at light load never counts).
const (
	GrowthRatio = 1.5 // a queue that was already long at the window's start grows by less than 2× within it
	GrowthMinNS = 1e6 // 1 ms
)

// Growing applies the rule to the median latencies of a trial's halves.
func Growing(firstHalfP50, secondHalfP50 float64) bool {
	return secondHalfP50 > GrowthRatio*firstHalfP50 && secondHalfP50-firstHalfP50 > GrowthMinNS
}

// Meets says the point is within the objective: it kept up, and its
// latency percentile is under the threshold.
func (p Point) Meets(o SLO) bool { return !p.Saturated() && p.Latency <= o.ThresholdNS() }

// Knee is where a curve stops meeting its objective.
type Knee struct {
	Rate float64 // the highest offered rate that met the SLO, below every failure; 0 when none did
	// Found is false when even the lowest rate failed: there is no
	// capacity at this SLO in the measured range.
	Found bool
	// AtLeast is true when every measured rate met the SLO (not even a
	// lone failure): Rate is only a lower bound.
	AtLeast bool
	Above   float64 // the lowest failing rate above the knee; 0 with AtLeast
}

// FindKnee is capacity at SLO on one curve: walking up the offered rates,
// the last point that met the SLO before the curve breaks. It breaks at a
// failure that the next higher rate confirms by failing too (or that is
// the highest rate measured). A lone failure between two passes is taken
// for noise, because noise on a shared machine only ever adds latency: a
// spike can fail one point below the knee, but cannot make a server past
// its knee pass twice in a row. Points above the break are not trusted.
func FindKnee(points []Point, o SLO) Knee {
	ps := slices.Clone(points)
	slices.SortFunc(ps, func(a, b Point) int { return cmp.Compare(a.Offered, b.Offered) })
	var k Knee
	lone := false
	for i, p := range ps {
		if p.Meets(o) {
			k.Rate, k.Found = p.Offered, true
			continue
		}
		if i+1 == len(ps) || !ps[i+1].Meets(o) {
			k.Above = p.Offered
			return k
		}
		lone = true
	}
	k.AtLeast = k.Found && !lone
	return k
}

// BisectMinGap is the relative gap between the knee and the failure above
// it under which bisecting further is not worth a trial.
const BisectMinGap = 0.02

// NextProbe is the rate to try next to narrow a curve's knee: halfway
// between the knee and the failure above it, while they are more than
// BisectMinGap apart. ok is false when there is nothing to narrow.
func NextProbe(points []Point, o SLO) (rate float64, ok bool) {
	k := FindKnee(points, o)
	if !k.Found || k.AtLeast || (k.Above-k.Rate) <= BisectMinGap*k.Rate {
		return 0, false
	}
	return (k.Rate + k.Above) / 2, true
}
