//go:build race

package main

// raceEnabled: the race detector multiplies a process's memory, so RSS
// figures are meaningless under -race.
const raceEnabled = true
