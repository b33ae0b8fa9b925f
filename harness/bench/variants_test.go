package bench

import (
	"slices"
	"testing"

	"latencylab/harness/rundir"
	"latencylab/harness/scenarios"
)

func names(defs []serverDef) []string {
	var out []string
	for _, d := range defs {
		out = append(out, d.name)
	}
	return out
}

// Variants run when the scenario lists them or --servers names them, never
// otherwise; their lab serve command is their stage plus their flags.
func TestVariantSelection(t *testing.T) {
	listed := []serverDef{{name: "keepalive", kind: rundir.KindStage}, {name: "stackbuf", kind: rundir.KindStage}}
	ladder, err := scenarios.Load("ladder")
	if err != nil {
		t.Fatal(err)
	}
	all := catalog(listed, nil, ladder.Variants)

	got, err := selectServers(all, nil, nil)
	if err != nil || slices.Contains(names(got), "nagle-split") {
		t.Fatalf("no variants listed: got %v, %v", names(got), err)
	}
	got, err = selectServers(all, nil, []string{"nagle-split"})
	if err != nil || !slices.Contains(names(got), "nagle-split") || slices.Contains(names(got), "nodelay-split") {
		t.Fatalf("scenario lists nagle-split: got %v, %v", names(got), err)
	}
	got, err = selectServers(all, []string{"nodelay-split"}, nil)
	if err != nil || !slices.Equal(names(got), []string{"nodelay-split"}) {
		t.Fatalf("--servers nodelay-split: got %v, %v", names(got), err)
	}
	if _, err := selectServers(all, nil, []string{"bogus"}); err == nil {
		t.Fatal("an unknown variant in a scenario was accepted")
	}
	// Every scenario's variant differs from its stage: flags,
	// environment, or network.
	for _, name := range scenarios.Names() {
		sc, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range variantDefs(sc.Variants) {
			if !slices.Contains(ContractLadder(), d.serveStage()) || (len(d.args)+len(d.env) == 0 && d.lossPermille == 0) || d.kind != rundir.KindVariant {
				t.Errorf("%s: variant %s: stage %q args %v kind %s", name, d.name, d.serveStage(), d.args, d.kind)
			}
		}
	}
}

// A scenario's variant_rate applies to variants only; absent, variants
// take the scenario's rate.
func TestVariantRate(t *testing.T) {
	closed := 0.0
	r := &runner{rate: 14000}
	stage := &target{def: serverDef{name: "stackbuf", kind: rundir.KindStage}, addr: "127.0.0.1:1"}
	variant := &target{def: serverDef{name: "nagle-split", kind: rundir.KindVariant, stage: "keepalive"}, addr: "127.0.0.1:2"}
	if got := r.scenarioJob(variant).rate; got != 14000 {
		t.Fatalf("no variant_rate: variant rate %v, want the scenario's", got)
	}
	r.sc.VariantRate = &closed
	if got := r.scenarioJob(variant).rate; got != 0 {
		t.Fatalf("variant_rate 0: variant rate %v, want closed loop", got)
	}
	if got := r.scenarioJob(stage).rate; got != 14000 {
		t.Fatalf("variant_rate changed a stage's rate to %v", got)
	}
}
