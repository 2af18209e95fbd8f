package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// result is one perfdhcp run.
type result struct {
	offered    int     // DORA/s asked for
	discovers  int     // DISCOVERs sent
	acks       int     // ACKs received
	dora       float64 // completed exchanges per second
	failedPct  float64 // exchanges without an ACK
	doAvg      float64 // ms, DISCOVER to OFFER
	raAvg      float64 // ms, REQUEST to ACK
	raMax      float64 // ms
	incomplete bool    // perfdhcp did not report a REQUEST-ACK block
	cpu        float64 // server CPU seconds (user+system) during the run
	wall       float64 // seconds the run took
}

// cpuPct is the server's CPU use during the run, 100 = one core.
func (r result) cpuPct() float64 {
	if r.wall <= 0 {
		return 0
	}
	return 100 * r.cpu / r.wall
}

// usPerLease is the server's CPU microseconds per completed exchange.
func (r result) usPerLease() float64 {
	if r.acks == 0 {
		return 0
	}
	return 1e6 * r.cpu / float64(r.acks)
}

func (r result) String() string {
	return fmt.Sprintf("%8.0f DORA/s, %6.2f%% failed, avg %.2f+%.2f ms, max ACK %.1f ms, server CPU %.0f%% = %.0f µs/lease",
		r.dora, r.failedPct, r.doAvg, r.raAvg, r.raMax, r.cpuPct(), r.usPerLease())
}

var (
	blockRE = regexp.MustCompile(`\*\*\*Statistics for: (DISCOVER-OFFER|REQUEST-ACK)\*\*\*`)
	fieldRE = regexp.MustCompile(`(?m)^(sent packets|received packets|avg delay|max delay): ([0-9.]+)`)
)

// parsePerfdhcp reads perfdhcp's final report.
func parsePerfdhcp(out string, period int) (result, error) {
	idx := blockRE.FindAllStringSubmatchIndex(out, -1)
	if len(idx) == 0 {
		return result{}, errors.New("no statistics in perfdhcp output")
	}
	var r result
	seenRA := false
	for i, m := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		f := fields(out[m[1]:end])
		if out[m[2]:m[3]] == "DISCOVER-OFFER" {
			r.discovers, r.doAvg = int(f["sent packets"]), f["avg delay"]
		} else {
			seenRA = true
			r.acks, r.raAvg, r.raMax = int(f["received packets"]), f["avg delay"], f["max delay"]
		}
	}
	r.incomplete = !seenRA
	r.dora = float64(r.acks) / float64(period)
	if r.discovers > 0 {
		r.failedPct = 100 * float64(r.discovers-r.acks) / float64(r.discovers)
	}
	return r, nil
}

func fields(block string) map[string]float64 {
	out := map[string]float64{}
	for _, m := range fieldRE.FindAllStringSubmatch(block, -1) {
		if _, dup := out[m[1]]; dup {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		out[m[1]] = v
	}
	return out
}

// printTable prints one row per offered rate with every server's figures,
// the peak DORA/s, the highest rate with under 0.1% failed, and the
// ratios against Kea.
func printTable(w io.Writer, o options, res map[string][]result) {
	fmt.Fprintf(w, "\nperfdhcp as relay, %d s per step, %d client MACs; latency = avg DISCOVER-OFFER + avg REQUEST-ACK\n\n", o.period, o.clients)
	rateTable(w, o, res, []string{"DORA/s", "failed", "latency ms"}, func(r result, _ int) []string {
		return []string{fmt.Sprintf("%.0f", r.dora), fmt.Sprintf("%.2f%%", r.failedPct), fmt.Sprintf("%.2f", r.doAvg+r.raAvg)}
	})
	fmt.Fprintln(w)
	summary(w, o, res)
	fmt.Fprintln(w)
	cpuTable(w, o, res)
}

// cpuTable prints the servers' CPU use per offered rate (user+system of
// the server process over the perfdhcp run, 100% = one core) and CPU per
// completed exchange, with the ratio against Kea at the same rate.
func cpuTable(w io.Writer, o options, res map[string][]result) {
	fmt.Fprintln(w, "server CPU (user+system from /proc/PID/stat over the run; 100% = one core)")
	fmt.Fprintln(w)
	rateTable(w, o, res, []string{"CPU %", "µs/lease", "µs/lease vs kea"}, func(r result, i int) []string {
		var kea float64
		if k, ok := res["kea"]; ok {
			kea = k[i].usPerLease()
		}
		return []string{fmt.Sprintf("%.0f", r.cpuPct()), fmt.Sprintf("%.0f", r.usPerLease()), ratio(r.usPerLease(), kea)}
	})
}

// rateTable prints a Markdown table with a row per offered rate and, per
// server, the columns cols whose cells are cells(its result, rate index).
func rateTable(w io.Writer, o options, res map[string][]result, cols []string, cells func(r result, i int) []string) {
	hdr := []string{"offered/s"}
	for _, t := range o.targets {
		for _, c := range cols {
			hdr = append(hdr, t+" "+c)
		}
	}
	fmt.Fprintln(w, "| "+strings.Join(hdr, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat(" --- |", len(hdr)))
	for i, rate := range o.rates {
		row := []string{strconv.Itoa(rate)}
		for _, t := range o.targets {
			row = append(row, cells(res[t][i], i)...)
		}
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
}

func summary(w io.Writer, o options, res map[string][]result) {
	peak, clean := map[string]float64{}, map[string]float64{}
	for _, t := range o.targets {
		for _, r := range res[t] {
			peak[t] = max(peak[t], r.dora)
			if r.failedPct < 0.1 {
				clean[t] = max(clean[t], r.dora)
			}
		}
	}
	// Five columns: cmd/provbench reads these rows.
	fmt.Fprintln(w, "| server | peak DORA/s | best DORA/s with <0.1% failed | peak vs kea | clean vs kea |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, t := range o.targets {
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %s | %s |\n", t, peak[t], clean[t], ratio(peak[t], peak["kea"]), ratio(clean[t], clean["kea"]))
	}
	if _, ok := peak["kea-mt"]; ok {
		fmt.Fprintln(w, "\nagainst Kea with 2 threads\n\n| server | peak vs kea-mt | clean vs kea-mt |")
		fmt.Fprintln(w, "| --- | --- | --- |")
		for _, t := range o.targets {
			fmt.Fprintf(w, "| %s | %s | %s |\n", t, ratio(peak[t], peak["kea-mt"]), ratio(clean[t], clean["kea-mt"]))
		}
	}
}

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a/b)
}
