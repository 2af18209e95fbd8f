package dhcp

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// countingObserver records what the server reports.
type countingObserver struct {
	mu                      sync.Mutex
	received, replied, boot []string
}

func (o *countingObserver) Received(t string) {
	o.mu.Lock()
	o.received = append(o.received, t)
	o.mu.Unlock()
}
func (o *countingObserver) Replied(t string) {
	o.mu.Lock()
	o.replied = append(o.replied, t)
	o.mu.Unlock()
}
func (o *countingObserver) BootOffered(v string) {
	o.mu.Lock()
	o.boot = append(o.boot, v)
	o.mu.Unlock()
}

// TestObserverCountsPackets: a phone's DORA and a refused INIT-REBOOT
// over loopback reach the observer as message types and the vendor
// whose options the OFFER carried.
func TestObserverCountsPackets(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, func() time.Time { return t0 })
	obs := &countingObserver{}
	ls := startLoop(t, loopConfig(), svc, func() time.Time { return t0 }, WithObserver(obs))
	c, _ := client(t, ls.addr, "80:5e:c0:00:00:01") // a Yealink by OUI
	if _, err := c.Request(t.Context(), dhcpv4.WithOption(dhcpv4.OptClassIdentifier("yealink")), withPRL(1, 3, 6, 66)); err != nil {
		t.Fatal(err)
	}
	req, _ := dhcpv4.NewDiscovery(c.InterfaceAddr(), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(127, 0, 0, 50))))
	if resp, err := c.SendAndRead(t.Context(), ls.addr, req, nil); err != nil || resp.MessageType() != dhcpv4.MessageTypeNak {
		t.Fatalf("INIT-REBOOT for a reserved address: %v, want a NAK", err)
	}
	stop := ls.stop
	stop() // every packet handled and counted
	obs.mu.Lock()
	defer obs.mu.Unlock()
	// The client may repeat a DISCOVER or REQUEST when an answer is slow
	// (-race): count, not order.
	count := func(xs []string, x string) int {
		n := 0
		for _, v := range xs {
			if v == x {
				n++
			}
		}
		return n
	}
	offers := count(obs.replied, "OFFER")
	discovers, requests := count(obs.received, "DISCOVER"), count(obs.received, "REQUEST")
	if discovers < 1 || requests < 2 || len(obs.received) != discovers+requests {
		t.Errorf("received %v, want DISCOVER(s) and REQUESTs only", obs.received)
	}
	acks, naks := count(obs.replied, "ACK"), count(obs.replied, "NAK")
	if offers < 1 || acks < 1 || naks != 1 || len(obs.replied) != offers+acks+naks {
		t.Errorf("replied %v, want OFFER(s), ACK(s), one NAK", obs.replied)
	}
	if len(obs.boot) != offers || count(obs.boot, "yealink") != offers {
		t.Errorf("boot offers %v, want yealink once per OFFER (%d), never for the ACK", obs.boot, offers)
	}
	if msgTypeName(0) != "other" || msgTypeName(200) != "other" || msgTypeName(1) != "DISCOVER" {
		t.Error("message types outside RFC 2132 and RFC 4388 must map to other")
	}
}
