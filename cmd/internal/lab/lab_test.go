package lab

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/provbox/provbox/cmd/internal/phone"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// binaries builds provbox and provbox-lab once per test process. The
// emulated hosts run as `provbox-lab --emulate`, as in `make demo`, so
// the command's re-execution is what every lab test drives.
func binaries(t *testing.T) (provbox, labCmd string) {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = osMkdirTemp()
		if buildErr != nil {
			return
		}
		goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
		for _, pkg := range []string{"provbox", "provbox-lab"} {
			out, err := exec.Command(goBin, "build", "-o", filepath.Join(buildDir, pkg),
				"github.com/provbox/provbox/cmd/"+pkg).CombinedOutput()
			if err != nil {
				buildErr = &buildError{pkg, err, out}
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "provbox"), filepath.Join(buildDir, "provbox-lab")
}

// labSlots bounds the labs running at once. Each lab is its own set of
// namespaces (per-run names, its own bridge and daemon), so runs do not
// share anything; most of a run is waiting (DHCP, timeouts, bans: CPU is
// about a quarter of the wall time), so two side by side halve the
// package's time (2 cores: 323 s one at a time, 168 s two at a time). -parallel (GOMAXPROCS by
// default) bounds them too; this cap keeps a many-core machine from
// starting every lab, and thousands of hog connections, at once.
var labSlots = make(chan struct{}, 3)

func runLab(t *testing.T, sab Sabotage, bootstrap string) *Result {
	t.Helper()
	needRoot(t)
	pb, lc := binaries(t)
	labSlots <- struct{}{}
	defer func() { <-labSlots }()
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{Provbox: pb, Emulator: []string{lc, "--emulate"}, Sabotage: sab, Bootstrap: bootstrap, Out: &out})
	t.Logf("lab output:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The whole flow on a real (virtual) LAN: one phone of every vendor
// provisions through the real daemon, and every attacker is refused.
// Both bootstrap forms: option 66 as http:// and as tftp:// (Cisco SPA
// gets a bare host either way).
func TestLab(t *testing.T) {
	t.Parallel()
	for _, bootstrap := range []string{"http", "tftp"} {
		t.Run(bootstrap, func(t *testing.T) {
			t.Parallel()
			res := runLab(t, NoSabotage, bootstrap)
			if !res.OK() {
				t.Fatalf("lab failed:\n%s\n%s", strings.Join(res.Failures, "\n"), res.DaemonLog)
			}
			if len(res.Phones) != len(phone.Names()) || len(res.Attackers) != len(phone.Roles) {
				t.Fatalf("%d phones, %d attackers", len(res.Phones), len(res.Attackers))
			}
			// every phone after the account rekey, one after a device rekey, one after the grace
			if len(res.Rekeys) != len(phone.Names())+2 {
				t.Fatalf("%d re-polls after rekeys", len(res.Rekeys))
			}
			// adopt.go: the unknown phone was pending, adopted, provisioned
			if a := res.Adopt; a == nil || !a.Pending || a.Phone.Journey == nil || a.Phone.State != "locked" {
				t.Fatalf("adoption: %+v", a)
			}
			for _, p := range res.Phones {
				if f := res.Funnel[family(p.Vendor)]; f["locked"] < 1 || f["config"] < 1 || f["dhcp_offer"] < 1 {
					t.Errorf("%s: funnel from /metrics %v, want the phone offered, configured and locked", p.Vendor, f)
				}
				if p.Journey.Location.Proto() != bootstrap && p.Vendor != "cisco-spa" {
					t.Errorf("%s bootstrapped over %s", p.Vendor, p.Journey.Location.Proto())
				}
			}
		})
	}
}

// Breaking any one safeguard makes the lab fail, naming the attacker that
// got through.
func TestLabCatchesBrokenSafeguard(t *testing.T) {
	want := map[Sabotage]string{
		NoLeaseCheck:     phone.StaticClone,
		NoNeighbourCheck: phone.IPThief,
		NoUACheck:        phone.UAForge,
		NoUAMACCheck:     phone.UAForge,
		NoLock:           phone.AfterLock,
		NoForgeryGuard:   phone.UDPFramer,
		OneDialect:       "fanvil", // the phone stranded
		FailClosed:       phone.IPv6Thief,
		NoTFTPSlots:      phone.TFTPHog,
		NoHTTPConnLimit:  phone.ConnHog,
		NoRelayCheck:     phone.RelayForger,
	}
	t.Parallel()
	for _, sab := range Sabotages {
		t.Run(string(sab), func(t *testing.T) {
			t.Parallel()
			res := runLab(t, sab, "")
			if res.OK() {
				t.Fatalf("lab passed with %s broken", sab)
			}
			prefix := "attacker " + want[sab] + " "
			for _, f := range res.Failures {
				if strings.HasPrefix(f, prefix) && (strings.Contains(f, "GOT") || strings.Contains(f, "secret URL") || strings.Contains(f, "DENIED")) {
					return
				}
				// a stranding redirect fails the phone, named
				if sab == OneDialect && strings.HasPrefix(f, "phone "+want[sab]+" ") && strings.Contains(f, "stranded") {
					return
				}
			}
			t.Fatalf("with %s broken, no failure names %s getting through:\n%s", sab, want[sab], strings.Join(res.Failures, "\n"))
		})
	}
}

func TestParseSabotage(t *testing.T) {
	for _, s := range []string{"", "none", "check_lease", "check_neighbor", "lock"} {
		if _, err := ParseSabotage(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseSabotage("bans"); err == nil || !strings.Contains(err.Error(), "check_lease") {
		t.Errorf("unknown safeguard: %v", err)
	}
}
