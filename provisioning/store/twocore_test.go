package store_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// node runs a real core on the database at loc, as one provbox node would.
func node(t *testing.T, loc string, cfg provisioning.Config) *provisioning.Service {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := provisioning.New(ctx, cfg, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); st.Close() })
	return svc
}

const (
	lockUA  = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"
	lockPwd = "s3cret-Pa55"
)

var (
	lockMAC = provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	phoneIP = netip.MustParseAddr("192.0.2.50")
)

// TestTwoNodesLockFirstFetchOnce: two cores on one database (PostgreSQL
// in its run, one SQLite file in the other), one open device, and many
// simultaneous fetches at both: the genuine ones are all served, the
// forged ones all refused, and the lock is taken once, with exactly one
// lock event in the audit trail.
func TestTwoNodesLockFirstFetchOnce(t *testing.T) {
	ctx := context.Background()
	loc := store.NewTestLocation(t)
	// The phone is on the LAN: the neighbour table vouches for its address.
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) { return lockMAC, ip == phoneIP }
	cfg := provisioning.Config{BaseURL: "http://192.0.2.1", Neighbours: neigh,
		Checks: provisioning.Checks{UserAgent: true, UAMAC: true, Neighbour: true}}
	a := node(t, loc, cfg)
	if _, err := a.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	d, err := a.AddDevice(ctx, provisioning.Device{MAC: lockMAC, Account: "office", Vendor: "yealink",
		Model: "T46U", Lines: []provisioning.Line{{Extension: "201", Password: lockPwd}}})
	if err != nil {
		t.Fatal(err)
	}
	b := node(t, loc, cfg) // loads the open device from the database
	secret := a.View(d).TFTPPath + "805ec0112233.cfg"
	forged := []provisioning.FetchRequest{
		{Path: secret[:len(secret)-len("805ec0112233.cfg")-3] + "xx/805ec0112233.cfg", UserAgent: lockUA}, // wrong device hash
		{Path: secret, UserAgent: "curl/8.5.0"},                                                           // not a phone
		{Path: secret, UserAgent: "Yealink SIP-T46U 108.86.0.20 80:5e:c0:99:99:99"},                       // another phone's MAC
		{Path: "/805ec0112233.cfg", UserAgent: "curl/8.5.0"},                                              // bootstrap, not a phone
	}
	const rounds = 40
	var served, genuineRefused, forgedServed atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range rounds {
		for n, svc := range []*provisioning.Service{a, b} {
			wg.Go(func() {
				<-start
				r := svc.Fetch(ctx, provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: secret,
					RemoteIP: phoneIP, UserAgent: lockUA})
				if r.Found && strings.Contains(string(r.Body), lockPwd) {
					served.Add(1)
				} else {
					genuineRefused.Add(1)
				}
			})
			wg.Go(func() {
				<-start
				f := forged[(i+n)%len(forged)]
				f.Proto = provisioning.ProtoHTTP
				// Each forger has its own address: bans must not hide the result.
				f.RemoteIP = netip.AddrFrom4([4]byte{198, 51, 100, byte(i*2 + n + 1)})
				if r := svc.Fetch(ctx, f); r.Found && strings.Contains(string(r.Body), lockPwd) {
					forgedServed.Add(1)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	if served.Load() != 2*rounds || genuineRefused.Load() != 0 {
		t.Errorf("genuine fetches: %d served, %d refused; want all %d served", served.Load(), genuineRefused.Load(), 2*rounds)
	}
	if forgedServed.Load() != 0 {
		t.Errorf("%d forged fetches got the full config", forgedServed.Load())
	}
	for name, svc := range map[string]*provisioning.Service{"a": a, "b": b} {
		if d, err := svc.Device(lockMAC); err != nil || d.Open(d.LockedAt) || d.LockedAt.IsZero() {
			t.Errorf("node %s: device %+v (%v), want it locked", name, d, err)
		}
	}
	a.Close() // flushes the audit writers
	b.Close()
	checkLockEvents(t, loc, 1)
}

// checkLockEvents reads the audit trail the nodes share and wants exactly
// want lock events for lockMAC.
func checkLockEvents(t *testing.T, loc string, want int) {
	t.Helper()
	st, err := store.OpenTestLocation(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, err := st.Events(context.Background(), provisioning.EventFilter{MAC: lockMAC, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var locks []string
	for _, e := range es {
		if e.Outcome == "locked" {
			locks = append(locks, fmt.Sprintf("%s %s %s", e.Proto, e.Reason, e.Time))
		}
	}
	if len(locks) != want {
		t.Errorf("%d lock events, want %d: %v", len(locks), want, locks)
	}
}
