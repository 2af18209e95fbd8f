package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("needs root (creates network namespaces)")
	}
	if err := ensureTools(!o.dhcp); err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	var b bench
	b.o = o
	defer b.close()
	if err := b.setUp(); err != nil {
		return err
	}
	rows, err := b.measureAll(ctx)
	if err != nil {
		return err
	}
	var dhcp *dhcpResult
	if o.dhcp {
		// The HTTP/TFTP servers are stopped first: DHCP gets the cores.
		b.close()
		if dhcp, err = runDHCP(ctx, o); err != nil {
			return fmt.Errorf("dhcp: %w", err)
		}
	}
	printReport(os.Stdout, o, b.files.Size, rows, dhcp)
	return nil
}

// bench is one run's namespaces, servers and state.
type bench struct {
	o        options
	topo     *topo
	dir      string
	provbox  *exec.Cmd
	peers    []*exec.Cmd
	files    phoneFiles
	filesArg string
	closed   bool
}

func (b *bench) setUp() error {
	var err error
	if b.dir, err = os.MkdirTemp("", "provbench"); err != nil {
		return err
	}
	if b.topo, err = newTopo(b.o.phones); err != nil {
		return err
	}
	if err := b.startProvbox(); err != nil {
		return err
	}
	out, err := b.topo.inClient(exe(), "load", "-discover", "-phones", strconv.Itoa(b.o.phones)).Output()
	if err != nil {
		return fmt.Errorf("discovering the phones' files: %v", exitText(err))
	}
	if err := json.Unmarshal(out, &b.files); err != nil {
		return err
	}
	b.filesArg = filepath.Join(b.dir, "files.json")
	if err := os.WriteFile(b.filesArg, out, 0o600); err != nil {
		return err
	}
	return b.startPeers()
}

func (b *bench) startProvbox() error {
	state := filepath.Join(b.dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		return err
	}
	args := []string{"serve", "-dir", state, "-phones", strconv.Itoa(b.o.phones)}
	if b.o.singlePort {
		args = append(args, "-tftp-single-port")
	}
	if b.o.cpuprofile != "" {
		p, err := filepath.Abs(b.o.cpuprofile)
		if err != nil {
			return err
		}
		args = append(args, "-cpuprofile", p)
	}
	if b.o.trace != "" {
		p, err := filepath.Abs(b.o.trace)
		if err != nil {
			return err
		}
		args = append(args, "-trace", p)
	}
	cmd := b.topo.inServer(exe(), args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	b.provbox = cmd
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- true
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			return errors.New("provbox exited before it was ready")
		}
	case <-time.After(60 * time.Second):
		return errors.New("provbox not ready after 60s")
	}
	return nil
}

func (b *bench) startPeers() error {
	root := filepath.Join(b.dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		return err
	}
	if err := peerFiles(root, b.files.Size); err != nil {
		return err
	}
	ng, err := startNginx(b.topo, root, b.dir)
	if err != nil {
		return fmt.Errorf("nginx: %w", err)
	}
	b.peers = append(b.peers, ng)
	dm, err := startDnsmasq(b.topo, root, b.dir)
	if err != nil {
		return fmt.Errorf("dnsmasq: %w", err)
	}
	b.peers = append(b.peers, dm)
	time.Sleep(300 * time.Millisecond) // both bind at once; a failed start shows in the first round
	return nil
}

// close stops every server by PID and removes the namespaces; once.
func (b *bench) close() {
	if b.closed {
		return
	}
	b.closed = true
	for _, p := range b.peers {
		stop(p)
	}
	stop(b.provbox)
	if b.topo != nil {
		b.topo.remove()
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// row is one measure's rounds: results per target, in round order.
type row struct {
	measure string
	prov    []result
	peer    []result
}

// measureAll runs each measure's rounds, alternating which server goes
// first, so drift in the machine's other load falls on both.
func (b *bench) measureAll(ctx context.Context) ([]row, error) {
	var rows []row
	for _, m := range b.o.measures {
		r := row{measure: m}
		for i := range b.o.rounds {
			order := []string{tProvbox, tPeer}
			if i%2 == 1 {
				order = []string{tPeer, tProvbox}
			}
			for _, t := range order {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				res, err := b.load(m, t)
				if err != nil {
					return nil, fmt.Errorf("%s against %s: %w", m, t, err)
				}
				fmt.Fprintf(os.Stderr, "%-15s %-8s round %d: %8.0f/s p99 %v cpu/1000 %v errors %d %s\n", m, t, i+1, res.rate(),
					res.P99.Round(10*time.Microsecond), res.cpuPerK().Round(time.Millisecond), res.Errors, res.FirstEr)
				if t == tProvbox {
					r.prov = append(r.prov, res)
				} else {
					r.peer = append(r.peer, res)
				}
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (b *bench) load(measure, target string) (result, error) {
	server := b.provbox
	if target == tPeer {
		server = b.peers[0] // nginx
		if measure == mTFTPSmall || measure == mTFTPBig {
			server = b.peers[1] // dnsmasq
		}
	}
	cpu0 := cpuOf(server.Process.Pid)
	out, err := b.topo.inClient(exe(), "load", "-measure", measure, "-target", target, "-files", b.filesArg,
		"-phones", strconv.Itoa(b.o.phones), "-duration", b.o.duration.String(), "-rate", strconv.Itoa(b.o.pacedRate)).Output()
	if err != nil {
		return result{}, exitText(err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return r, err
	}
	r.CPU = cpuOf(server.Process.Pid) - cpu0
	return r, nil
}

// exe is this program, for the children.
func exe() string {
	p, err := os.Executable()
	if err != nil {
		return os.Args[0]
	}
	return p
}

func exitText(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, ee.Stderr)
	}
	return err
}
