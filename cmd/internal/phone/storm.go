package phone

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StormPhone is what one phone of a boot storm did, with its times from
// the moment the lab powered every phone on.
type StormPhone struct {
	Vendor string `json:"vendor"`
	MAC    string `json:"mac"`
	IP     string `json:"ip,omitempty"`
	// Proto is the bootstrap's protocol (http or tftp).
	Proto string `json:"proto,omitempty"`
	// Step is the step that failed: dhcp, bootstrap, redirect or config.
	Step      string        `json:"step,omitempty"`
	Err       string        `json:"error,omitempty"`
	DHCP      time.Duration `json:"dhcp_ns"`      // ACK received
	Bootstrap time.Duration `json:"bootstrap_ns"` // last bootstrap answer
	Done      time.Duration `json:"done_ns"`      // full config read
	Resent    int           `json:"dhcp_resent"`
	// ResentRequest is the REQUESTs among Resent; DHCPSent and Offer are
	// when the first DISCOVER left and the OFFER came (0: never).
	ResentRequest int           `json:"dhcp_resent_request"`
	DHCPSent      time.Duration `json:"dhcp_sent_ns"`
	Offer         time.Duration `json:"offer_ns"`
	SecretURL     string        `json:"secret_url,omitempty"`
	Lines         []Line        `json:"lines,omitempty"`
}

// StormReport is what one storm namespace prints.
type StormReport struct {
	Phones []StormPhone `json:"phones"`
	// TapDrops is DHCP replies the namespace's tap lost (full buffer).
	TapDrops int `json:"tap_drops"`
	// Tap is what the DHCP tap did with the replies it read.
	Tap HubCounts `json:"tap"`
	// CPU is what this process used from power-on to its last phone.
	CPU time.Duration `json:"cpu_ns"`
}

// StormMain runs the phones of one storm namespace: each -phone IFACE=
// VENDOR is a macvlan of -uplink carrying the phone's MAC. It sets up,
// prints "ready", waits for "go UNIXNANO" on stdin (the lab's power-on
// instant), boots every phone at once and prints a StormReport. Exit 0
// when it ran (failed phones are in the report), 2 for bad arguments.
func StormMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("storm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	uplink := fs.String("uplink", "eth0", "the namespace's link to the switch (the phones' macvlans sit on it)")
	timeout := fs.Duration("timeout", 3*time.Second, "per request")
	profile := fs.String("cpuprofile", "", "write this process's CPU profile of the storm to FILE")
	var phones []stormSpec
	fs.Func("phone", "IFACE=VENDOR, one per phone (repeatable)", func(v string) error {
		iface, vendor, ok := strings.Cut(v, "=")
		p, err := Lookup(vendor)
		if !ok || err != nil {
			return fmt.Errorf("phone %q: want IFACE=VENDOR (%v)", v, err)
		}
		phones = append(phones, stormSpec{iface: iface, profile: p})
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// One dump of the interfaces: InterfaceByName dumps them all per call.
	ifcs, err := net.Interfaces()
	if err != nil {
		fmt.Fprintln(stderr, "storm:", err)
		return 1
	}
	byName := map[string]*net.Interface{}
	for i := range ifcs {
		byName[ifcs[i].Name] = &ifcs[i]
	}
	for i := range phones {
		if phones[i].ifc = byName[phones[i].iface]; phones[i].ifc == nil {
			fmt.Fprintf(stderr, "storm: no interface %s\n", phones[i].iface)
			return 2
		}
	}
	hub, err := openHub(*uplink)
	if err != nil {
		fmt.Fprintln(stderr, "storm:", err)
		return 1
	}
	defer hub.Close()
	fmt.Fprintln(stdout, "ready")
	t0, err := readGo(stdin)
	if err != nil {
		fmt.Fprintln(stderr, "storm:", err)
		return 1
	}
	if *profile != "" {
		if f, err := os.Create(*profile); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	cpu0 := processCPU()
	rep := StormReport{Phones: make([]StormPhone, len(phones))}
	var wg sync.WaitGroup
	for i := range phones {
		wg.Go(func() { rep.Phones[i] = phones[i].run(ctx, hub, t0, *timeout) })
	}
	wg.Wait()
	rep.TapDrops, rep.CPU, rep.Tap = hub.drops(), processCPU()-cpu0, hub.counts.snapshot()
	if err := json.NewEncoder(stdout).Encode(rep); err != nil {
		fmt.Fprintln(stderr, "storm:", err)
		return 1
	}
	return 0
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readGo waits for the lab's "go UNIXNANO" line.
func readGo(r io.Reader) (time.Time, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	f := strings.Fields(line)
	if len(f) != 2 || f[0] != "go" {
		return time.Time{}, fmt.Errorf("want \"go UNIXNANO\" on stdin, got %q (%v)", line, err)
	}
	ns, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("go %q: %w", f[1], err)
	}
	return time.Unix(0, ns), nil
}

type stormSpec struct {
	iface   string
	ifc     *net.Interface
	profile *Profile
}

// run boots one phone: DORA through the hub, its address on its macvlan,
// then the journey every lab phone makes (bootstrap, redirect, full
// config) with its sockets bound to that macvlan.
func (s stormSpec) run(ctx context.Context, hub *dhcpHub, t0 time.Time, timeout time.Duration) StormPhone {
	p := s.profile
	out := StormPhone{Vendor: p.Name, MAC: s.ifc.HardwareAddr.String()}
	ph := &Phone{Profile: p, Iface: s.iface, MAC: s.ifc.HardwareAddr, Timeout: timeout}
	var try dhcpTry
	ph.Lease = func(ctx context.Context) (*Lease, error) {
		var class []byte
		if p.Class != nil {
			class = p.Class()
		}
		l, err := hub.dora(ctx, s.ifc, class, p.PRL, &try)
		if err != nil {
			return nil, err
		}
		out.DHCP = time.Since(t0)
		ones, _ := l.Mask.Size()
		if err := addAddr(s.ifc.Index, l.IP, ones); err != nil {
			return nil, err
		}
		ph.Bind = &Bind{Iface: s.iface, IP: l.IP}
		return l, nil
	}
	j, err := ph.Run(ctx, false)
	out.Done, out.Resent, out.ResentRequest = time.Since(t0), try.Resent, try.ResentRequest
	if !try.Sent.IsZero() {
		out.DHCPSent = try.Sent.Sub(t0)
	}
	if !try.Offer.IsZero() {
		out.Offer = try.Offer.Sub(t0)
	}
	out.IP, out.Proto, out.SecretURL, out.Lines = j.IP, j.Location.Proto(), j.SecretURL, j.Lines
	for _, f := range j.Bootstrap {
		out.Bootstrap = max(out.Bootstrap, f.At.Sub(t0))
	}
	if err != nil {
		out.Err, out.Step = err.Error(), failedStep(j)
	}
	return out
}

// failedStep names the step a failed journey stopped at.
func failedStep(j *Journey) string {
	switch {
	case j.IP == "":
		return "dhcp"
	case strings.HasPrefix(j.Err, "secret URL"):
		return "config"
	case j.SecretURL != "" || strings.HasPrefix(j.Err, "redirect"):
		return "redirect"
	}
	return "bootstrap"
}
