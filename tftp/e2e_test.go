package tftp

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// End to end: the real core (provisioning.Service over the SQLite store
// and the embedded vendor registry) behind the real TFTP server on
// loopback, with the lease check on and satisfied by a committed lease.

const (
	e2ePassword = "s3cret-Pa55"
	e2eFile     = "805ec0112233.cfg"
)

var e2eMAC = provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}

func newE2E(t *testing.T) (*provisioning.Service, string) {
	t.Helper()
	cfg := provisioning.Config{BaseURL: "http://127.0.0.1:8080", Checks: provisioning.DefaultChecks(true),
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	svc := provtest.Service(t, "", cfg)
	provtest.AddPhone(t, svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	ctx := t.Context()
	lease := provisioning.Lease{IP: localhost, MAC: e2eMAC, Expires: time.Now().Add(time.Hour)}
	if err := svc.CommitLease(ctx, lease); err != nil {
		t.Fatal(err)
	}
	return svc, start(t, newServer(t, Config{}, svc)).addr
}

// fetcher gets one file over TFTP from addr, the way some client does.
type fetcher func(t *testing.T, addr, name string) (string, error)

func pinFetch(t *testing.T, addr, name string) (string, error) {
	c, err := pintftp.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetBlockSize(1428)
	c.RequestTSize(true)
	wt, err := c.Receive(name, "octet")
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	_, err = wt.WriteTo(&b)
	return b.String(), err
}

func toolFetch(tool, pkg string, args func(host, port, name, local string) []string) fetcher {
	return func(t *testing.T, addr, name string) (string, error) {
		bin := lookTool(t, tool, pkg)
		host, port, _ := net.SplitHostPort(addr)
		local := filepath.Join(t.TempDir(), "got")
		out, err := runTool(t, bin, args(host, port, name, local)...)
		if err != nil || strings.Contains(out, "rror") {
			return "", errors.New(out)
		}
		b, err := os.ReadFile(local)
		return string(b), err
	}
}

var secretPathRe = regexp.MustCompile(`/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/`)

// TestE2EProvision runs a phone's first boot over TFTP with each client:
// bootstrap, secret path out of the redirect, full config, lock, and a
// refused second bootstrap.
func TestE2EProvision(t *testing.T) {
	clients := map[string]fetcher{
		"pin": pinFetch,
		"tftp-hpa": toolFetch("tftp", "tftp-hpa", func(h, p, n, l string) []string {
			return []string{"-m", "binary", h, p, "-c", "get", n, l}
		}),
		"atftp": toolFetch("atftp", "atftp", func(h, p, n, l string) []string {
			return []string{"--get", "-r", n, "-l", l, "--option", "blksize 1428", h, p}
		}),
	}
	for name, fetch := range clients {
		t.Run(name, func(t *testing.T) {
			svc, addr := newE2E(t)
			redirect, err := fetch(t, addr, e2eFile)
			if err != nil {
				t.Fatalf("bootstrap: %v", err)
			}
			if strings.Contains(redirect, e2ePassword) {
				t.Fatal("the redirect carries the SIP password")
			}
			d, _ := svc.Device(e2eMAC)
			secret := secretPathRe.FindString(redirect)
			if want := svc.View(d).TFTPPath; secret != want {
				t.Fatalf("redirect names %q, want %q:\n%s", secret, want, redirect)
			}
			full, err := fetch(t, addr, secret+e2eFile)
			if err != nil || !strings.Contains(full, e2ePassword) {
				t.Fatalf("full config: %v, password present %v", err, strings.Contains(full, e2ePassword))
			}
			if d, _ := svc.Device(e2eMAC); d.Open(time.Now()) {
				t.Fatal("device still open after its full config was fetched")
			}
			if _, err := fetch(t, addr, e2eFile); err == nil || !strings.Contains(err.Error(), "file not found") {
				t.Fatalf("second bootstrap: %v, want file not found", err)
			}
			// Without the leading slash too (Cisco SPA asks "/spa$PSN.cfg", most
			// others no slash: provisioning/profile/README.md).
			if again, err := fetch(t, addr, secret[1:]+e2eFile); err != nil || again != full {
				t.Fatalf("re-check at the secret path: %v", err)
			}
		})
	}
}

// TestE2ENoLease: the same request from an address that does not hold the
// device's lease is refused, with the reason in the audit trail.
func TestE2ENoLease(t *testing.T) {
	svc, addr := newE2E(t)
	d, _ := svc.Device(e2eMAC)
	c, err := pintftp.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetLocalAddr("127.0.0.2"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{e2eFile, svc.View(d).TFTPPath + e2eFile} {
		if _, err := c.Receive(name, "octet"); err == nil || !strings.Contains(err.Error(), "file not found") {
			t.Fatalf("%s from 127.0.0.2: %v, want file not found", provisioning.RedactPath(name, false), err)
		}
		evs, err := svc.Events(t.Context(), provisioning.EventFilter{Limit: 1})
		if err != nil || len(evs) != 1 || evs[0].Reason != "no-lease" || evs[0].Proto != "tftp" ||
			evs[0].IP != netipOf(t, "127.0.0.2") {
			t.Fatalf("%s: events %+v, %v; want a tftp no-lease refusal from 127.0.0.2", provisioning.RedactPath(name, false), evs, err)
		}
	}
	if d, _ := svc.Device(e2eMAC); !d.Open(time.Now()) {
		t.Error("refused requests locked the device")
	}
}
