package dhcp

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// A server whose liveness check says no answers nothing, though it still
// reads and decides; once the check says yes again it answers.
func TestLivenessWithholdsReplies(t *testing.T) {
	var live atomic.Bool
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, func() time.Time { return t0 })
	ls := startLoop(t, loopConfig(), svc, func() time.Time { return t0 }, WithLiveness(live.Load))
	c := mustClient(t, ls, macA)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	if offer, err := c.DiscoverOffer(ctx); err == nil {
		t.Fatalf("a server past its term offered %v", offer.YourIPAddr)
	}
	select {
	case r := <-ls.handled:
		if r.MessageType() != dhcpv4.MessageTypeDiscover {
			t.Fatalf("handled %v, want the DISCOVER", r.MessageType())
		}
	default:
		t.Fatal("the DISCOVER was not even read")
	}
	live.Store(true)
	if _, err := c.DiscoverOffer(t.Context()); err != nil {
		t.Fatalf("live again, no offer: %v", err)
	}
}
