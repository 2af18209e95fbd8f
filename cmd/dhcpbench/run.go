package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
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
	for _, tool := range []string{"ip", "perfdhcp"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("needs %s (Debian: iproute2, kea-admin)", tool)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	t, err := newTopo()
	if err != nil {
		return err
	}
	defer t.remove()
	res := map[string][]result{}
	for _, name := range o.targets {
		for i, rate := range o.rates {
			r, err := step(ctx, t, name, rate, o, i)
			if err != nil {
				return fmt.Errorf("%s at %d/s: %w", name, rate, err)
			}
			fmt.Fprintf(os.Stderr, "%-8s offered %6d/s: %s\n", name, rate, r)
			res[name] = append(res[name], r)
		}
	}
	printTable(os.Stdout, o, res)
	return nil
}

// step measures one server at one rate, from fresh state.
func step(ctx context.Context, t *topo, name string, rate int, o options, i int) (result, error) {
	dir, err := os.MkdirTemp("", "dhcpbench-"+name)
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	var extra []string
	if o.profile != "" && strings.HasPrefix(name, "provbox") {
		extra = []string{"-cpuprofile", filepath.Join(o.profile, fmt.Sprintf("%s-%d.pprof", name, rate))}
	}
	cmd, ready, err := servers[name](t, dir, extra...)
	if err != nil {
		return result{}, err
	}
	defer stopServer(cmd)
	if ready != nil {
		select {
		case ok := <-ready:
			if !ok {
				return result{}, errors.New("server exited before it was ready")
			}
		case <-time.After(30 * time.Second):
			return result{}, errors.New("server not ready after 30s")
		}
	}
	if err := probe(ctx, t); err != nil {
		return result{}, err
	}
	// A new MAC range per step, so no step finds leases of the previous one.
	base := fmt.Sprintf("mac=00:0c:%02x:00:00:00", 0x10+i)
	cpu0, cerr := cpuSeconds(cmd.Process.Pid)
	start := time.Now()
	// -W: replies to what was sent before the step ended still count
	// (perfdhcp sends nothing more meanwhile). Without it, every exchange
	// in flight at the end is "failed": rate × latency of them, 0.1 % at
	// 1,000/s for a server that ACKs in 10 ms, whatever its load.
	out, err := t.inClient("perfdhcp", "-4", "-l", clientIP, "-r", strconv.Itoa(rate), "-R", strconv.Itoa(o.clients),
		"-p", strconv.Itoa(o.period), "-W", strconv.Itoa(exitWait), "-b", base, serverIP).CombinedOutput()
	if err != nil && ctx.Err() != nil {
		return result{}, ctx.Err()
	}
	r, perr := parsePerfdhcp(string(out), o.period)
	if perr != nil {
		return result{}, fmt.Errorf("%v (perfdhcp: %v)\n%s", perr, err, out)
	}
	r.offered = rate
	r.wall = time.Since(start).Seconds()
	cpu1, cerr1 := cpuSeconds(cmd.Process.Pid)
	if cerr = errors.Join(cerr, cerr1); cerr != nil {
		return result{}, fmt.Errorf("reading the server's CPU time: %w", cerr)
	}
	r.cpu = cpu1 - cpu0
	return r, nil
}

// probe waits until the server completes exchanges (bounded: 100 tries of
// one second), so its start-up time is not counted as drops.
func probe(ctx context.Context, t *topo) error {
	for range 100 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		out, _ := t.inClient("perfdhcp", "-4", "-l", clientIP, "-r", "20", "-p", "1", "-b", "mac=00:0c:ff:00:00:01", serverIP).CombinedOutput()
		if r, err := parsePerfdhcp(string(out), 1); err == nil && r.acks > 0 {
			return nil
		}
	}
	return errors.New("server never answered the probe")
}

func stopServer(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// exitWait is perfdhcp's -W, in µs: long enough for any server's ACK
// under load (Kea's reach 40 ms), short against a step.
const exitWait = 200000
