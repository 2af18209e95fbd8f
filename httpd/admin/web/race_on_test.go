//go:build race

package web_test

// raceEnabled: the race detector slows the 10,000-device setup tenfold.
const raceEnabled = true
