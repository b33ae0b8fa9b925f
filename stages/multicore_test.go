package stages

import (
	"bufio"
	"testing"

	"latencylab/stages/core"
)

// /stats of a group: the totals are the sums of the per-reactor entries,
// and round robin gives each of 3 reactors 3 of 9 connections and their
// requests.
func TestMulticoreStatsPerReactor(t *testing.T) {
	mc, _ := Lookup("multicore")
	ts := startStage(t, mc, withBalance(core.BalanceRoundRobin))
	for range 9 {
		c := dial(t, ts.Addr())
		br := bufio.NewReader(c)
		get(t, c, br)
		get(t, c, br)
		c.Close()
	}
	st := ts.Stats()
	if st.Balance != "round-robin" || len(st.Reactors) != testReactors {
		t.Fatalf("balance %q, %d reactors; want round-robin, %d", st.Balance, len(st.Reactors), testReactors)
	}
	var accepted, requests uint64
	for i, r := range st.Reactors {
		if r.ConnectionsAccepted != 3 || r.RequestsTotal != 6 {
			t.Errorf("reactor %d: accepted %d, requests %d; want 3, 6", i, r.ConnectionsAccepted, r.RequestsTotal)
		}
		accepted += r.ConnectionsAccepted
		requests += r.RequestsTotal
	}
	if accepted != st.ConnectionsAccepted || requests != st.RequestsTotal {
		t.Fatalf("per-reactor sums %d, %d; totals %d, %d", accepted, requests, st.ConnectionsAccepted, st.RequestsTotal)
	}
}

// A single-reactor stage reports itself as one reactor, balance "none".
func TestSingleReactorStats(t *testing.T) {
	ts := startStage(t, defaultStage())
	c := dial(t, ts.Addr())
	get(t, c, bufio.NewReader(c))
	st := ts.Stats()
	if st.Balance != "none" || len(st.Reactors) != 1 || st.Reactors[0].RequestsTotal != st.RequestsTotal {
		t.Fatalf("balance %q, reactors %+v, requests %d", st.Balance, st.Reactors, st.RequestsTotal)
	}
}
