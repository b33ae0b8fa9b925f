package reports

import (
	"testing"

	"latencylab/harness/rundir"
)

// A step goes from the stage a stage changes, when the run has it: the
// ladder branches at rawsyscall (uring and multicore both change it).
func TestStepFromFollowsBase(t *testing.T) {
	mk := func(name, base string) *serverData {
		return &serverData{ServerSummary: rundir.ServerSummary{Name: name, Kind: rundir.KindStage, Base: base}}
	}
	stages := []*serverData{mk("batched", "stackbuf"), mk("rawsyscall", "batched"), mk("uring", "rawsyscall"), mk("multicore", "rawsyscall")}
	for i, want := range map[int]string{1: "batched", 2: "rawsyscall", 3: "rawsyscall"} {
		if got := stepFrom(stages, i).Name; got != want {
			t.Errorf("%s steps from %s, want %s", stages[i].Name, got, want)
		}
	}
	// Without a base (older runs), or with one the run lacks: the stage before.
	old := []*serverData{mk("rawsyscall", ""), mk("multicore", ""), mk("x", "absent")}
	if stepFrom(old, 1).Name != "rawsyscall" || stepFrom(old, 2).Name != "multicore" {
		t.Error("a run without bases must step from the previous stage")
	}
}
