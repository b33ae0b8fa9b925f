package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"latencylab/harness/rundir"
)

// Reference server names. nethttp and fasthttp run through lab serve; nginx
// is its own binary.
const (
	refNetHTTP  = "nethttp"
	refFastHTTP = "fasthttp"
	refNginx    = "nginx"
)

// serverDef is a server the bench can be asked to run.
type serverDef struct {
	name, kind, summary string
	nginx               bool     // started from the nginx binary, not lab serve
	unavailable         string   // non-empty: it cannot run, and why (marked failed)
	stage               string   // variants: the stage lab serve runs ("" = name)
	args                []string // variants: extra lab serve flags
	env                 []string // variants: extra environment (GOGC=5)
	lossPermille        int      // > 0: served and loaded inside a namespace that drops this many TCP segments per thousand
	command             string   // an external server's command, placeholders unreplaced (External)
	pprof               string   // an external Go server's net/http/pprof base, placeholders unreplaced
	attach              Attached // a server already running (--target); zero otherwise
}

// variantDefs are stages served with extra lab serve flags. They run only
// when a scenario lists them or --servers names them. pollfirst is a
// candidate step that did not help (stages/README.md has the figures); the
// capacity scenario keeps measuring it. The Nagle pair shows
// what seed 004 got wrong: with the response split over two writes, Nagle
// holds the body until the header segment is ACKed, and the client delays
// that ACK; with TCP_NODELAY the same two writes cost nothing extra.
func variantDefs() []serverDef {
	defs := []serverDef{
		{name: "nagle-split", kind: rundir.KindVariant, stage: "keepalive", args: []string{"--nagle", "on", "--split-write"},
			summary: "keepalive with Nagle on and each response in two writes (header block, body)"},
		{name: "nodelay-split", kind: rundir.KindVariant, stage: "keepalive", args: []string{"--nagle", "off", "--split-write"},
			summary: "keepalive with TCP_NODELAY and each response in two writes (header block, body)"},
		{name: "pollfirst", kind: rundir.KindVariant, stage: "rawsyscall", args: []string{"--wait", "poll-first"},
			summary: "rawsyscall + a zero-timeout epoll_wait first; the blocking wait only when nothing is ready"},
	}
	defs = append(defs, pathologyDefs()...)
	return append(append(defs, balanceDefs()...), scalingDefs()...)
}

// pathologyDefs reproduce the tail's causes for real, for the pathologies
// scenario: a listen backlog of one under connection churn (SYNs dropped
// and sent again after 1 s), an allocating stage collected continually
// (GOGC=1), and a network that loses segments (each sent again after a
// timer of 200 ms or more). The Nagle pair shows the fourth (delayed ACK).
func pathologyDefs() []serverDef {
	return []serverDef{
		{name: "backlog-tiny", kind: rundir.KindVariant, stage: "keepalive", args: []string{"--backlog", "1"},
			summary: "keepalive with a listen backlog of 1"},
		{name: "gc-heavy", kind: rundir.KindVariant, stage: "keepalive", env: []string{"GOGC=1"},
			summary: "keepalive (19 heap allocations per request) with GOGC=1: the collector runs all the time"},
		{name: "lossy", kind: rundir.KindVariant, stage: "rawsyscall", lossPermille: lossyPermille,
			summary: "rawsyscall in a network namespace whose loopback drops 1.5% of TCP segments, both directions (nftables)"},
	}
}

// lossyPermille is the lossy variant's loss: enough for every trial to
// lose segments, little enough that TCP does not spend it backing off.
const lossyPermille = 15

// BalanceStrategies are lab serve's --balance values. The bench does not
// import the stages, so this is a copy of core.BalanceNames, and a test
// in cmd/lab, which sees both, keeps the two equal.
func BalanceStrategies() []string {
	return []string{"reuseport", "round-robin", "least-conn", "least-latency", "random", "seed-random"}
}

// balanceReactors is how many reactors the balance variants run: more
// than a 2-core machine's server CPU, so that they time-slice it.
const balanceReactors = "4"

// balanceDefs are multicore under each strategy, for the balance scenario.
func balanceDefs() []serverDef {
	var defs []serverDef
	for _, b := range BalanceStrategies() {
		defs = append(defs, serverDef{name: "mc-" + b, kind: rundir.KindVariant, stage: "multicore",
			args:    []string{"--reactors", balanceReactors, "--balance", b},
			summary: "multicore, " + balanceReactors + " reactors, --balance " + b})
	}
	return defs
}

// scalingDefs are multicore with 1, 2, 4 and 8 reactors under reuseport,
// for the scaling scenario: each reactor pinned to its own CPU when the
// server is given that many (--server-cpus).
func scalingDefs() []serverDef {
	var defs []serverDef
	for _, n := range []string{"1", "2", "4", "8"} {
		defs = append(defs, serverDef{name: "mc-x" + n, kind: rundir.KindVariant, stage: "multicore",
			args:    []string{"--reactors", n, "--balance", "reuseport"},
			summary: "multicore, " + n + " reactor(s), reuseport"})
	}
	return defs
}

// serveStage is the stage lab serve runs for d.
func (d serverDef) serveStage() string {
	if d.stage != "" {
		return d.stage
	}
	return d.name
}

// ContractLadder is the ladder CONTRACTS.md §1 names. lab stages is the
// truth for order and summaries; a contract name it lacks is still
// benched, as a failed server, so a missing stage shows in the run
// instead of vanishing. A test in cmd/lab keeps it equal to
// stages.Names().
func ContractLadder() []string {
	return []string{"naive", "nodelay", "keepalive", "pools", "stackbuf", "batched", "rawsyscall", "multicore"}
}

func referenceDefs() []serverDef {
	return []serverDef{
		{name: refNetHTTP, kind: rundir.KindReference, summary: "Go net/http, stock (via lab serve)"},
		{name: refFastHTTP, kind: rundir.KindReference, summary: "valyala/fasthttp (via lab serve)"},
		{name: refNginx, kind: rundir.KindReference, summary: "nginx, one worker, return 200 from the config", nginx: true},
	}
}

// stagesTimeout bounds `lab stages`, which only prints a list.
const stagesTimeout = 10 * time.Second

// listStages runs `lab stages` and parses its NAME<TAB>summary lines.
func listStages(ctx context.Context, lab string) ([]serverDef, error) {
	ctx, cancel := context.WithTimeout(ctx, stagesTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, lab, "stages")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s stages: %w %s", lab, err, strings.TrimSpace(stderr.String()))
	}
	var defs []serverDef
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		name, summary, _ := strings.Cut(strings.TrimSpace(sc.Text()), "\t")
		if name != "" {
			defs = append(defs, serverDef{name: name, kind: rundir.KindStage, summary: summary})
		}
	}
	return defs, nil
}

// catalog is every server a run may use: the ladder as lab stages lists it,
// the contract's names it lacks (unavailable), then the references.
func catalog(listed []serverDef, listErr error) []serverDef {
	defs := slices.Clone(listed)
	for _, name := range ContractLadder() {
		if slices.ContainsFunc(defs, func(d serverDef) bool { return d.name == name }) {
			continue
		}
		why := "not listed by `lab stages`"
		if listErr != nil {
			why = "`lab stages` failed: " + listErr.Error()
		}
		defs = append(defs, serverDef{name: name, kind: rundir.KindStage, unavailable: why})
	}
	defs = append(defs, variantDefs()...)
	return append(defs, referenceDefs()...)
}

// UsageError is a bad request from the command line (exit status 2).
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// selectServers keeps the requested names in catalog order; nil keeps
// every stage and reference, and the variants the scenario lists.
func selectServers(all []serverDef, requested, variants []string) ([]serverDef, error) {
	for _, v := range variants {
		if !slices.ContainsFunc(all, func(d serverDef) bool { return d.kind == rundir.KindVariant && d.name == v }) {
			return nil, fmt.Errorf("scenario lists unknown variant %q", v)
		}
	}
	if len(requested) == 0 {
		var out []serverDef
		for _, d := range all {
			if d.kind != rundir.KindVariant || slices.Contains(variants, d.name) {
				out = append(out, d)
			}
		}
		return out, nil
	}
	var names []string
	for _, d := range all {
		names = append(names, d.name)
	}
	for i, r := range requested {
		r = strings.TrimSpace(r)
		requested[i] = r
		if !slices.Contains(names, r) {
			return nil, UsageError{fmt.Sprintf("unknown server %q in --servers (valid: %s)", r, strings.Join(names, ", "))}
		}
	}
	var out []serverDef
	for _, d := range all {
		if slices.Contains(requested, d.name) {
			out = append(out, d)
		}
	}
	return out, nil
}

// aaTwin is the second entry of an A/A run: the same server under another
// name, so that the two are measured side by side like any two servers.
func aaTwin(d serverDef) serverDef {
	twin := d
	twin.name = rundir.AAName(d.name)
	if !d.nginx {
		twin.stage = d.serveStage()
	}
	twin.summary = d.summary + " (A/A twin of " + d.name + ")"
	return twin
}
