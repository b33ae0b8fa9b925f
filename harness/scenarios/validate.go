package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"latencylab/harness/loadmode"
	"latencylab/harness/rundir"
)

// Named limits of a valid scenario. They keep a typo (an extra zero) from
// turning into an hour-long bench or a million sockets.
const (
	MaxConns       = 50_000
	MaxRounds      = 100
	MaxTrialLength = 5 * time.Minute // warm-up + duration of one trial
	MaxRate        = 10_000_000
	MaxProbes      = 10
	// MinSample bounds how often /stats is polled during a trial: each
	// poll is a request to the server under test.
	MinSample = 10 * time.Millisecond
	// MaxSweepPoints bounds a sweep's offered rates per server and round.
	MaxSweepPoints = 20
	// MaxSoakLength bounds a soak's trial instead of MaxTrialLength: a
	// soak is long on purpose, but not unbounded.
	MaxSoakLength = 2 * time.Hour
	// MinSoakSamples and MaxSoakSamples bound a soak's samples: enough to
	// see a trend after the settling-in, few enough to read.
	MinSoakSamples = 10
	MaxSoakSamples = 1000
)

// Validate checks a scenario before any process starts.
func (s Scenario) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	errs = append(errs, s.checkNames()...)
	check(s.Description != "", "description is empty")
	if err := checkPath(s.Path); err != nil {
		errs = append(errs, err)
	}
	if err := validMode(s.Mode); err != nil {
		errs = append(errs, err)
	}
	check(s.Conns >= 1 && s.Conns <= MaxConns, "conns %d not in 1..%d", s.Conns, MaxConns)
	check(s.Rate >= 0 && s.Rate <= MaxRate, "rate %v not in 0..%d", s.Rate, MaxRate)
	check(s.Rate == 0 || s.RateRule == nil, "rate and rate_rule are exclusive")
	check(s.VariantRate == nil || (*s.VariantRate >= 0 && *s.VariantRate <= MaxRate), "variant_rate not in 0..%d", MaxRate)
	check(s.Duration.D > 0, "duration must be positive")
	check(s.Warmup.D >= 0, "warmup is negative")
	maxTrial := MaxTrialLength
	if s.Soak != nil {
		maxTrial = MaxSoakLength
		errs = append(errs, s.Soak.validate(s.Duration.D))
	}
	check(s.Warmup.D+s.Duration.D <= maxTrial, "warmup+duration over %v", maxTrial)
	check(s.Rounds >= 1 && s.Rounds <= MaxRounds, "rounds %d not in 1..%d", s.Rounds, MaxRounds)
	check(s.Profile.D > 0 && s.Profile.D <= MaxTrialLength, "profile window must be in (0, %v]", MaxTrialLength)
	check(s.Timeout.D > 0, "timeout must be positive")
	check(s.Quick.Rounds >= 0 && s.Quick.Rounds <= MaxRounds, "quick rounds %d not in 0..%d", s.Quick.Rounds, MaxRounds)
	check(s.Quick.Warmup.D >= 0 && s.Quick.Duration.D >= 0 && s.Quick.Profile.D >= 0, "quick durations are negative")
	if s.RateRule != nil {
		errs = append(errs, s.RateRule.validate())
	}
	for name, l := range s.ServerLoads {
		if err := validMode(l.Mode); err != nil {
			errs = append(errs, fmt.Errorf("server_loads %s: %w", name, err))
		}
		check(l.Conns >= 1 && l.Conns <= MaxConns, "server_loads %s: conns %d not in 1..%d", name, l.Conns, MaxConns)
		check(l.Rate >= 0 && l.Rate <= MaxRate, "server_loads %s: rate %v not in 0..%d", name, l.Rate, MaxRate)
	}
	if b := s.Background; b != nil {
		if err := validMode(b.Mode); err != nil {
			errs = append(errs, fmt.Errorf("background: %w", err))
		}
		check(b.Conns >= 1 && b.Conns <= MaxConns, "background: conns %d not in 1..%d", b.Conns, MaxConns)
		check(b.Rate >= 0 && b.Rate <= MaxRate, "background: rate %v not in 0..%d", b.Rate, MaxRate)
	}
	if w := s.Sweep; w != nil {
		check(len(w.Fractions) >= 2 && len(w.Fractions) <= MaxSweepPoints, "sweep: %d fractions, want 2..%d", len(w.Fractions), MaxSweepPoints)
		for i, f := range w.Fractions {
			check(f > 0 && f <= 2 && (i == 0 || f > w.Fractions[i-1]), "sweep: fractions must ascend within (0, 2]")
		}
		check(w.Bisect >= 0 && w.Bisect <= MaxSweepPoints, "sweep: bisect %d not in 0..%d", w.Bisect, MaxSweepPoints)
		check(w.Probe.D > 0 && w.Probe.D <= MaxTrialLength, "sweep: probe window must be in (0, %v]", MaxTrialLength)
		check(w.Probes >= 1 && w.Probes <= MaxProbes, "sweep: probes %d not in 1..%d", w.Probes, MaxProbes)
		check(s.Rate == 0 && s.RateRule == nil, "sweep: rate and rate_rule do not apply (each server's rates come from its own probe)")
	}
	check(s.Sample.D == 0 || (s.Sample.D >= MinSample && s.Sample.D <= s.Duration.D),
		"sample %v: want %v up to the duration", s.Sample.D, MinSample)
	return errors.Join(errs...)
}

func (r *RateRule) validate() error {
	var errs []error
	if r.Server == "" {
		errs = append(errs, errors.New("rate_rule: server is empty"))
	}
	if r.Conns < 1 || r.Conns > MaxConns {
		errs = append(errs, fmt.Errorf("rate_rule: conns %d not in 1..%d", r.Conns, MaxConns))
	}
	if err := validMode(r.Mode); err != nil {
		errs = append(errs, fmt.Errorf("rate_rule: %w", err))
	}
	if r.Duration.D <= 0 || r.Duration.D > MaxTrialLength {
		errs = append(errs, fmt.Errorf("rate_rule: duration must be in (0, %v]", MaxTrialLength))
	}
	if r.Probes < 1 || r.Probes > MaxProbes {
		errs = append(errs, fmt.Errorf("rate_rule: probes %d not in 1..%d", r.Probes, MaxProbes))
	}
	if r.Factor <= 0 {
		errs = append(errs, errors.New("rate_rule: factor must be positive"))
	}
	if r.Min < 0 || r.Max <= r.Min || r.Max > MaxRate {
		errs = append(errs, fmt.Errorf("rate_rule: want 0 <= min < max <= %d", MaxRate))
	}
	return errors.Join(errs...)
}

// checkNames checks every name that becomes a folder or part of one:
// the scenario's (it names the run directory) and its servers'.
func (s Scenario) checkNames() []error {
	var errs []error
	if err := rundir.CheckName(s.Name); err != nil {
		errs = append(errs, fmt.Errorf("name: %w", err))
	}
	for _, n := range s.Servers {
		if err := rundir.CheckName(n); err != nil {
			errs = append(errs, fmt.Errorf("servers: %w", err))
		}
	}
	seen := map[string]bool{}
	for i, v := range s.Variants {
		if err := v.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("variants[%d]: %w", i, err))
		}
		if seen[v.Name] {
			errs = append(errs, fmt.Errorf("variants[%d]: %s given twice", i, v.Name))
		}
		seen[v.Name] = true
	}
	for name := range s.ServerLoads {
		if err := rundir.CheckName(name); err != nil {
			errs = append(errs, fmt.Errorf("server_loads: %w", err))
		}
	}
	for i, srv := range s.External {
		if err := srv.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("external[%d]: %w", i, err))
		}
	}
	return errs
}

// validate checks a soak of a window d.
func (p SoakPlan) validate(d time.Duration) error {
	var errs []error
	if p.Samples < MinSoakSamples || p.Samples > MaxSoakSamples {
		errs = append(errs, fmt.Errorf("soak: samples %d not in %d..%d", p.Samples, MinSoakSamples, MaxSoakSamples))
	} else if p.Every(d) < MinSample {
		errs = append(errs, fmt.Errorf("soak: samples %v apart, want at least %v", p.Every(d), MinSample))
	}
	if p.Settle < 0 || p.Settle > 0.5 {
		errs = append(errs, fmt.Errorf("soak: settle %v not in [0, 0.5]", p.Settle))
	}
	return errors.Join(errs...)
}

// checkPath accepts a request target in origin form (/plaintext?x=1):
// it goes into every request line as it is, so a space, a control
// character or a non-ASCII byte, which would split or bend that line, is
// refused.
func checkPath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("path %q must start with /", p)
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return fmt.Errorf("path %q: byte %d (%q) cannot be in a request target", p, i, c)
		}
	}
	return nil
}

// validMode checks a client mode with lab load's own parser. A scenario
// names its mode: lab load's default ("" for keepalive) is not taken here.
func validMode(mode string) error {
	if mode == "" {
		return errors.New("mode is empty: want keepalive, close or pipeline=N")
	}
	_, err := loadmode.Parse(mode)
	return err
}

// Apply derives the open-loop rate from the probes' closed-loop
// throughputs and says how, for run.json.
func (r *RateRule) Apply(probesRPS []float64) (rate float64, how string) {
	best := 0.0
	parts := make([]string, len(probesRPS))
	for i, v := range probesRPS {
		best = max(best, v)
		parts[i] = strconv.FormatFloat(v, 'f', 0, 64)
	}
	rate = min(max(r.Factor*best, r.Min), r.Max)
	how = fmt.Sprintf("rate = %.2f × best closed-loop throughput of %s over %d probes of %v (%s req/s; %d conns, %s), clamped to [%.0f, %.0f] = %.0f req/s",
		r.Factor, r.Server, len(probesRPS), r.Duration.D, strings.Join(parts, ", "), r.Conns, r.Mode, r.Min, r.Max, rate)
	return rate, how
}
