package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
	"github.com/provbox/provbox/provisioning"
)

// banConfig is loopbackConfig with bans that loopback sources can get:
// nothing ignored, max_retry and scan_macs as given.
func banConfig(t *testing.T, maxRetry, scanMACs int) string {
	t.Helper()
	return newConfig(t, loopbackConfig+fmt.Sprintf("[bans]\nignore = []\nmax_retry = %d\nscan_macs = %d\n", maxRetry, scanMACs))
}

// lbHTTP gets path from the daemon's HTTP server from source address src
// (a loopback address) with user agent ua; it returns status and body,
// or status 0 when the request failed.
func lbHTTP(t *testing.T, port int, src, path, ua string) (int, []byte) {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil)
	req.Header.Set("User-Agent", ua)
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// lbTFTP sends one TFTP read request for name from src and returns the
// first datagram the server answers with (nil if none within 10 s: an
// answer expected may be slow on a loaded machine).
func lbTFTP(t *testing.T, port int, src, name string) []byte {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(src)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WriteToUDP(phone.TFTPReadRequest(name), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1500)
	n, _, err := c.ReadFromUDP(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// bannedPrefixes lists the bans through the CLI.
func bannedPrefixes(t *testing.T, cfg string) []provisioning.Ban {
	t.Helper()
	var bans []provisioning.Ban
	if err := jsonOut(mustCLI(t, cfg, "ban", "list", "--json"), &bans); err != nil {
		t.Fatal(err)
	}
	return bans
}

func jsonOut(out string, v any) error { return json.Unmarshal([]byte(out), v) }

func isBanned(bans []provisioning.Ban, ip string) (provisioning.Ban, bool) {
	a := netip.MustParseAddr(ip)
	i := slices.IndexFunc(bans, func(b provisioning.Ban) bool { return b.Prefix.Contains(a) })
	if i < 0 {
		return provisioning.Ban{}, false
	}
	return bans[i], true
}

// A known MAC in a name that is no vendor's file gets, from anyone but
// the phone, the same answer and the same strike as an unknown MAC, over
// HTTP and TFTP: nothing tells a scanner which MACs are devices.
func TestDaemonNoKnownMACOracle(t *testing.T) {
	cfg := banConfig(t, 2, 8)
	td := startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	mustCLI(t, cfg, "device", "add", "80:5e:c0:11:22:33", "--account", "office", "--vendor", "yealink", "--line", "201:pw")
	known, unknown := "805ec0112233-phone.cfg", "805ec0999999-phone.cfg"
	ua := "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"

	type answer struct {
		status int
		body   string
	}
	var http1, http2 []answer
	for range 2 {
		s, b := lbHTTP(t, td.d.ports.http, "127.0.0.11", "/"+known, ua)
		http1 = append(http1, answer{s, string(b)})
		s, b = lbHTTP(t, td.d.ports.http, "127.0.0.12", "/"+unknown, ua)
		http2 = append(http2, answer{s, string(b)})
	}
	if !slices.Equal(http1, http2) || http1[0].status != http.StatusNotFound {
		t.Fatalf("HTTP answers differ: known MAC %+v, unknown MAC %+v", http1, http2)
	}
	var tftp1, tftp2 [][]byte
	for range 2 {
		tftp1 = append(tftp1, lbTFTP(t, td.d.ports.tftp, "127.0.0.13", known))
		tftp2 = append(tftp2, lbTFTP(t, td.d.ports.tftp, "127.0.0.14", unknown))
	}
	if !bytes.Equal(tftp1[0], tftp2[0]) || len(tftp1[0]) < 2 || tftp1[0][1] != 5 {
		t.Fatalf("TFTP answers differ or are no ERROR packets: known %q, unknown %q", tftp1[0], tftp2[0])
	}
	bans := bannedPrefixes(t, cfg)
	for _, ip := range []string{"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"} {
		if _, ok := isBanned(bans, ip); !ok {
			t.Errorf("%s not banned after max_retry requests: bans %+v", ip, bans)
		}
	}
}

// Walking MACs in the User-Agent only, on a name without a MAC, is a scan:
// banned at scan_macs distinct MACs, not at max_retry.
func TestDaemonScanCountsUserAgentMACs(t *testing.T) {
	cfg := banConfig(t, 100, 3)
	td := startDaemon(t, cfg)
	src := "127.0.0.21"
	for i := range 4 {
		if _, ok := isBanned(bannedPrefixes(t, cfg), src); ok {
			t.Fatalf("banned after %d distinct MACs", i)
		}
		ua := fmt.Sprintf("Cisco/SPA508G-7.4.4 (0002FDFF21%02X)(CBT141400UK)", i)
		if s, _ := lbHTTP(t, td.d.ports.http, src, "/spa508G.cfg", ua); s != http.StatusNotFound {
			t.Fatalf("request %d: HTTP %d, want 404", i, s)
		}
	}
	b, ok := isBanned(bannedPrefixes(t, cfg), src)
	if !ok || b.Reason != "scan" {
		t.Fatalf("after 4 distinct UA MACs: banned=%v %+v; want a scan ban", ok, b)
	}
}

// PROVBOX_LAB_BREAK knows one safeguard; anything else is an error, so a
// typo does not quietly test nothing.
func TestLabBreakEnvironment(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == envLabBreak {
				return v
			}
			return ""
		}
	}
	if off, err := labBreak(env("")); off || err != nil {
		t.Errorf("unset: %v, %v", off, err)
	}
	if off, err := labBreak(env("forged_source")); !off || err != nil {
		t.Errorf("forged_source: %v, %v", off, err)
	}
	if _, err := labBreak(env("forged-source")); err == nil || !strings.Contains(err.Error(), "forged_source") {
		t.Errorf("a typo: %v", err)
	}
	cfg := newConfig(t, loopbackConfig)
	if _, _, err := loadConfig(cfg, env("bans")); err == nil || !strings.Contains(err.Error(), envLabBreak) {
		t.Errorf("loadConfig with a bad %s: %v", envLabBreak, err)
	}
	c, _, err := loadConfig(cfg, env("forged_source"))
	if err != nil || !c.coreConfig(c.configuredPorts()).UnguardedUDP {
		t.Errorf("loadConfig with %s=forged_source: %v", envLabBreak, err)
	}
}
