package ops

import (
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestAccountFieldErrors: each setting the core refuses comes back
// marked with its form field, through the real core's messages (this
// pins accountFields to them), keeping its status; a refusal from a
// device's limits is left unmarked.
func TestAccountFieldErrors(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	o := New(svc)
	ctx := t.Context()
	// A name holding one of the words must not mislead the marking.
	if _, err := o.AddAccount(ctx, provisioning.Account{Name: "language", SIPServer: "pbx"}); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		edit  AccountEdit
		field string
	}{
		{AccountEdit{SIPServer: str("")}, "sip_server"},
		{AccountEdit{SIPServer: str("pbx\x01")}, "sip_server"},
		{AccountEdit{SIPTransport: str("sctp")}, "sip_transport"},
		{AccountEdit{SIPPort: func() *int { n := 70000; return &n }()}, "sip_port"},
		{AccountEdit{NTPServer: str("ntp\x7f")}, "ntp_server"},
		{AccountEdit{TimeZone: str("Mars/Olympus")}, "timezone"},
		{AccountEdit{Language: str("e\nn")}, "language"},
	} {
		_, err := o.UpdateAccount(ctx, "language", tc.edit)
		if code, _ := Status(err); FieldOf(err) != tc.field || code != http.StatusBadRequest {
			t.Errorf("%+v: field %q status %d (%v), want %q 400", tc.edit, FieldOf(err), code, err, tc.field)
		}
	}
	if _, err := o.AddAccount(ctx, provisioning.Account{Name: "bad name"}); FieldOf(err) != "name" {
		t.Errorf("bad name: field %q (%v)", FieldOf(err), err)
	}
	if _, err := o.UpdateAccount(ctx, "nope", AccountEdit{}); FieldOf(err) != "" || !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
	for _, bad := range []string{"x", "-1", "65536"} {
		if _, err := ParsePort(bad); FieldOf(err) != "sip_port" || !errors.Is(err, ErrBadInput) {
			t.Errorf("port %q: %v", bad, err)
		}
	}
	if n, err := ParsePort("5061"); n != 5061 || err != nil {
		t.Errorf("port 5061: %d %v", n, err)
	}
}

// TestAuditSaysWhatChanged: an edit that sends every field (as a form
// does) is audited with only what differs; passwords are named, never
// shown.
func TestAuditSaysWhatChanged(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	o := New(svc)
	ctx := t.Context()
	if _, err := o.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx"}); err != nil {
		t.Fatal(err)
	}
	m := provisioning.MAC{0x80, 0x5e, 0xc0, 1, 2, 3}
	if _, err := svc.AddDevice(ctx, provisioning.Device{MAC: m, Account: "office", Vendor: "yealink", Model: "T54W",
		Lines: []provisioning.Line{{Extension: "100", Password: "pw-old"}}}); err != nil {
		t.Fatal(err)
	}
	acct, model, ip := "office", "T54W", ""
	for _, tc := range []struct {
		lines []provisioning.Line
		want  string
	}{
		{[]provisioning.Line{{Extension: "100"}}, "nothing"},
		{[]provisioning.Line{{Extension: "100", DisplayName: "Desk"}}, "changed lines"},
		{[]provisioning.Line{{Extension: "100", DisplayName: "Desk", Password: "pw-new"}}, "changed line passwords"},
	} {
		if _, err := o.EditDevice(ctx, m.String(), DeviceEdit{Account: &acct, Model: &model, IP: &ip, Lines: tc.lines}); err != nil {
			t.Fatal(err)
		}
		es, _ := o.Events(ctx, EventQuery{Limit: "1", EventSearch: EventSearch{Outcome: "device-changed"}})
		if len(es) != 1 || es[0].Reason != tc.want {
			t.Errorf("%+v: audit %+v, want %q", tc.lines, es, tc.want)
		}
	}
	if _, err := o.UpdateAccount(ctx, "office", AccountEdit{SIPServer: new("pbx"), Language: new("de")}); err != nil {
		t.Fatal(err)
	}
	if es, _ := o.Events(ctx, EventQuery{Limit: "1", EventSearch: EventSearch{Outcome: "account-changed"}}); len(es) != 1 ||
		es[0].Reason != "account office: changed language" {
		t.Errorf("account audit: %+v", es)
	}
}

// TestWhyEvent: an audit line found by ID and explained again: a
// refused fetch with its checks, a DHCP line without DHCP says so, an
// unknown ID is 404 and a malformed one 400.
func TestWhyEvent(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	o := New(svc)
	ctx := t.Context()
	svc.Fetch(ctx, provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: "/805ec0aabbcc.cfg",
		RemoteIP: netip.MustParseAddr("192.0.2.7"), UserAgent: "Yealink SIP-T54W 96.86.0.100 80:5e:c0:aa:bb:cc"})
	es, _ := o.Events(ctx, EventQuery{Limit: "1"})
	if len(es) != 1 || es[0].Outcome != "refused" {
		t.Fatalf("the refusal: %+v", es)
	}
	id := strconv.FormatInt(es[0].ID, 10)
	w, err := o.WhyEvent(ctx, id)
	if err != nil || w.Err != nil || w.Fetch == nil || w.Fetch.Outcome != "refused" || len(w.Fetch.Steps) == 0 || w.Event.ID != es[0].ID {
		t.Fatalf("why: %+v %v", w, err)
	}
	if after, _ := o.Events(ctx, EventQuery{}); len(after) != 1 {
		t.Errorf("explaining left audit lines: %+v", after)
	}
	svc.RefuseDHCP(netip.MustParseAddr("192.0.2.8"), provisioning.MAC{0x80, 0x5e, 0xc0, 1, 1, 1}, "lease-move refused")
	es, _ = o.Events(ctx, EventQuery{Limit: "1"})
	if w, err := o.WhyEvent(ctx, strconv.FormatInt(es[0].ID, 10)); err != nil || !errors.Is(w.Err, ErrUnavailable) || w.DHCP != nil {
		t.Errorf("DHCP line without DHCP: %+v %v", w, err)
	}
	if _, err := o.WhyEvent(ctx, "99999"); !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	for _, bad := range []string{"0", "-2", "x", "9223372036854775807"} {
		if _, err := o.Event(ctx, bad); !errors.Is(err, ErrBadInput) {
			t.Errorf("id %q: %v", bad, err)
		}
	}
}
