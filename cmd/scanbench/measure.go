package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// benchOptions size one measurement run.
type benchOptions struct {
	Workers  int // attacker connections / concurrent TFTP requests
	Refusals int // requests per protocol for the refusal rate
	Fetches  int // phone fetches per latency sample
	ScanMax  int // upper bound of the scan running during the second sample
}

// latency summarises a sample of fetch times.
type latency struct {
	N                        int
	Mean, P50, P90, P99, Max time.Duration
}

func summarise(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	at := func(q float64) time.Duration { return ds[min(int(q*float64(len(ds))), len(ds)-1)] }
	return latency{N: len(ds), Mean: sum / time.Duration(len(ds)), P50: at(0.5), P90: at(0.9), P99: at(0.99), Max: ds[len(ds)-1]}
}

func (l latency) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
	return fmt.Sprintf("n=%d mean %v p50 %v p90 %v p99 %v max %v", l.N, r(l.Mean), r(l.P50), r(l.P90), r(l.P99), r(l.Max))
}

// report is one run's numbers.
type report struct {
	Ban          provisioning.Ban
	RefusalsHTTP attackStats // from the banned attacker
	RefusalsTFTP attackStats
	Quiet        latency // the phone alone
	UnderScan    latency // the phone while the banned attacker scans
	Scan         attackStats
}

// sample times n sequential full-config fetches of the phone.
func (p *phone) sample(ctx context.Context, n int) (latency, error) {
	ds := make([]time.Duration, 0, n)
	for range n {
		d, err := p.fetch(ctx)
		if err != nil {
			return latency{}, err
		}
		ds = append(ds, d)
	}
	return summarise(ds), nil
}

// measure provisions the phone, times it alone, gets the attacker
// banned, measures refusals per second for it over HTTP and TFTP, then
// times the phone again while the attacker scans with every worker.
func measure(ctx context.Context, l *lab, o benchOptions) (report, error) {
	var r report
	if err := l.phone.provision(ctx); err != nil {
		return r, fmt.Errorf("the genuine phone: %w", err)
	}
	var err error
	if r.Quiet, err = l.phone.sample(ctx, o.Fetches); err != nil {
		return r, fmt.Errorf("the genuine phone, alone: %w", err)
	}
	if r.Ban, err = l.banAttacker(ctx); err != nil {
		return r, err
	}
	r.RefusalsHTTP = (&attack{l: l, src: attackerIP, kinds: []kind{httpMAC, httpHash}, workers: o.Workers}).run(ctx, o.Refusals)
	r.RefusalsTFTP = (&attack{l: l, src: attackerIP, kinds: []kind{tftpMAC, tftpHash}, workers: o.Workers}).run(ctx, o.Refusals)
	sctx, stop := context.WithCancel(ctx)
	scan := make(chan attackStats, 1)
	go func() {
		scan <- (&attack{l: l, src: attackerIP, kinds: allKinds, workers: o.Workers}).run(sctx, o.ScanMax)
	}()
	r.UnderScan, err = l.phone.sample(ctx, o.Fetches)
	stop()
	r.Scan = <-scan
	if err != nil {
		return r, fmt.Errorf("the genuine phone, under scan: %w", err)
	}
	return r, nil
}

// banAttacker scans from the attacker until it is banned (a bounded
// number of requests) and returns its ban.
func (l *lab) banAttacker(ctx context.Context) (provisioning.Ban, error) {
	a := &attack{l: l, src: attackerIP, kinds: allKinds, workers: 1}
	st := a.run(ctx, 4*max(l.bans.MaxRetry, 15))
	ip := netip.MustParseAddr(attackerIP)
	for _, b := range l.svc.Bans() {
		if b.Prefix.Contains(ip) {
			return b, nil
		}
	}
	return provisioning.Ban{}, fmt.Errorf("attacker not banned after %v", st)
}

func (r report) print(w io.Writer, o benchOptions) {
	b := r.Ban
	fmt.Fprintf(w, "attacker %s banned: reason %s, %d strikes, ban %d for %v\n",
		attackerIP, b.Reason, b.Strikes, b.Count, b.Until.Sub(b.Since).Round(time.Second))
	fmt.Fprintf(w, "refusals for the banned IP, %d workers:\n", o.Workers)
	fmt.Fprintf(w, "  HTTP  %8.0f/s  (%v)\n", r.RefusalsHTTP.perSecond(), r.RefusalsHTTP)
	fmt.Fprintf(w, "  TFTP  %8.0f/s  (%v)\n", r.RefusalsTFTP.perSecond(), r.RefusalsTFTP)
	fmt.Fprintf(w, "genuine phone %s, full config over HTTP:\n", phoneIP)
	fmt.Fprintf(w, "  alone       %v\n", r.Quiet)
	fmt.Fprintf(w, "  under scan  %v\n", r.UnderScan)
	fmt.Fprintf(w, "  the scan meanwhile: %v (%.0f refusals/s)\n", r.Scan, r.Scan.perSecond())
}
