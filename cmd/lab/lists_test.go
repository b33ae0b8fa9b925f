package main

import (
	"slices"
	"testing"

	"latencylab/harness/bench"
	"latencylab/stages"
	"latencylab/stages/core"
)

// The harness never imports the stages, so it keeps its own copies of
// two of their lists; this package sees both sides and keeps them equal.
func TestHarnessListsMatchTheStages(t *testing.T) {
	if got, want := bench.BalanceStrategies(), core.BalanceNames(); !slices.Equal(got, want) {
		t.Errorf("bench.BalanceStrategies() = %v, core.BalanceNames() = %v", got, want)
	}
	if got, want := bench.ContractLadder(), stages.Names(); !slices.Equal(got, want) {
		t.Errorf("bench.ContractLadder() = %v, stages.Names() = %v", got, want)
	}
}
