//go:build race

package areas_test

// raceEnabled: under the race detector Build takes half a minute, so the drift test runs the
// generator as an ordinary (uninstrumented) program instead.
const raceEnabled = true
