//go:build race

package core

// raceEnabled: the race detector instruments memory accesses and allocates,
// so allocation counts are meaningless under -race.
const raceEnabled = true
