package provisioning

import (
	"context"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestPendingFromBootstrapAndDHCP: an unknown phone asking with a vendor
// UA, and a DHCP client whose option 60 names a vendor, become pending
// with what they told; the refusal is the very one anyone gets (same
// response, same audit reason, same strike), and the audit line carries
// the MAC asked for.
func TestPendingFromBootstrapAndDHCP(t *testing.T) {
	f := newFixture(t, nil)
	unknown := "/805ec0aabbcc.cfg"
	ip := netip.MustParseAddr("192.0.2.77")
	ua := "Yealink SIP-T54W 96.86.0.100 80:5e:c0:aa:bb:cc"
	scan := f.get(unknown, func(r *FetchRequest) { r.RemoteIP, r.UserAgent = netip.MustParseAddr("192.0.2.78"), "curl/8" })
	resp := f.get(unknown, func(r *FetchRequest) { r.RemoteIP, r.UserAgent = ip, ua })
	if resp.Found || !reflect.DeepEqual(resp, scan) {
		t.Fatalf("a pending phone must get the uniform refusal: %+v vs %+v", resp, scan)
	}
	e := f.lastEvent(t)
	if e.Outcome != "refused" || e.Reason != "unknown-mac 80:5e:c0:aa:bb:cc" || e.MAC.String() != "80:5e:c0:aa:bb:cc" {
		t.Errorf("audit of the refusal: %+v", e)
	}
	f.get(unknown, func(r *FetchRequest) { r.RemoteIP, r.UserAgent = ip, ua })
	ps := f.s.PendingPhones()
	if len(ps) != 1 {
		t.Fatalf("pending: %+v, want the one phone with a vendor UA", ps)
	}
	p := ps[0]
	if p.MAC.String() != "80:5e:c0:aa:bb:cc" || p.Vendor != "yealink" || p.Model != "T54W" || p.IP != ip ||
		p.Requests != 2 || p.OUI != "80:5e:c0" || p.UA != ua || p.Source != "http" {
		t.Errorf("sighting: %+v", p)
	}
	dhcpMAC := mac(t, "80:5e:c0:00:00:99")
	f.s.Boot(BootRequest{MAC: dhcpMAC, VendorClass: []byte("yealink SIP-T46U")})
	f.s.Boot(BootRequest{MAC: phoneMAC, VendorClass: []byte("yealink SIP-T46U")}) // known: not pending
	f.s.Boot(BootRequest{MAC: mac(t, "02:00:00:00:00:01"), VendorClass: []byte("MSFT 5.0")})
	ps = f.s.PendingPhones()
	if len(ps) != 2 || ps[0].MAC != dhcpMAC || ps[0].Vendor != "yealink" || ps[0].Model != "SIP-T46U" || ps[0].Source != "dhcp" {
		t.Fatalf("after DHCP: %+v", ps)
	}
	f.clk.Add(7*24*time.Hour + time.Minute)
	if ps := f.s.PendingPhones(); len(ps) != 0 {
		t.Errorf("entries older than 7 days must expire: %+v", ps)
	}
}

// TestPendingBounded: the list keeps the most recently seen entries.
func TestPendingBounded(t *testing.T) {
	var pt pendingTable
	pt.max = 3
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		pt.seen(MAC{2, 0, 0, 0, 0, byte(i)}, now.Add(time.Duration(i)*time.Second), func(*Pending) {})
	}
	pt.seen(MAC{2, 0, 0, 0, 0, 2}, now.Add(time.Minute), func(*Pending) {})
	var got []string
	for _, p := range pt.list(now.Add(time.Hour)) {
		got = append(got, p.MAC.String()[15:])
	}
	if strings.Join(got, ",") != "02,04,03" {
		t.Errorf("kept %v, want 02,04,03 (oldest dropped, a new sighting moves to the front)", got)
	}
}

// TestEditAccountAndDevice: validation at add and edit time, lines
// replaced with write-only passwords kept by extension.
func TestEditAccountAndDevice(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	for _, a := range []Account{{Name: "x"}, {Name: "y", SIPServer: "pbx", TimeZone: "Mars/Olympus"}} {
		if _, err := f.s.AddAccount(ctx, a); err == nil {
			t.Errorf("account %+v accepted", a)
		}
	}
	bad, good := "Mars/Olympus", "America/New_York"
	if _, err := f.s.UpdateAccount(ctx, "office", AccountChange{TimeZone: &bad}); err == nil || !strings.Contains(err.Error(), "unknown time zone") {
		t.Errorf("bad zone: %v", err)
	}
	empty := ""
	if _, err := f.s.UpdateAccount(ctx, "office", AccountChange{SIPServer: &empty}); err == nil || !strings.Contains(err.Error(), "SIP server missing") {
		t.Errorf("no SIP server: %v", err)
	}
	a, err := f.s.UpdateAccount(ctx, "office", AccountChange{TimeZone: &good})
	if err != nil || a.TimeZone != good || a.SIPServer != "pbx.example.org" {
		t.Fatalf("edit: %+v %v", a, err)
	}
	d, err := f.s.EditDevice(ctx, phoneMAC, DeviceChange{Lines: []Line{{Extension: "201"}, {Extension: "202", Password: "new-pw"}}})
	if err != nil || len(d.Lines) != 2 || d.Lines[0].Password != password || d.Lines[1].Password != "new-pw" || d.Hash != f.dev.Hash {
		t.Fatalf("edit lines: %+v %v", d, err)
	}
	if _, err := f.s.EditDevice(ctx, phoneMAC, DeviceChange{Lines: []Line{{Extension: "999"}}}); err == nil {
		t.Error("a new line without a password accepted")
	}
	ghost := "ghost"
	if _, err := f.s.EditDevice(ctx, phoneMAC, DeviceChange{Account: &ghost}); err == nil {
		t.Error("unknown account accepted")
	}
}

// TestMoveKeepsOldURLInGrace: a device moved to another account keeps
// its old secret URL redirecting, as a rekey does.
func TestMoveKeepsOldURLInGrace(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RotationGrace = time.Hour })
	ctx := context.Background()
	if _, err := f.s.AddAccount(ctx, Account{Name: "annex", SIPServer: "pbx2.example.org"}); err != nil {
		t.Fatal(err)
	}
	annex := "annex"
	d, err := f.s.EditDevice(ctx, phoneMAC, DeviceChange{Account: &annex})
	if err != nil {
		t.Fatal(err)
	}
	v := f.s.View(d)
	if v.TFTPPath == f.dev.TFTPPath || len(v.OldPaths) != 1 || v.OldPaths[0].Cause != causeAccountMove {
		t.Fatalf("after the move: path %s, old %+v", v.TFTPPath, v.OldPaths)
	}
	if resp := f.get(f.secret("805ec0112233.cfg"), nil); !resp.Found {
		t.Error("the old URL no longer answers the checked phone in grace")
	}
}
