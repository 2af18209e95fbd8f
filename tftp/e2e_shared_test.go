package tftp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// rawFetch reads name from server over TFTP (octet, 512-byte blocks) on
// a socket bound to local, by hand, so a test can choose the requester's
// address; safe to call from any goroutine.
func rawFetch(local netip.Addr, server, name string) ([]byte, error) {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, 0)))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	to, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		return nil, err
	}
	if _, err := c.WriteToUDP(request(1, name, "octet"), to); err != nil {
		return nil, err
	}
	var body []byte
	buf := make([]byte, 1024)
	for block := uint16(1); ; block++ {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, peer, err := c.ReadFromUDP(buf)
		if err != nil {
			return nil, err
		}
		p := buf[:n]
		if n >= 4 && binary.BigEndian.Uint16(p) == 5 {
			return nil, fmt.Errorf("ERROR %d %q", binary.BigEndian.Uint16(p[2:]), strings.TrimRight(string(p[4:]), "\x00"))
		}
		if n < 4 || binary.BigEndian.Uint16(p) != 3 || binary.BigEndian.Uint16(p[2:]) != block {
			return nil, fmt.Errorf("want DATA %d, got %q", block, p[:min(n, 8)])
		}
		body = append(body, p[4:]...)
		ack := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, 4), block)
		if _, err := c.WriteToUDP(ack, peer); err != nil {
			return nil, err
		}
		if n-4 < 512 {
			return body, nil
		}
	}
}

// TestE2EConcurrentPhonesOwnConfigs: two phones (each holding its own
// lease at its own address) fetch their full configs at once, again and
// again, in both modes, while an address without a lease asks for the
// first phone's secret path. The serving path hands out cached renders
// without copying them and runs the core on long-lived workers: each
// phone still gets exactly its own config every time, the intruder
// nothing, and the audit trail, whose identical requests fold into
// lines, still counts every fetch and every refusal.
func TestE2EConcurrentPhonesOwnConfigs(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("single-port=%v", single), func(t *testing.T) {
			testConcurrentPhones(t, single)
		})
	}
}

func testConcurrentPhones(t *testing.T, single bool) {
	cfg := provisioning.Config{BaseURL: "http://127.0.0.1:8080", Checks: provisioning.DefaultChecks(true),
		Bans: provisioning.BanConfig{MaxRetry: 100000, ScanMACs: -1}}
	svc := provtest.Service(t, "", cfg)
	type phone struct {
		mac      provisioning.MAC
		ip       netip.Addr
		password string
		path     string
	}
	phones := []*phone{
		{mac: provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}, ip: netip.MustParseAddr("127.0.0.1"), password: "pw-one-AAAA"},
		{mac: provisioning.MAC{0x80, 0x5e, 0xc0, 0x44, 0x55, 0x66}, ip: netip.MustParseAddr("127.0.0.3"), password: "pw-two-BBBB"},
	}
	for _, p := range phones {
		v := provtest.AddPhone(t, svc, provtest.Phone{MAC: p.mac, Vendor: "yealink", Model: "T46U", Password: p.password})
		p.path = v.TFTPPath + strings.ReplaceAll(p.mac.String(), ":", "") + ".cfg"
		if err := svc.CommitLease(t.Context(), provisioning.Lease{IP: p.ip, MAC: p.mac, Expires: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	addr := start(t, newServer(t, Config{SinglePort: single}, svc)).addr
	intruder := netip.MustParseAddr("127.0.0.4")
	const workers, rounds = 3, 12 // with their ending transfers, under max_per_source (8)
	var mu sync.Mutex
	var first [2][]byte
	var refusals int
	var wg sync.WaitGroup
	for i := range workers {
		for pi, p := range phones {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					b, err := rawFetch(p.ip, addr, p.path)
					if err != nil {
						t.Errorf("phone %s: %v", p.mac, err)
						return
					}
					other := phones[1-pi].password
					if !bytes.Contains(b, []byte(p.password)) || bytes.Contains(b, []byte(other)) {
						t.Errorf("phone %s got a config that is not its own:\n%s", p.mac, b)
						return
					}
					mu.Lock()
					if first[pi] == nil {
						first[pi] = b
					} else if !bytes.Equal(first[pi], b) {
						t.Errorf("phone %s: config changed between fetches", p.mac)
					}
					mu.Unlock()
				}
			}()
		}
		if i%2 == 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					b, err := rawFetch(intruder, addr, phones[0].path)
					if err == nil || !strings.Contains(err.Error(), "not found") {
						t.Errorf("intruder: %v, %d bytes", err, len(b))
						return
					}
					mu.Lock()
					refusals++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	es, err := svc.Events(t.Context(), provisioning.EventFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	served := map[provisioning.MAC]int{}
	locks, refused := 0, 0
	for _, e := range es {
		switch {
		case e.Outcome == "config":
			served[e.MAC] += e.Times()
		case e.Outcome == "locked":
			locks += e.Times()
		case e.Outcome == "refused" && e.IP == intruder:
			refused += e.Times()
		case e.Outcome != "lease":
			t.Errorf("unexpected line %+v", e)
		}
	}
	for _, p := range phones {
		if served[p.mac] != workers*rounds {
			t.Errorf("phone %s: the trail counts %d served configs, want %d", p.mac, served[p.mac], workers*rounds)
		}
	}
	if locks != 2 || refused != refusals {
		t.Errorf("trail: %d locks (want 2), %d refusals of the intruder (want %d)", locks, refused, refusals)
	}
}
