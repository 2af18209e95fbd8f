package httpd

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestE2EConcurrentPhonesOwnConfigs: two phones at their own addresses
// fetch their full configs at once, plainly, by range and conditionally
// (writePlain and http.ServeContent over a cached render handed out
// without a copy, shared header values): every answer is the phone's own
// config or a slice of it, the same bytes each time, never the other's.
func TestE2EConcurrentPhonesOwnConfigs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	type phone struct {
		mac      provisioning.MAC
		ip       netip.Addr
		password string
		ua, url  string
	}
	phones := []*phone{
		{mac: provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}, ip: netip.MustParseAddr("127.0.0.1"), password: "pw-one-AAAA"},
		{mac: provisioning.MAC{0x80, 0x5e, 0xc0, 0x44, 0x55, 0x66}, ip: netip.MustParseAddr("127.0.0.3"), password: "pw-two-BBBB"},
	}
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) {
		for _, p := range phones {
			if p.ip == ip {
				return p.mac, true
			}
		}
		return provisioning.MAC{}, false
	}
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: base, Checks: provisioning.DefaultChecks(false), Neighbours: neigh})
	for _, p := range phones {
		v := provtest.AddPhone(t, svc, provtest.Phone{MAC: p.mac, Vendor: "yealink", Model: "T46U", Password: p.password})
		p.ua = "Yealink SIP-T46U 108.86.0.20 " + p.mac.String()
		p.url = v.SecretURL + strings.ReplaceAll(p.mac.String(), ":", "") + ".cfg"
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newServer(t, Config{}, svc).Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })

	full := make([]string, len(phones))
	etags := make([]string, len(phones))
	for i, p := range phones {
		c := clientFrom(p.ip)
		code, body, h := fetchAs(t, c, p.url, p.ua, nil)
		if code != http.StatusOK || !strings.Contains(body, p.password) {
			t.Fatalf("phone %s: %d\n%s", p.mac, code, body)
		}
		full[i], etags[i] = body, h.Get("Etag")
		if etags[i] != etag([]byte(body)) { // the render cache's tag is the body's
			t.Fatalf("phone %s: ETag %s, want %s", p.mac, etags[i], etag([]byte(body)))
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		for i, p := range phones {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := clientFrom(p.ip)
				for round := range 25 {
					var hdr map[string]string
					want, wantCode := full[i], http.StatusOK
					switch (w + round) % 3 {
					case 1:
						hdr, want, wantCode = map[string]string{"Range": "bytes=10-99"}, full[i][10:100], http.StatusPartialContent
					case 2:
						hdr, want, wantCode = map[string]string{"If-None-Match": etags[i]}, "", http.StatusNotModified
					}
					code, body, h := fetchAs(t, c, p.url, p.ua, hdr)
					if code != wantCode || body != want || (code != http.StatusNotModified && h.Get("Etag") != etags[i]) {
						t.Errorf("phone %s, %v: %d (etag %s), want %d and its own bytes:\n%s", p.mac, hdr, code, h.Get("Etag"), wantCode, body)
						return
					}
					if strings.Contains(body, phones[1-i].password) {
						t.Errorf("phone %s got the other phone's password", p.mac)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
}

// clientFrom is an HTTP client whose connections leave from ip.
func clientFrom(ip netip.Addr) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip.AsSlice()}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

func fetchAs(t *testing.T, c *http.Client, url, ua string, hdr map[string]string) (int, string, http.Header) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Error(err)
		return 0, "", nil
	}
	req.Header.Set("User-Agent", ua)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Sprint(err), http.Header{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}
