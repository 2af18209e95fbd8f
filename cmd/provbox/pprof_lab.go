//go:build provbox_pprof

package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
)

// A lab-only switch: a provbox built with -tags provbox_pprof serves
// net/http/pprof on the unix socket PROVBOX_PPROF_SOCKET names, so that
// `provbox-lab --phones N --daemon-profile FILE` can profile the daemon
// during a boot storm. The shipped binary is built without the tag and
// holds none of this; the socket is a file only root reaches, on no
// network.
func init() {
	path := os.Getenv("PROVBOX_PPROF_SOCKET")
	if path == "" {
		return
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "provbox: PROVBOX_PPROF_SOCKET:", err)
		return
	}
	// Where the daemon waits (locks, channels) matters as much as where
	// it spends CPU: sample every contended mutex and blocking over 100 µs.
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(100_000)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go http.Serve(l, mux)
}
