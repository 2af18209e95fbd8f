package serve

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowServer answers after release is closed, telling started when a
// request is in.
func slowServer(started chan<- struct{}, release <-chan struct{}) *http.Server {
	return &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		io.WriteString(w, "done")
	})}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestDrain: once ctx ends, a request in flight still gets its answer,
// Run returns nil, and the listener takes no more connections.
func TestDrain(t *testing.T) {
	ln := listen(t)
	started, release := make(chan struct{}, 1), make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	runc := make(chan error, 1)
	go func() { runc <- Run(ctx, "test", slowServer(started, release), ln, 5*time.Second) }()
	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			body <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body <- string(b)
	}()
	<-started
	cancel()
	time.Sleep(50 * time.Millisecond) // let Shutdown close the listener first
	close(release)
	if b := <-body; b != "done" {
		t.Errorf("request in flight got %q, want its answer", b)
	}
	if err := <-runc; err != nil {
		t.Errorf("Run after a clean drain: %v", err)
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the listener still accepts after Run returned")
	}
}

// TestGraceRunsOut: a request that outlives the grace is cut and Run
// says so, naming the server.
func TestGraceRunsOut(t *testing.T) {
	ln := listen(t)
	started, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	runc := make(chan error, 1)
	go func() { runc <- Run(ctx, "test", slowServer(started, release), ln, 100*time.Millisecond) }()
	go func() {
		if resp, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	select {
	case err := <-runc:
		if err == nil || !strings.HasPrefix(err.Error(), "test: graceful shutdown on ") {
			t.Errorf("got %v, want a graceful-shutdown error naming the server", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its grace")
	}
}

// TestServeFails: a listener that fails is reported at once, with the
// server's name.
func TestServeFails(t *testing.T) {
	ln := listen(t)
	ln.Close()
	err := Run(t.Context(), "test", &http.Server{}, ln, time.Second)
	if err == nil || !strings.HasPrefix(err.Error(), "test: serving on ") {
		t.Errorf("got %v, want a serving error naming the server", err)
	}
}
