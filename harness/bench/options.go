package bench

import (
	"io"

	"latencylab/harness/capacity"
	"log/slog"
	"time"
)

// Limits are the bench's own deadlines and sizes, each with a default.
type Limits struct {
	ReadyTimeout time.Duration // a started server must accept TCP within this
	StopGrace    time.Duration // SIGTERM to SIGKILL
	HTTPTimeout  time.Duration // one /stats or control request
	LoadSlack    time.Duration // a load child may run this much past warm-up + duration
	PortAttempts int           // fresh ports tried when a port turns out taken
	StderrTail   int           // bytes of each child's stderr kept for failure reasons
}

// DefaultLimits are the limits used when Options.Limits is zero.
func DefaultLimits() Limits {
	return Limits{
		ReadyTimeout: 10 * time.Second,
		StopGrace:    3 * time.Second,
		HTTPTimeout:  5 * time.Second,
		LoadSlack:    20 * time.Second,
		PortAttempts: 3,
		StderrTail:   4 << 10,
	}
}

// Options are one bench run's settings, as lab bench's flags give them.
type Options struct {
	Scenario   string        // name of an embedded scenario; "" = ladder
	Quick      bool          // apply the scenario's quick overrides
	Rounds     int           // 0: the scenario's
	Duration   time.Duration // each measured trial's window; 0: the scenario's (after --quick)
	Servers    []string      // nil: every server
	External   []External    // servers the lab did not ship, run beside the selected ones
	Attached   []Attached    // servers already running, measured beside the selected ones
	Out        string        // parent of the run directory
	Lab        string        // the lab binary whose serve/load/stages run as children
	ServerCPUs string        // "": computed from the online CPUs
	LoadCPUs   string        // "": computed from the online CPUs
	GOGC       string        // for the servers; "": 100
	NginxPath  string        // "": looked up in PATH, then /usr/sbin/nginx; "off": skip
	PerfPath   string        // system profiles: "": perf from PATH; "off": none
	SLO        capacity.SLO  // a sweep's objective; zero: capacity.DefaultSLO
	AA         string        // run this server twice, as itself and as rundir.AAName (the noise floor)
	PinSelf    bool          // pin this process to the load CPUs (off for in-process tests)
	Limits     Limits        // zero: DefaultLimits

	Progress io.Writer    // one line per trial; nil: io.Discard
	Logger   *slog.Logger // nil: discard
}

// DefaultScenario is the journey through the ladder.
const DefaultScenario = "ladder"

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.Scenario == "" {
		o.Scenario = DefaultScenario
	}
	if o.Out == "" {
		o.Out = "runs"
	}
	if o.SLO == (capacity.SLO{}) {
		o.SLO = capacity.DefaultSLO
	}
	if o.GOGC == "" {
		o.GOGC = "100"
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}
