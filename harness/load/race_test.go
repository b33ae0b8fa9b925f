//go:build race

package load

// raceEnabled: the race detector instruments memory accesses and allocates,
// so allocation counts are meaningless under -race.
const raceEnabled = true
