package main

import (
	"slices"
	"strings"
	"testing"

	"latencylab/harness/bench"
	"latencylab/harness/scenarios"
	"latencylab/stages"
	"latencylab/stages/core"
)

// The harness never imports the stages, so it keeps its own copies of
// their lists; this package sees both sides and keeps them equal.
func TestHarnessListsMatchTheStages(t *testing.T) {
	if got, want := bench.ContractLadder(), stages.Names(); !slices.Equal(got, want) {
		t.Errorf("bench.ContractLadder() = %v, stages.Names() = %v", got, want)
	}
	// The balance scenario measures every strategy the core has, and
	// nothing else.
	sc, err := scenarios.Load("balance")
	if err != nil {
		t.Fatal(err)
	}
	var strategies []string
	for _, v := range sc.Variants {
		if i := slices.Index(v.Args, "--balance"); i >= 0 && i+1 < len(v.Args) {
			strategies = append(strategies, v.Args[i+1])
		}
	}
	if want := core.BalanceNames(); !slices.Equal(strategies, want) {
		t.Errorf("the balance scenario's strategies %v, core.BalanceNames() %v", strategies, want)
	}
	// Every variant of every scenario serves a stage the ladder has.
	for _, name := range scenarios.Names() {
		sc, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range sc.Variants {
			if !slices.Contains(stages.Names(), v.Stage) {
				t.Errorf("%s: variant %s serves %q, not a stage (%s)", name, v.Name, v.Stage, strings.Join(stages.Names(), ", "))
			}
		}
	}
}
