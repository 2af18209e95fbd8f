package tftp

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestForgedRefusalsCannotTrimHistory: refusals naming a known device
// were kept in the audit trail's large bucket (EventsKeep, 1,000,000 by
// default), beside the phones' fetches and the admins' changes. Over
// TFTP the source can be forged, so no ban stops an attacker who sends
// read requests for a known phone's file from ever new addresses: each
// is such a line, and the trimming of the trail dropped the oldest real
// history first (the evidence of an earlier attack included). TFTP
// refusals now count with the unknown-MAC lines, whose own smaller
// bound they push against, and the phone's real fetch stays.
func TestForgedRefusalsCannotTrimHistory(t *testing.T) {
	ctx := context.Background()
	cfg := provisioning.Config{BaseURL: "http://127.0.0.1:8080", Checks: provisioning.DefaultChecks(true),
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	svc, st := provtest.ServiceWith(t, "", cfg, nil)
	provtest.AddPhone(t, svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	if err := svc.CommitLease(ctx, provisioning.Lease{IP: localhost, MAC: e2eMAC, Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	addr := start(t, newServer(t, Config{}, svc)).addr
	// The phone's real bootstrap: the history to keep.
	if _, err := pinFetch(t, addr, e2eFile); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	// The flood: the phone's file from 400 forged addresses.
	const forged = 400
	for i := range forged {
		c := dialFrom(t, netip.AddrFrom4([4]byte{127, 0, 5 + byte(i/200), byte(1 + i%200)}).String())
		c.send(addr, request(1, e2eFile, "octet"))
		if code, _ := parseError(t, c.recv()); code != 1 {
			t.Fatalf("forged request %d: code %d, want file not found", i, code)
		}
	}
	if _, err := svc.Events(ctx, provisioning.EventFilter{Limit: 1}); err != nil { // flushes the queue
		t.Fatal(err)
	}
	// The daemon's periodic trim, with bounds below the flood.
	if err := st.TrimEvents(ctx, 100, 300); err != nil {
		t.Fatal(err)
	}
	es, err := svc.Events(ctx, provisioning.EventFilter{MAC: e2eMAC, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	kept := false
	for _, e := range es {
		if e.Outcome != "refused" && e.IP == localhost {
			kept = true
		}
	}
	if !kept {
		t.Errorf("the phone's real fetch was trimmed by %d forged refusals (%d lines left)", forged, len(es))
	}
}
