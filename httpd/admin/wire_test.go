package admin

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// TestWireMatchesCore: the API's own wire types encode byte for byte as
// the core types did when /v1 answered with them, every field set and
// every optional field left out, so the CLI and scripts see no change.
func TestWireMatchesCore(t *testing.T) {
	at := time.Date(2026, 11, 27, 6, 0, 0, 123, time.UTC)
	mac, err := provisioning.ParseMAC("805ec0112233")
	if err != nil {
		t.Fatal(err)
	}
	acct := provisioning.Account{Name: "office", SIPServer: "pbx", SIPPort: 5061, SIPTransport: provisioning.TLS,
		NTPServer: "ntp", TimeZone: "Europe/Berlin", Language: "de", Created: at}
	lease := provisioning.Lease{IP: netip.MustParseAddr("10.0.0.5"), MAC: mac, Expires: at, Hostname: "h", VendorClass: "v"}
	ban := provisioning.Ban{Prefix: netip.MustParsePrefix("2001:db8::/64"), Reason: "r", Strikes: 3, Count: 2,
		Since: at, Until: at.Add(time.Hour), Forgeable: true}
	ev := provisioning.Event{ID: 7, Time: at, Proto: "http", IP: netip.MustParseAddr("10.0.0.5"), MAC: mac, UA: "ua",
		File: "f", Outcome: "config", Reason: "why"}
	cases := []struct {
		name      string
		core, api any
	}{
		{"account", struct {
			provisioning.Account
			Devices int `json:"devices"`
		}{acct, 4}, accountInfo(ops.Account{Account: acct, Devices: 4})},
		{"lease", lease, leaseInfo(lease)},
		{"lease, optional fields unset", provisioning.Lease{IP: lease.IP, MAC: mac}, leaseInfo(provisioning.Lease{IP: lease.IP, MAC: mac})},
		{"ban", ban, banInfo(ban)},
		{"ban, not forgeable", provisioning.Ban{}, banInfo(provisioning.Ban{})},
		{"event", ev, eventInfo(ev)},
		{"event, no device", provisioning.Event{ID: 1, Outcome: "refused"}, eventInfo(provisioning.Event{ID: 1, Outcome: "refused"})},
	}
	for _, tc := range cases {
		want, err := json.MarshalIndent(tc.core, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.MarshalIndent(tc.api, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: API encodes\n%s\nthe core encoded\n%s", tc.name, got, want)
		}
	}
}
