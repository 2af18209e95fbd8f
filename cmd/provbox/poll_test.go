package main

import (
	"testing"
	"time"
)

// pollUntil calls cond every 100 ms until it holds or within has passed,
// and reports whether it held: for state a daemon reaches asynchronously
// (a ban after the requests that earn it, an audit line), which a single
// read right after the action may miss on a loaded machine.
func pollUntil(t *testing.T, within time.Duration, cond func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
