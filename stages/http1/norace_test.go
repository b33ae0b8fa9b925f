//go:build !race

package http1

// raceEnabled: see race_test.go.
const raceEnabled = false
