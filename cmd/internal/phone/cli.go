package phone

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"
)

// Report is what one emulated host prints (JSON) for the lab.
type Report struct {
	Journey *Journey `json:"journey,omitempty"`
	Attack  *Attack  `json:"attack,omitempty"`
	Repoll  *Repoll  `json:"repoll,omitempty"`
}

// targets is a repeatable -target vendor=mac flag.
type targets []Device

func (t *targets) String() string { return fmt.Sprint(*t) }

func (t *targets) Set(v string) error {
	vendor, mac, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("target %q: want VENDOR=MAC", v)
	}
	if _, err := Lookup(vendor); err != nil {
		return err
	}
	if _, err := net.ParseMAC(mac); err != nil {
		return fmt.Errorf("target %q: %w", v, err)
	}
	*t = append(*t, Device{Vendor: vendor, MAC: mac})
	return nil
}

// Main runs one emulated host inside the current network namespace and
// prints its Report on stdout; logs go to stderr. It returns the exit
// code: 0 when the host ran (a phone's failed journey is reported, and
// exits 1), 2 for bad arguments.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("phonesim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "phone", "phone, or an attacker: "+strings.Join(Roles, ", "))
	vendor := fs.String("vendor", "", "phone vendor: "+strings.Join(Names(), ", "))
	iface := fs.String("iface", "eth0", "interface to boot on (its MAC is the phone's)")
	reboot := fs.Bool("reboot", false, "phone: boot a second time after provisioning")
	poll := fs.String("poll", "", "phone: already provisioned with this URL, do the periodic check there")
	retry := fs.Int("retry", 0, "phone: unknown to provbox, retry the bootstrap this many times, 2s apart, until adopted")
	timeout := fs.Duration("timeout", 3*time.Second, "per request")
	httpBase := fs.String("http", "", "attacker: the server's HTTP base URL")
	tftpBase := fs.String("tftp", "", "attacker: the server's TFTP base URL")
	static := fs.String("static", "", "static-clone, relay-forger: the address it sets itself (CIDR, no DHCP)")
	frame := fs.String("frame", "", "udp-framer: the phone address it forges datagrams from")
	sources := fs.String("sources", "", "tftp-hog, conn-hog: extra addresses FIRST-LAST it puts on its interface")
	var tg targets
	fs.Var(&tg, "target", "attacker: VENDOR=MAC of a device to attack (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil)).With("component", "phonesim")
	mac, err := ifaceMAC(*iface)
	if err != nil {
		fmt.Fprintln(stderr, "phonesim:", err)
		return 2
	}
	var rep Report
	code := 0
	if *role == "phone" {
		p, err := Lookup(*vendor)
		if err != nil {
			fmt.Fprintln(stderr, "phonesim:", err)
			return 2
		}
		ph := &Phone{Profile: p, Iface: *iface, MAC: mac, Timeout: *timeout, Log: log}
		if *poll != "" {
			rep.Repoll, err = ph.repollFlag(ctx, *poll)
		} else if *retry > 0 {
			rep.Journey, err = ph.RunRetrying(ctx, 2*time.Second, *retry)
		} else {
			rep.Journey, err = ph.Run(ctx, *reboot)
		}
		if err != nil {
			code = 1
		}
	} else {
		a := &Attacker{Role: *role, Iface: *iface, MAC: mac, Targets: tg, HTTP: *httpBase, TFTP: *tftpBase, Static: *static, Frame: *frame, Sources: *sources, Timeout: *timeout, Log: log}
		rep.Attack = a.Run(ctx)
	}
	if err := json.NewEncoder(stdout).Encode(rep); err != nil {
		fmt.Fprintln(stderr, "phonesim:", err)
		return 1
	}
	return code
}

func ifaceMAC(name string) (net.HardwareAddr, error) {
	i, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("interface %s: %w", name, err)
	}
	if len(i.HardwareAddr) != 6 {
		return nil, errors.New("interface " + name + " has no Ethernet address")
	}
	return i.HardwareAddr, nil
}
