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
	"latencylab/harness/scenarios"
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
	base                string   // stages: the stage it changes (lab stages' third column)
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

// variantDefs are the scenario's variants: stages served with extra lab
// serve flags, which run only when the scenario lists them (and, among
// them, those --servers names). The scenario files define them
// (harness/scenarios/*.json say why each exists).
func variantDefs(vs []scenarios.Variant) []serverDef {
	var defs []serverDef
	for _, v := range vs {
		defs = append(defs, serverDef{name: v.Name, kind: rundir.KindVariant, stage: v.Stage, args: v.Args, env: v.Env,
			lossPermille: v.LossPermille, summary: v.Summary})
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
	return []string{"naive", "nodelay", "keepalive", "pools", "stackbuf", "batched", "rawsyscall", "uring", "multicore"}
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

// listStages runs `lab stages` and parses its NAME<TAB>summary<TAB>BASE
// lines (an older binary's have no BASE).
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
		name, rest, _ := strings.Cut(strings.TrimRight(sc.Text(), "\r\n"), "\t")
		summary, base, _ := strings.Cut(rest, "\t")
		if name != "" {
			defs = append(defs, serverDef{name: name, kind: rundir.KindStage, summary: summary, base: base})
		}
	}
	return defs, nil
}

// catalog is every server a run may use: the ladder as lab stages lists it,
// the contract's names it lacks (unavailable), the scenario's variants,
// then the references.
func catalog(listed []serverDef, listErr error, variants []scenarios.Variant) []serverDef {
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
	defs = append(defs, variantDefs(variants)...)
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
