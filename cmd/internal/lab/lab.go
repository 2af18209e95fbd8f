package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// Options configure one lab run.
type Options struct {
	Provbox string // the provbox binary
	// Emulator is the command line that runs one emulated host (phonesim,
	// or `provbox-lab --emulate`); the lab appends the host's flags.
	Emulator  []string
	Vendors   []string // phones to boot; default every vendor
	Bootstrap string   // [dhcp] bootstrap: "http" (default) or "tftp"
	Sabotage  Sabotage
	Out       io.Writer // the journey tables; nil: none
	Log       *slog.Logger
	Timeout   time.Duration // the whole run; default 5 minutes
}

// device is one device the lab added to the daemon, with the secret the
// attackers must never see.
type device struct {
	Role     string // "phone" or the attacker it is the target of
	Vendor   string
	MAC      net.HardwareAddr
	Ext      string
	Password string
}

// run is the state of one lab run.
type run struct {
	o       Options
	net     *Net
	sn      subnet
	srv     *Host
	d       *daemon
	devices []*device
}

// Run builds the lab, boots every phone and attacker, judges the outcome
// and removes everything. err is for a lab that could not be built or
// run; what phones and attackers did is in the Result, OK when it passed.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	n, err := NewNet()
	if err != nil {
		return nil, err
	}
	defer n.Close()
	dir, err := os.MkdirTemp("", "provbox-lab-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	l := &run{o: o, net: n}
	if err := l.startServer(ctx, dir); err != nil {
		return nil, err
	}
	defer l.d.stop()
	res, err := l.play(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, l.d.tail())
	}
	if o.Out != nil {
		res.Print(o.Out)
	}
	if !res.OK() {
		res.DaemonLog = l.d.tail()
	}
	return res, nil
}

func (o *Options) defaults() error {
	if o.Provbox == "" || len(o.Emulator) == 0 {
		return errors.New("lab: Provbox and Emulator are required")
	}
	if len(o.Vendors) == 0 {
		o.Vendors = phone.Names()
	}
	for _, v := range o.Vendors {
		if _, err := phone.Lookup(v); err != nil {
			return err
		}
	}
	if o.Bootstrap == "" {
		o.Bootstrap = "http"
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

func (l *run) startServer(ctx context.Context, dir string) error {
	var err error
	if l.sn, err = randomSubnet(); err != nil {
		return err
	}
	srv, err := l.net.AddHost("srv", nil)
	if err != nil {
		return err
	}
	if err := srv.AddAddr(l.sn.ip(1) + "/24"); err != nil {
		return err
	}
	l.srv = srv
	if err := l.addULA(); err != nil {
		return err
	}
	cfg, err := writeConfig(dir, l.sn, l.o.Bootstrap, l.o.Sabotage)
	if err != nil {
		return err
	}
	var env []string
	if l.o.Sabotage == NoForgeryGuard {
		env = append(env, "PROVBOX_LAB_BREAK=forged_source")
	}
	l.d, err = startDaemon(ctx, srv, l.o.Provbox, cfg, dir, 30*time.Second, env...)
	return err
}

// play adds the devices, then runs phones and attackers.
func (l *run) play(ctx context.Context) (*Result, error) {
	if err := l.addDevices(ctx); err != nil {
		return nil, err
	}
	res := &Result{Sabotage: l.o.Sabotage}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, d := range l.devices {
		if d.Role != "phone" {
			continue
		}
		wg.Go(func() {
			pr := l.runPhone(ctx, d)
			mu.Lock()
			res.Phones = append(res.Phones, pr)
			mu.Unlock()
		})
	}
	for _, role := range []string{phone.Walker, phone.UAReplay, phone.UAForge, phone.StaticClone, phone.IPThief, phone.IPv6Thief, phone.TFTPHog, phone.ConnHog, phone.RelayForger} {
		wg.Go(func() {
			ar := l.runAttacker(ctx, role, l.targetOf(role), nil)
			mu.Lock()
			res.Attackers = append(res.Attackers, ar)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.sort(l.o.Vendors)
	if err := l.afterLock(ctx, res); err != nil {
		return nil, err
	}
	if err := l.frame(ctx, res); err != nil {
		return nil, err
	}
	if err := l.judge(ctx, res); err != nil {
		return nil, err
	}
	if err := l.funnel(res); err != nil {
		return nil, err
	}
	// After the judge: a rotation changes the secret URLs it checks.
	if err := l.rekeys(ctx, res); err != nil {
		return res, err
	}
	return res, l.adoptFlow(ctx, res) // adopt.go
}

// emulate runs one emulated host in a fresh namespace with mac, then
// unplugs it, and returns its report.
func (l *run) emulate(ctx context.Context, name string, mac net.HardwareAddr, args ...string) (*phone.Report, error) {
	h, err := l.net.AddHost(name, mac)
	if err != nil {
		return nil, err
	}
	defer l.net.RemoveHost(h)
	argv := append(append(append([]string{}, l.o.Emulator[1:]...), "-iface", h.Iface), args...)
	cmd := h.Command(ctx, l.o.Emulator[0], argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var rep phone.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("%s: no report (%v; exit %v): %s", name, err, runErr, bytes.TrimSpace(stderr.Bytes()))
	}
	return &rep, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
