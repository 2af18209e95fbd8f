package dhcp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A real second DHCP server (dnsmasq) on the phones' segment: provbox's
// probe draws its OFFER and provbox reports it, with its option 66,
// within one probe interval; listed in known_servers, it is silenced.
func TestRogueDHCPServerReported(t *testing.T) {
	requireRoot(t, "ip", "dnsmasq")
	for _, known := range []bool{false, true} {
		t.Run(map[bool]string{false: "unknown", true: "known"}[known], func(t *testing.T) {
			id := uniq()
			us, them, ifUs, ifThem := addNS(t, id+"p"), addNS(t, id+"r"), id+"a", id+"b"
			link(t, us, ifUs, "10.77.0.2/24", them, ifThem, "10.77.0.1/24")
			startDnsmasq(t, them, ifThem)
			const every = 2 * time.Second
			cfg := testConfig()
			cfg.RogueProbeInterval = every
			if known {
				cfg.KnownServers = ipList("10.77.0.1")
			}
			s, err := New(cfg, &testCore{Service: newService(t, t.TempDir(), netBoot, nil)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var w *RogueWatch
			if err := inNS(us, func() (err error) { w, err = OpenRogueWatch(ifUs); return err }); err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- s.WatchRogues(ctx, w) }()
			defer func() { cancel(); <-done }()
			// Several probes' worth (one at start, then one every 2 s): a
			// loaded machine may be slow with the first one's answer.
			start := time.Now()
			for time.Since(start) < 5*every && len(s.Rogues()) == 0 && s.knownSeen() == 0 {
				time.Sleep(50 * time.Millisecond)
			}
			rs := s.Rogues()
			if known {
				if len(rs) != 0 || s.knownSeen() == 0 {
					t.Fatalf("known server: reported %+v, silenced %d replies", rs, s.knownSeen())
				}
				return
			}
			if len(rs) != 1 || rs[0].IP != ip("10.77.0.1") || rs[0].Interface != ifUs {
				t.Fatalf("after %s: rogues %+v, want dnsmasq at 10.77.0.1", time.Since(start), rs)
			}
			if got := provisioningOptions(rs[0].Options); got != "66=http://rogue.example/prov" {
				t.Fatalf("rogue's provisioning options %q", got)
			}
			if s.RogueCount() != 1 {
				t.Fatalf("RogueCount = %d", s.RogueCount())
			}
		})
	}
}

func (s *Server) knownSeen() int {
	s.rogues.mu.Lock()
	defer s.rogues.mu.Unlock()
	return s.rogues.known
}

// startDnsmasq runs dnsmasq as a DHCP server on iface in ns until the
// test ends, and waits until it listens.
func startDnsmasq(t *testing.T, ns, iface string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("ip", "netns", "exec", ns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
		"--user=root", "--interface="+iface, "--bind-interfaces", "--no-ping", "--dhcp-authoritative",
		"--dhcp-range=10.77.0.100,10.77.0.150,1h", "--dhcp-option=66,http://rogue.example/prov",
		"--dhcp-leasefile="+filepath.Join(dir, "leases"), "--pid-file="+filepath.Join(dir, "pid"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(sh(t, "ip", "netns", "exec", ns, "ss", "-uln"), ":67 ") {
			return
		}
	}
	t.Fatal("dnsmasq did not start listening on port 67")
}
