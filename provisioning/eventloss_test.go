package provisioning

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// eventFailStore fails every audit write.
type eventFailStore struct{ *memStore }

func (eventFailStore) AddEvents(context.Context, []Event) error { return errors.New("disk full") }

// syncBuf is a log sink the event writer and the test share.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLostAuditBatchCountsRequests: when a batch cannot be written, the
// error says how many requests its lines stood for, not only how many
// lines: with repeats folded, one lost line may be thousands of requests.
func TestLostAuditBatchCountsRequests(t *testing.T) {
	s := newTestService(t, eventFailStore{newMemStore()}, Config{BaseURL: "http://192.0.2.1", Checks: DefaultChecks(true)})
	var logs syncBuf
	s.events.log = slog.New(slog.NewTextHandler(&logs, nil))
	for range 40 {
		s.audit(Event{Proto: "http", IP: netip.MustParseAddr("192.0.2.66"), File: "/favicon.ico", Outcome: "refused", Reason: "bad-path"})
	}
	s.events.flush()
	out := logs.String()
	lost := 0 // the writer's tick may split the 40 into two batches
	for _, l := range strings.Split(out, "\n") {
		if _, n, ok := strings.Cut(l, " requests="); ok && strings.Contains(l, "writing audit trail") {
			k, _ := strconv.Atoi(strings.Fields(n)[0])
			lost += k
		}
	}
	if lost != 40 {
		t.Fatalf("lost batches logged as:\n%s\nwant the 40 requests they stood for", out)
	}
}
