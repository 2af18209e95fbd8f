package tftp

import (
	"sync"
	"sync/atomic"
	"time"
)

// workers runs the read handler on goroutines that outlive a transfer.
// pin/tftp starts a fresh goroutine for every request, with the
// runtime's small initial stack; the handler's call chain (ban lookup,
// the core's checks, neighbour table, render) then grew that stack
// several times per transfer, each growth a copy of every frame
// (runtime.copystack was 7-9% of provbox's CPU over small transfers in
// provbench). A worker keeps its grown stack for the next transfer, and
// pin/tftp's goroutine only waits. Workers are started on demand, so
// there are never more of them than handlers running at the peak; one
// left idle for idleWorker exits, and stop ends the idle ones at once.
type workers struct {
	jobs chan func()
	quit chan struct{}
	once sync.Once
	idle time.Duration
	// started counts the workers started, for tests.
	started atomic.Int64
}

// idleWorker is how long a worker waits for the next transfer: long
// enough to carry it across the gaps of a boot storm, short enough that
// a past peak does not hold its goroutines and their stacks (some 32 KiB
// each, see parkDepth) for long.
const idleWorker = 2 * time.Second

func newWorkers(idle time.Duration) *workers {
	return &workers{jobs: make(chan func()), quit: make(chan struct{}), idle: idle}
}

// do runs f on an idle worker, or on a new one if none is idle, and
// returns when f has.
func (w *workers) do(f func()) {
	done := make(chan struct{})
	job := func() { defer close(done); f() }
	select {
	case w.jobs <- job:
	default:
		w.started.Add(1)
		go w.loop(job)
	}
	<-done
}

// loop runs job, then the jobs handed to it, until it has been idle for
// w.idle or w is stopped.
func (w *workers) loop(job func()) {
	t := time.NewTimer(w.idle)
	defer t.Stop()
	for job != nil {
		job()
		job = w.next(t)
	}
}

// parkDepth is the stack a worker holds while it waits. The garbage
// collector halves the stack of a goroutine that uses less than a
// quarter of it when scanned, so an idle worker parked at the top of
// its stack lost its growth at every collection (several per second
// under load) and regrew it on its next transfer; waiting under this
// much stack keeps stacks up to four times its size.
const parkDepth = 8 << 10

// next waits for the next job (nil: idle for w.idle, or stopped) under
// parkDepth bytes of stack.
//
//go:noinline
func (w *workers) next(t *time.Timer) func() {
	var pad [parkDepth]byte
	hold(&pad)
	t.Reset(w.idle)
	select {
	case job := <-w.jobs:
		return job
	case <-t.C:
	case <-w.quit:
	}
	return nil
}

// hold keeps pad, so the compiler keeps next's frame.
//
//go:noinline
func hold(pad *[parkDepth]byte) { pad[0] = 1 }

// stop makes idle workers exit; busy ones exit after their job. do must
// not be called after stop (it would still work, on fresh goroutines).
func (w *workers) stop() { w.once.Do(func() { close(w.quit) }) }
