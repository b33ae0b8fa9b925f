package reports

import "strconv"

// claimKind says which measurement answers a seed claim.
type claimKind int

const (
	claimLatency  claimKind = iota // a mean latency figure: RefMS
	claimSyscalls                  // syscalls per request, with vs without the change
	claimAllocs                    // allocations per request, with vs without
)

// seedClaim is what seed document 004 said about a ladder stage. The lab
// shows it beside what was measured; it repeats no claim unmeasured.
type seedClaim struct {
	stage string
	text  string
	kind  claimKind
	refMS float64 // the seed's latency figure, for claimLatency
}

// seedClaims is read-only: one entry per ladder stage the seed discusses.
var seedClaims = []seedClaim{
	{stage: "naive", text: "first version: 119 ms average (seed 004)", kind: claimLatency, refMS: 119},
	{stage: "nodelay", text: `enabling Nagle "reduces syscalls" (seed 004)`, kind: claimSyscalls},
	{stage: "keepalive", text: `keep-alive brings the average to "5 ms" (seed 004)`, kind: claimLatency, refMS: 5},
	{stage: "pools", text: `memory pools: "fewer alloc/free" (seed 004)`, kind: claimAllocs},
	{stage: "stackbuf", text: `serializing into a stack buffer: "0.7 ms" (seed 004)`, kind: claimLatency, refMS: 0.7},
}

// claimFor returns the seed's claim about a stage, if any.
func claimFor(stage string) (seedClaim, bool) {
	for _, c := range seedClaims {
		if c.stage == stage {
			return c, true
		}
	}
	return seedClaim{}, false
}

// seedReference is a latency figure from the seed, drawn on the journey.
type seedReference struct {
	ms    float64
	label string
}

// seedReferences lists the seed's latency figures, largest first.
func seedReferences() []seedReference {
	var refs []seedReference
	for _, c := range seedClaims {
		if c.kind == claimLatency {
			ms := strconv.FormatFloat(c.refMS, 'f', -1, 64)
			refs = append(refs, seedReference{ms: c.refMS, label: "seed 004: " + ms + " ms (" + c.stage + ")"})
		}
	}
	return refs
}
