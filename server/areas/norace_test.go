//go:build !race

package areas_test

const raceEnabled = false
