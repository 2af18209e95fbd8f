package store

import (
	"context"
	"fmt"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// openTest opens a fresh store on the back-end under test and closes it at cleanup.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := OpenTestLocation(context.Background(), NewTestLocation(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// t0 has nanoseconds and a non-UTC zone: the store must keep the instant
// to the nanosecond and hand it back in UTC.
var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

func mustHash(t testing.TB) provisioning.Hash {
	t.Helper()
	h, err := provisioning.NewHash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mac(t testing.TB, s string) provisioning.MAC {
	t.Helper()
	m, err := provisioning.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// macN is the n-th test MAC (locally administered, unicast).
func macN(n int) provisioning.MAC {
	return provisioning.MAC{0x02, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}

// ipN is the n-th test address in 10.0.0.0/8.
func ipN(n int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
}

func account(t testing.TB, name string) provisioning.Account {
	return provisioning.Account{
		Name: name, Hash: mustHash(t), SIPServer: "pbx.example.com", SIPPort: 5061,
		SIPTransport: provisioning.TLS, NTPServer: "ntp.example.com",
		TimeZone: "Europe/Berlin", Language: "de", Created: t0,
	}
}

func device(t testing.TB, m provisioning.MAC, acct string) provisioning.Device {
	return provisioning.Device{
		MAC: m, Account: acct, Vendor: "yealink", Model: "T54W", Hash: mustHash(t),
		Lines: []provisioning.Line{
			{Extension: "201", AuthUser: "201", Password: "s3cret!", DisplayName: "Anna Müller", Label: "Anna"},
			{Extension: "202", AuthUser: "u202", Password: "pw2", DisplayName: "Ben", Label: "Ben"},
		},
		OpenUntil: t0.Add(24 * time.Hour), Created: t0, LastSeen: t0.Add(time.Minute),
	}
}

func mustCreateAccount(t testing.TB, s *Store, a provisioning.Account) {
	t.Helper()
	if err := s.CreateAccount(context.Background(), a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", a.Name, err)
	}
}

// utc is what the store returns for t: the same instant, in UTC, no
// monotonic reading; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, t.UnixNano()).UTC()
}

func wantDevice(d provisioning.Device) provisioning.Device {
	d.OpenUntil, d.LockedAt = utc(d.OpenUntil), utc(d.LockedAt)
	d.Created, d.LastSeen = utc(d.Created), utc(d.LastSeen)
	if len(d.Lines) == 0 {
		d.Lines = nil
	}
	return d
}

func deviceMap(t testing.TB, s *Store) map[provisioning.MAC]provisioning.Device {
	t.Helper()
	ds, err := s.Devices(context.Background())
	if err != nil {
		t.Fatalf("Devices: %v", err)
	}
	out := map[provisioning.MAC]provisioning.Device{}
	for _, d := range ds {
		out[d.MAC] = d
	}
	return out
}

func checkEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// count returns the number of rows in table, read through the store's
// own read pool.
func count(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s", table)).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

func netipPrefix(n int) netip.Prefix { return netip.PrefixFrom(ipN(n), 32) }
