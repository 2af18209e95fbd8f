package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/provbox/provbox/httpd"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/setting"
	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/tftp"
)

// The loopback addresses the lab uses. Linux answers for all of 127/8
// on lo, so clients can bind these without any setup.
const (
	serverIP   = "127.0.0.1"
	attackerIP = "127.0.0.2"
	phoneIP    = "127.0.0.3"
)

// lab is a real provbox core (SQLite state database, built-in vendor
// registry) with its real HTTP and TFTP servers on loopback.
type lab struct {
	svc       *provisioning.Service
	st        *store.Store
	baseURL   string // http://127.0.0.1:port
	tftpAddr  string // 127.0.0.1:port
	stop      context.CancelFunc
	served    chan error
	phone     phone
	bans      provisioning.BanConfig
	passwords [][]byte // every SIP password the lab holds, to look for in answers
}

// startLab opens the state database in dir, starts the core and both
// servers on ephemeral loopback ports, and seeds an account, the genuine
// phone (with its lease) and neighbours an attacker might guess.
func startLab(ctx context.Context, dir string, bans provisioning.BanConfig, log *slog.Logger) (*lab, error) {
	ln, err := net.Listen("tcp", serverIP+":0")
	if err != nil {
		return nil, err
	}
	pc, err := net.ListenPacket("udp", serverIP+":0")
	if err != nil {
		ln.Close()
		return nil, err
	}
	l := &lab{baseURL: "http://" + ln.Addr().String(), tftpAddr: pc.LocalAddr().String(), bans: bans,
		served: make(chan error, 2)}
	if err := l.startCore(ctx, dir, log); err != nil {
		ln.Close()
		pc.Close()
		return nil, err
	}
	if err := l.serve(ln, pc, log); err != nil {
		l.close()
		return nil, err
	}
	if err := l.seed(ctx); err != nil {
		l.close()
		return nil, fmt.Errorf("seeding the lab: %w", err)
	}
	return l, nil
}

func (l *lab) startCore(ctx context.Context, dir string, log *slog.Logger) error {
	st, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	reg, err := profile.New("")
	if err != nil {
		st.Close()
		return err
	}
	cfg := provisioning.Config{BaseURL: l.baseURL, Bans: l.bans,
		Checks: provisioning.Checks{UserAgent: true, UAMAC: true, Lease: true}}
	svc, err := provisioning.New(ctx, cfg, st, reg, log)
	if err != nil {
		st.Close()
		return err
	}
	l.st, l.svc = st, svc
	return nil
}

// serve starts both servers; they stop when close cancels their context.
func (l *lab) serve(ln net.Listener, pc net.PacketConn, log *slog.Logger) error {
	hs, err := httpd.New(httpd.Config{Addr: setting.HostPort(ln.Addr().String())}, l.svc, log)
	if err != nil {
		ln.Close()
		pc.Close()
		return err
	}
	ts, err := tftp.New(tftp.Config{Addr: setting.HostPort(pc.LocalAddr().String()), Timeout: time.Second}, l.svc, log)
	if err != nil {
		ln.Close()
		pc.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.stop = cancel
	go func() { l.served <- hs.Serve(ctx, ln) }()
	go func() { l.served <- ts.Serve(ctx, pc) }()
	return nil
}

// neighbours is how many other phones share the genuine phone's OUI
// block, so MAC guesses around it hit known devices too.
const neighbours = 32

func (l *lab) seed(ctx context.Context) error {
	a := provisioning.Account{Name: "office", SIPServer: "sip.example.net", NTPServer: "pool.ntp.org",
		TimeZone: "Europe/Berlin", Language: "en"}
	if _, err := l.svc.AddAccount(ctx, a); err != nil {
		return err
	}
	for i := range neighbours + 1 {
		d := provisioning.Device{MAC: phoneMAC(i), Account: a.Name, Vendor: "yealink", Model: "T46S",
			Lines: []provisioning.Line{{Extension: fmt.Sprint(200 + i), AuthUser: fmt.Sprint(200 + i),
				Password: fmt.Sprintf("Secret-%04d-%x", 200+i, phoneMAC(i)), DisplayName: "Desk"}}}
		if _, err := l.svc.AddDevice(ctx, d); err != nil {
			return err
		}
		l.passwords = append(l.passwords, []byte(d.Lines[0].Password))
	}
	me := phoneMAC(0)
	lease := provisioning.Lease{IP: netip.MustParseAddr(phoneIP), MAC: me, Expires: time.Now().Add(12 * time.Hour)}
	if err := l.svc.CommitLease(ctx, lease); err != nil {
		return err
	}
	l.phone = newPhone(l, me, string(l.passwords[0]))
	return nil
}

// phoneMAC is the i-th phone of the lab: 80:5e:c0:12:34:56 and up.
func phoneMAC(i int) provisioning.MAC {
	n := 0x123456 + i
	return provisioning.MAC{0x80, 0x5e, 0xc0, byte(n >> 16), byte(n >> 8), byte(n)}
}

// close stops the servers, then the core, then the database.
func (l *lab) close() error {
	var errs []error
	if l.stop != nil {
		l.stop()
		errs = append(errs, <-l.served, <-l.served)
	}
	if l.svc != nil {
		errs = append(errs, l.svc.Close(), l.st.Close())
	}
	return errors.Join(errs...)
}
