package tftp

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestWorkersReuse: a job handed over while a worker is idle runs on
// that worker (whose grown stack is the point), not on a new goroutine;
// do returns only after its job.
func TestWorkersReuse(t *testing.T) {
	w := newWorkers(time.Minute)
	defer w.stop()
	ran := 0
	for range 100 {
		w.do(func() { ran++ })
	}
	if ran != 100 {
		t.Fatalf("ran %d jobs, want 100", ran)
	}
	// A do may race a worker's return to its wait and start another one;
	// once the workers are idle, none is started. Bounded in time, not
	// tries: on a loaded machine a worker may take a while to get back.
	for deadline := time.Now().Add(10 * time.Second); ; {
		time.Sleep(10 * time.Millisecond)
		before := w.started.Load()
		w.do(func() {})
		if w.started.Load() == before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("every job for 10 s started a worker (%d started)", w.started.Load())
		}
	}
}

// TestWorkersConcurrent: as many jobs as are running at once get a worker
// each (none waits for another's end), and idle workers exit after the
// idle time and on stop.
func TestWorkersConcurrent(t *testing.T) {
	base := runtime.NumGoroutine()
	w := newWorkers(200 * time.Millisecond)
	const n = 20
	release := make(chan struct{})
	var inside, done sync.WaitGroup
	inside.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			w.do(func() { inside.Done(); <-release })
		}()
	}
	inside.Wait() // all n jobs run at once: no job waited for a worker
	close(release)
	done.Wait()
	if got := w.started.Load(); got != n {
		t.Fatalf("%d workers started for %d concurrent jobs", got, n)
	}
	waitGoroutines(t, base, 5*time.Second) // idle ones exit on their own

	w2 := newWorkers(time.Hour)
	w2.do(func() {})
	w2.stop()
	waitGoroutines(t, base, 5*time.Second)
}

// waitGoroutines waits until at most want goroutines run.
func waitGoroutines(t *testing.T, want int, limit time.Duration) {
	t.Helper()
	for end := time.Now().Add(limit); runtime.NumGoroutine() > want; {
		if time.Now().After(end) {
			t.Fatalf("%d goroutines, want at most %d", runtime.NumGoroutine(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
