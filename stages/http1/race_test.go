//go:build race

package http1

// raceEnabled: the race detector instruments memory accesses and allocates,
// so allocation counts are meaningless under it.
const raceEnabled = true
