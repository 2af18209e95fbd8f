package lab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// StormOptions configure a boot storm: Phones phones power on at once and
// must all be provisioned (DORA, bootstrap, redirect, full config, lock).
type StormOptions struct {
	Provbox string
	// Emulator runs the phones of one namespace (`provbox-lab
	// --emulate-storm`); the lab appends their flags.
	Emulator     []string
	Phones       int
	PerNamespace int      // phones per namespace; default 250
	Vendors      []string // taken in turn; default every vendor
	Bootstrap    string   // [dhcp] bootstrap: "http" (default) or "tftp"
	Goal         time.Duration
	// RequestTimeout is each phone's wait for one answer (default 3 s,
	// as the lab's other phones).
	RequestTimeout time.Duration
	Out            io.Writer
	Log            *slog.Logger
	Timeout        time.Duration // the whole run; default 5 minutes
	// DaemonProfile, when set, is where the daemon's CPU profile of the
	// storm goes (a provbox built with -tags provbox_pprof, see
	// cmd/provbox/pprof_lab.go); PhoneProfiles, a directory for each
	// storm namespace's own profile.
	DaemonProfile string
	PhoneProfiles string
}

func (o *StormOptions) defaults() error {
	if o.Provbox == "" || len(o.Emulator) == 0 {
		return errors.New("storm: Provbox and Emulator are required")
	}
	if o.Phones < 1 || o.Phones > stormPoolLast-stormPoolFirst {
		return fmt.Errorf("storm: %d phones: want 1 to %d", o.Phones, stormPoolLast-stormPoolFirst)
	}
	if o.PerNamespace <= 0 {
		o.PerNamespace = 250
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
	if o.Goal <= 0 {
		o.Goal = 3 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 3 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// storm is the state of one storm run.
type storm struct {
	o       StormOptions
	net     *Net
	sn      stormNet
	srv     *Host
	d       *daemon
	dir     string
	devices []stormDevice
}

// RunStorm builds the storm's LAN, imports the devices, powers every
// phone on at once, judges and measures, and removes everything. err is
// for a storm that could not be built or run.
func RunStorm(ctx context.Context, o StormOptions) (*StormResult, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	gc, err := raiseNeighGC(o.Phones)
	if err != nil {
		return nil, err
	}
	defer gc.restore()
	n, err := NewNet()
	if err != nil {
		return nil, err
	}
	defer n.Close()
	dir, err := os.MkdirTemp("", "provbox-storm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s := &storm{o: o, net: n, dir: dir}
	if err := s.startServer(ctx); err != nil {
		return nil, err
	}
	defer s.d.stop()
	res, err := s.play(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, s.d.tail())
	}
	if o.Out != nil {
		res.Print(o.Out)
	}
	return res, nil
}

func (s *storm) startServer(ctx context.Context) error {
	var err error
	if s.sn, err = randomStormNet(); err != nil {
		return err
	}
	if s.srv, err = s.net.AddHost("srv", nil); err != nil {
		return err
	}
	if err := s.srv.AddAddr(s.sn.ip(1) + "/20"); err != nil {
		return err
	}
	cfg, err := writeStormConfig(s.dir, s.sn, s.o.Bootstrap, s.o.Phones)
	if err != nil {
		return err
	}
	var env []string
	if s.o.DaemonProfile != "" {
		env = append(env, envPprofSocket+"="+s.pprofSocket())
	}
	s.d, err = startDaemon(ctx, s.srv, s.o.Provbox, cfg, s.dir, 30*time.Second, env...)
	return err
}

// play imports the devices, builds the phones' namespaces, runs the storm
// and judges it.
func (s *storm) play(ctx context.Context) (*StormResult, error) {
	s.devices = stormDevices(s.o.Phones, s.o.Vendors)
	if err := s.importDevices(ctx); err != nil {
		return nil, err
	}
	procs, err := s.startPhones(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, p := range procs {
			p.kill()
		}
	}()
	cpu0, _ := processCPU(s.d.cmd.Process.Pid)
	t0, prof, err := s.powerOn(ctx, procs)
	if err != nil {
		return nil, err
	}
	phones, tap, err := s.collect(procs)
	if err != nil {
		return nil, err
	}
	res := &StormResult{Phones: s.o.Phones, Namespaces: len(procs), Goal: s.o.Goal, Bootstrap: s.o.Bootstrap,
		TapDrops: tap.TapDrops, PhonesCPU: tap.CPU, Tap: tap.Tap}
	if cpu1, err := processCPU(s.d.cmd.Process.Pid); err == nil {
		res.DaemonCPU = cpu1 - cpu0
	}
	for _, p := range procs {
		res.PhonesSetupCPU += p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()
	}
	res.PhonesSetupCPU -= res.PhonesCPU
	if err := s.judge(ctx, res, phones); err != nil {
		return nil, err
	}
	s.o.Log.Info("storm judged", "since power-on", time.Since(t0))
	if prof != nil {
		if err := <-prof; err != nil {
			res.Notes = append(res.Notes, "daemon profile: "+err.Error())
		} else {
			res.Notes = append(res.Notes, "daemon profiles written to "+s.o.DaemonProfile+" (CPU), .mutex, .block")
		}
	}
	return res, nil
}

func (s *storm) importDevices(ctx context.Context) error {
	if _, err := s.d.cli(ctx, "account", "add", account, "--sip-server", "pbx.lab.example"); err != nil {
		return err
	}
	csv := filepath.Join(s.dir, "storm-devices.csv")
	if err := os.WriteFile(csv, []byte(stormCSV(s.devices)), 0o600); err != nil {
		return err
	}
	_, err := s.d.cli(ctx, "device", "import", csv)
	return err
}

// phoneProc is the emulator of one storm namespace.
type phoneProc struct {
	h      *Host
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
}

func (p *phoneProc) kill() {
	if p.cmd.ProcessState == nil && p.cmd.Process != nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
}

// startPhones makes the namespaces, their macvlans and their emulators,
// and waits until every emulator is ready.
func (s *storm) startPhones(ctx context.Context) ([]*phoneProc, error) {
	var procs []*phoneProc
	for k := 0; k*s.o.PerNamespace < len(s.devices); k++ {
		ds := s.devices[k*s.o.PerNamespace : min((k+1)*s.o.PerNamespace, len(s.devices))]
		p, err := s.startNamespace(ctx, k, ds)
		if p != nil {
			procs = append(procs, p)
		}
		if err != nil {
			for _, p := range procs {
				p.kill()
			}
			return nil, err
		}
	}
	for _, p := range procs {
		line, err := p.stdout.ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			return procs, fmt.Errorf("storm phones in %s not ready (%q, %v): %s", p.h.NS, line, err, bytes.TrimSpace(p.stderr.Bytes()))
		}
	}
	return procs, nil
}

func (s *storm) startNamespace(ctx context.Context, k int, ds []stormDevice) (*phoneProc, error) {
	h, err := s.net.AddHost(fmt.Sprintf("st%d", k), nil)
	if err != nil {
		return nil, err
	}
	if err := s.net.plugStormHost(h); err != nil {
		return nil, err
	}
	macs := make([]string, len(ds))
	for i, d := range ds {
		macs[i] = d.mac
	}
	names, err := addMacvlans(h, macs)
	if err != nil {
		return nil, err
	}
	args := append([]string{}, s.o.Emulator[1:]...)
	args = append(args, "-uplink", stormUplink, "-timeout", s.o.RequestTimeout.String())
	if s.o.PhoneProfiles != "" {
		args = append(args, "-cpuprofile", filepath.Join(s.o.PhoneProfiles, fmt.Sprintf("storm-phones-%d.pprof", k)))
	}
	for i, d := range ds {
		args = append(args, "-phone", names[i]+"="+d.profile.Name)
	}
	p := &phoneProc{h: h}
	p.cmd = h.Command(context.WithoutCancel(ctx), s.o.Emulator[0], args...)
	p.cmd.Stderr = &p.stderr
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.stdout = bufio.NewReader(out)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the phones of %s: %w", h.NS, err)
	}
	return p, nil
}

// powerOn tells every emulator to boot its phones now, after starting the
// daemon's profile if one is wanted. t0 is the power-on instant.
func (s *storm) powerOn(ctx context.Context, procs []*phoneProc) (time.Time, chan error, error) {
	var prof chan error
	if s.o.DaemonProfile != "" {
		prof = make(chan error, 1)
		started := make(chan struct{})
		go func() { prof <- s.profileDaemon(ctx, stormProfileSeconds(s.o.Goal), started) }()
		<-started
	}
	t0 := time.Now()
	msg := fmt.Sprintf("go %d\n", t0.UnixNano())
	for _, p := range procs {
		if _, err := io.WriteString(p.stdin, msg); err != nil {
			return t0, prof, fmt.Errorf("powering on %s: %w", p.h.NS, err)
		}
		p.stdin.Close()
	}
	return t0, prof, nil
}

// collect reads every emulator's report and waits for it to exit; sum
// holds the reports' totals (tap drops and counts, CPU), not their phones.
func (s *storm) collect(procs []*phoneProc) (all []phone.StormPhone, sum phone.StormReport, err error) {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() {
			var rep phone.StormReport
			derr := json.NewDecoder(p.stdout).Decode(&rep)
			werr := p.cmd.Wait()
			mu.Lock()
			defer mu.Unlock()
			if derr != nil {
				errs = append(errs, fmt.Errorf("storm phones in %s: no report (%v; exit %v): %s", p.h.NS, derr, werr, bytes.TrimSpace(p.stderr.Bytes())))
				return
			}
			all = append(all, rep.Phones...)
			sum.TapDrops += rep.TapDrops
			sum.CPU += rep.CPU
			sum.Tap.Add(rep.Tap)
		})
	}
	wg.Wait()
	return all, sum, errors.Join(errs...)
}
