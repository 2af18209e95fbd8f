package store

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestReplaceDeviceMovesKeyAndReservation: the new MAC takes the old
// one's lines and reservation in one transaction; the old row, its lines
// and old paths are gone; a replace onto a used MAC changes nothing.
func TestReplaceDeviceMovesKeyAndReservation(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	old := device(t, macN(1), "acme")
	old.IP = netip.MustParseAddr("10.0.0.7")
	other := device(t, macN(2), "acme")
	if err := s.CreateDevices(ctx, []provisioning.Device{old, other}); err != nil {
		t.Fatal(err)
	}
	nu := old
	nu.MAC, nu.Hash = macN(3), mustHash(t)
	if err := s.ReplaceDevice(ctx, macN(2), nu); !errors.Is(err, provisioning.ErrExists) {
		t.Fatalf("replace taking another device's reservation: %v, want ErrExists", err)
	}
	if err := s.ReplaceDevice(ctx, old.MAC, nu); err != nil {
		t.Fatal(err)
	}
	got := deviceMap(t, s)
	if _, ok := got[old.MAC]; ok || len(got) != 2 {
		t.Fatalf("devices after replace: %v", got)
	}
	checkEqual(t, "replaced", got[nu.MAC], wantDevice(nu))
	if err := s.ReplaceDevice(ctx, old.MAC, nu); !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("replacing a gone device: %v, want ErrNotFound", err)
	}
}

func TestDeleteAccountTakesItsDevices(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	mustCreateAccount(t, s, account(t, "other"))
	if err := s.CreateDevices(ctx, []provisioning.Device{device(t, macN(1), "acme"), device(t, macN(2), "other")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if got := deviceMap(t, s); len(got) != 1 || got[macN(2)].Account != "other" {
		t.Errorf("devices left: %v", got)
	}
	if n := count(t, s, "accounts"); n != 1 {
		t.Errorf("%d accounts left, want 1", n)
	}
	if err := s.DeleteAccount(ctx, "acme"); !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}

// TestEventSearch: each filter of the admin's search, paging by offset
// and by ID, and the actor kept.
func TestEventSearch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ip1, ip2 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	var es []provisioning.Event
	for i := range 10 {
		e := provisioning.Event{Time: t0.Add(time.Duration(i) * time.Minute), Proto: "http", IP: ip1, Outcome: "refused", Reason: "unknown-mac 80:5e:c0:00:00:01"}
		if i%2 == 1 {
			e.IP, e.Outcome, e.Reason = ip2, "config", ""
		}
		es = append(es, e)
	}
	es = append(es, provisioning.Event{Time: t0.Add(time.Hour), Proto: "admin", Outcome: "account-added", Actor: "cli:root (pid 1)"})
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	n := func(f provisioning.EventFilter) []provisioning.Event {
		t.Helper()
		got, err := s.Events(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := n(provisioning.EventFilter{IP: ip2}); len(got) != 5 {
		t.Errorf("by IP: %d, want 5", len(got))
	}
	if got := n(provisioning.EventFilter{Outcome: "refused", Reason: "unknown-mac"}); len(got) != 5 {
		t.Errorf("by outcome and reason prefix: %d, want 5", len(got))
	}
	if got := n(provisioning.EventFilter{Reason: "unknown_%"}); len(got) != 0 {
		t.Errorf("LIKE wildcards must be literal: %d", len(got))
	}
	if got := n(provisioning.EventFilter{Actor: "cli:"}); len(got) != 1 || got[0].Outcome != "account-added" {
		t.Errorf("by actor prefix: %v, want the one admin change", got)
	}
	if got := n(provisioning.EventFilter{Actor: "web:"}); len(got) != 0 {
		t.Errorf("by another actor: %v, want none", got)
	}
	if got := n(provisioning.EventFilter{Since: t0.Add(2 * time.Minute), Until: t0.Add(5 * time.Minute)}); len(got) != 3 {
		t.Errorf("time range: %d, want 3", len(got))
	}
	page1 := n(provisioning.EventFilter{Limit: 4})
	page2 := n(provisioning.EventFilter{Limit: 4, Offset: 4})
	byID := n(provisioning.EventFilter{Limit: 4, BeforeID: page1[3].ID})
	if len(page1) != 4 || len(page2) != 4 || page2[0].ID != byID[0].ID || page2[0].ID >= page1[3].ID {
		t.Errorf("paging: %v / %v / %v", page1, page2, byID)
	}
	if page1[0].Actor != "cli:root (pid 1)" {
		t.Errorf("actor: %q", page1[0].Actor)
	}
}

// TestTrimCountsRefusedUnknownMACsAsUnknown: a refusal that names the
// unknown MAC it asked for is bounded with the other unknown lines.
func TestTrimCountsRefusedUnknownMACsAsUnknown(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var es []provisioning.Event
	for i := range 20 {
		es = append(es, provisioning.Event{Time: t0.Add(time.Duration(i) * time.Second), Proto: "http", MAC: macN(100 + i),
			Outcome: "refused", Reason: "unknown-mac " + macN(100+i).String()})
	}
	es = append(es, provisioning.Event{Time: t0, Proto: "admin", MAC: macN(1), Outcome: "device-added"})
	if err := s.AddEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	if err := s.TrimEvents(ctx, 5, 1000); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Events(ctx, provisioning.EventFilter{Limit: 1000})
	if len(got) != 6 || got[0].MAC != macN(119) || got[5].Outcome != "device-added" {
		t.Errorf("after trim: %d lines %+v", len(got), got)
	}
}
