package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
	"time"

	"github.com/provbox/provbox/httpd"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/neigh"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/setting"
	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/tftp"
)

// Ports in the server namespace. The peers listen on peerIP with the
// standard ports; provbox on serverIP, and its TFTP server of the large
// file on bigTFTPPort.
const (
	httpPort    = 80
	tftpPort    = 69
	bigTFTPPort = 1069
)

// serve is the provbox child, run in the server namespace: the real core
// (SQLite state, built-in vendor registry, every check on: User-Agent,
// MAC in the User-Agent, lease, and the kernel's neighbour table through
// an rtnetlink subscription, as cmd/provbox wires it) behind the real
// HTTP and TFTP servers with their default limits. It seeds one device
// and one lease per phone, prints READY, and serves until SIGTERM.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", "", "state directory")
	phones := fs.Int("phones", 50, "devices to seed")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole life here")
	traceFile := fs.String("trace", "", "write a runtime/trace of the whole life here")
	singlePort := fs.Bool("tftp-single-port", false, "TFTP transfers from the listening port")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	svc, closeCore, err := startCore(ctx, *dir, log)
	if err != nil {
		return err
	}
	defer closeCore()
	if err := seed(ctx, svc, *phones); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}
	return serveAll(ctx, svc, log, *singlePort)
}

func startCore(ctx context.Context, dir string, log *slog.Logger) (*provisioning.Service, func(), error) {
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	reg, err := profile.New("")
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	nt, err := neigh.NewTable()
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("neighbour table: %w", err)
	}
	cfg := provisioning.Config{BaseURL: fmt.Sprintf("http://%s", serverIP),
		Checks: provisioning.Checks{UserAgent: true, UAMAC: true, Lease: true, Neighbour: true},
		Neighbours: func(ip netip.Addr) (provisioning.MAC, bool) {
			m, ok := nt.Lookup(ip)
			return provisioning.MAC(m), ok
		},
		Bans: provisioning.BanConfig{MaxRetry: 15, FindTime: 10 * time.Minute, BanTime: time.Hour,
			MaxBanTime: 168 * time.Hour, Factor: 2, ScanMACs: 8}}
	svc, err := provisioning.New(ctx, cfg, st, reg, log)
	if err != nil {
		nt.Close()
		st.Close()
		return nil, nil, err
	}
	return svc, func() { svc.Close(); nt.Close(); st.Close() }, nil
}

// seed adds an account and, per phone, a Yealink T46S with one line and
// the phone's lease (the lease check needs it; DHCP is measured apart).
func seed(ctx context.Context, svc *provisioning.Service, phones int) error {
	a := provisioning.Account{Name: "office", SIPServer: "sip.example.net", NTPServer: "pool.ntp.org",
		TimeZone: "Europe/Berlin", Language: "en"}
	if _, err := svc.AddAccount(ctx, a); err != nil {
		return err
	}
	for i := range phones {
		d := provisioning.Device{MAC: phoneMAC(i), Account: a.Name, Vendor: "yealink", Model: "T46S",
			Lines: []provisioning.Line{{Extension: fmt.Sprint(200 + i), AuthUser: fmt.Sprint(200 + i),
				Password: phonePassword(i), DisplayName: "Desk"}}}
		if _, err := svc.AddDevice(ctx, d); err != nil {
			return err
		}
		l := provisioning.Lease{IP: phoneIP(i), MAC: d.MAC, Expires: time.Now().Add(12 * time.Hour)}
		if err := svc.CommitLease(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// serveAll runs the HTTP server, the TFTP server of the configs and the
// TFTP server of the large file until ctx ends.
func serveAll(ctx context.Context, svc *provisioning.Service, log *slog.Logger, singlePort bool) error {
	hs, err := httpd.New(httpd.Config{Addr: setting.HostPort(fmt.Sprintf("%s:%d", serverIP, httpPort))}, svc, log)
	if err != nil {
		return err
	}
	ts, err := tftp.New(tftp.Config{Addr: setting.HostPort(fmt.Sprintf("%s:%d", serverIP, tftpPort)), SinglePort: singlePort}, svc, log)
	if err != nil {
		return err
	}
	big, err := tftp.New(tftp.Config{Addr: setting.HostPort(fmt.Sprintf("%s:%d", serverIP, bigTFTPPort)), SinglePort: singlePort}, bigFile{body: make([]byte, bigSize)}, log)
	if err != nil {
		return err
	}
	ln, _, err := hs.Listen()
	if err != nil {
		return err
	}
	pc, err := ts.Listen()
	if err != nil {
		ln.Close()
		return err
	}
	bpc, err := big.Listen()
	if err != nil {
		ln.Close()
		pc.Close()
		return err
	}
	errc := make(chan error, 3)
	go func() { errc <- hs.Serve(ctx, ln) }()
	go func() { errc <- ts.Serve(ctx, pc) }()
	go func() { errc <- big.Serve(ctx, bpc) }()
	fmt.Println("READY")
	var errs []error
	for range 3 {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

// bigSize is the large TFTP file: firmware-sized, many blocks.
const bigSize = 200 << 10

// bigFile is the core of the large-file TFTP server: provbox serves only
// rendered configs, none of them 200 KiB, so this row measures the TFTP
// server itself (pin/tftp and provbox's tftp package: slot limiter,
// transfer reader, hook) with a core that answers one fixed body.
type bigFile struct{ body []byte }

func (b bigFile) Fetch(_ context.Context, r provisioning.FetchRequest) provisioning.FetchReply {
	if r.Path != bigName {
		return provisioning.FetchReply{}
	}
	return provisioning.FetchReply{Found: true, Body: b.body}
}
func (bigFile) Banned(netip.Addr) bool       { return false }
func (bigFile) KnownAddress(netip.Addr) bool { return true }

// bigName is the large file's name on both servers.
const bigName = "big.bin"

// phoneMAC is the i-th phone: 80:5e:c0:12:34:56 and up (a Yealink OUI).
func phoneMAC(i int) provisioning.MAC {
	n := 0x123456 + i
	return provisioning.MAC{0x80, 0x5e, 0xc0, byte(n >> 16), byte(n >> 8), byte(n)}
}

// phonePassword is the i-th phone's SIP password: its full config must
// carry it, which proves every check passed.
func phonePassword(i int) string { return fmt.Sprintf("Secret-%04d-%x", 200+i, phoneMAC(i)) }
