package load

// Pacing: blocking in the kernel until the exact intended send time costs
// the machine's wake-up latency (measured here: ~45 µs median in a VM, a
// few µs on bare metal), and Go's own timers only wake to the millisecond.
// So the worker blocks until shortly before the send is due and polls for
// the rest. The early-wake margin tracks the 90th percentile of the
// observed overshoot of blocked waits with a fixed-step quantile estimator:
// each observation moves it by at most a microsecond, so a rare long
// preemption cannot inflate it (a larger margin means more polling CPU).
const (
	marginInitNs = 50_000
	marginMinNs  = 2_000
	marginMaxNs  = 200_000
	marginStepNs = 1_000
	marginQuantQ = 0.9
	marginUpNs   = int64(marginStepNs * marginQuantQ)
	marginDownNs = int64(marginStepNs * (1 - marginQuantQ))
)

type pacer struct{ marginNs int64 }

func newPacer() pacer { return pacer{marginNs: marginInitNs} }

// blockFor is how long to block when the next send is waitNs away;
// <= 0 means poll without blocking.
func (p *pacer) blockFor(waitNs int64) int64 { return waitNs - p.marginNs }

// observe takes the overshoot of a blocked wait that timed out. At
// equilibrium 10% of the overshoots exceed the margin.
func (p *pacer) observe(overshootNs int64) {
	if overshootNs > p.marginNs {
		p.marginNs += marginUpNs
	} else {
		p.marginNs -= marginDownNs
	}
	p.marginNs = min(max(p.marginNs, marginMinNs), marginMaxNs)
}
