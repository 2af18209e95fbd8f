package tftp

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"

	"github.com/provbox/provbox/provisioning/provtest"
)

// gateWriter blocks its first Write until release is closed, holding the
// client's ACK back: a transfer provably in flight.
type gateWriter struct {
	once    sync.Once
	started chan struct{}
	release chan struct{}
	n       int
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.once.Do(func() { close(g.started); <-g.release })
	g.n += len(p)
	return len(p), nil
}

// TestShutdownDuringTransfer: a stop in the middle of a transfer aborts
// it at its next block and Serve returns long before pin's timeouts
// (10s × 5 here) could have run out.
func TestShutdownDuringTransfer(t *testing.T) {
	for _, single := range []bool{false, true} {
		name := "per-transfer-port"
		if single {
			name = "single-port"
		}
		t.Run(name, func(t *testing.T) {
			core := newFakeCore()
			core.files["big.bin"] = payload(1 << 20)
			r := start(t, newServer(t, Config{Timeout: 10 * time.Second, SinglePort: single}, core))
			c, err := pintftp.NewClient(r.addr)
			if err != nil {
				t.Fatal(err)
			}
			g := &gateWriter{started: make(chan struct{}), release: make(chan struct{})}
			res := make(chan error, 1)
			go func() {
				wt, err := c.Receive("big.bin", "octet")
				if err == nil {
					_, err = wt.WriteTo(g)
				}
				res <- err
			}()
			<-g.started
			r.cancel()
			close(g.release)
			begin := time.Now()
			if err := r.stop(t, 5*time.Second); err != nil {
				t.Fatalf("Serve: %v", err)
			}
			t.Logf("Serve returned %v after the client resumed", time.Since(begin))
			err = <-res
			if err == nil || !strings.Contains(err.Error(), "file not found") {
				t.Fatalf("client: %v after %d bytes, want an aborted transfer", err, g.n)
			}
			if g.n >= 1<<20 {
				t.Fatal("the whole file went through despite the stop")
			}
		})
	}
}

// TestShutdownSilentClient: a client that stops acknowledging holds the
// stop up for at most Timeout × Retries (plus pin's backoff), not forever.
func TestShutdownSilentClient(t *testing.T) {
	core := newFakeCore()
	core.files["big.bin"] = payload(1 << 16)
	r := start(t, newServer(t, Config{Timeout: 50 * time.Millisecond, Retries: 2}, core))
	c := dialRaw(t)
	c.send(r.addr, request(1, "big.bin", "octet"))
	if p := c.recv(); p[1] != 3 {
		t.Fatalf("want DATA, got %q", p[:4])
	}
	if err := r.stop(t, 10*time.Second); err != nil { // never ACKed
		t.Fatal(err)
	}
}

func TestTransferTimeout(t *testing.T) {
	var buf provtest.LogBuffer
	core := newFakeCore()
	core.files["slow.cfg"] = []byte("data")
	core.waitDeadline = true // the core "takes" the whole transfer budget
	s, err := New(Config{TransferTimeout: 50 * time.Millisecond}, core,
		slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, s)
	c := dialRaw(t)
	c.send(r.addr, request(1, "slow.cfg", "octet"))
	if code, msg := parseError(t, c.recv()); code != 1 || msg != "file not found" {
		t.Fatalf("got ERROR %d %q", code, msg)
	}
	r.stop(t, 10*time.Second)
	if log := buf.String(); !strings.Contains(log, "reason=transfer-timeout") {
		t.Errorf("timeout not logged:\n%s", log)
	}
}
