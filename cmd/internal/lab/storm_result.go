package lab

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// StormResult is the outcome of a boot storm.
type StormResult struct {
	Phones      int    `json:"phones"`
	Namespaces  int    `json:"namespaces"`
	Bootstrap   string `json:"bootstrap_proto"`
	Provisioned int    `json:"provisioned"`
	// Wall is from power-on until the last phone was provisioned (or, when
	// some failed, until the last one that was).
	Wall time.Duration `json:"wall_ns"`
	Goal time.Duration `json:"goal_ns"`
	// Per provisioned phone, from power-on: the full config read, the
	// DHCP ACK, the last bootstrap answer.
	Done       Percentiles `json:"done"`
	DHCP       Percentiles `json:"dhcp"`
	BootDone   Percentiles `json:"bootstrap"`
	DHCPResent int         `json:"dhcp_resent"`
	// DHCPResentRequest is the REQUESTs among DHCPResent; FirstSent and
	// Offer are when each phone's first DISCOVER left and its OFFER came.
	DHCPResentRequest int         `json:"dhcp_resent_request"`
	FirstSent         Percentiles `json:"dhcp_first_sent"`
	Offer             Percentiles `json:"offer"`
	// Tap sums what the namespaces' DHCP taps did with the replies.
	Tap phone.HubCounts `json:"tap"`
	// FailedBy counts the phones that failed, by the step they stopped
	// at: dhcp, bootstrap, redirect, config, lock, or emulator (no report).
	FailedBy map[string]int `json:"failed_by,omitempty"`
	// Failures are the first few failed phones, with why.
	Failures []string `json:"failures,omitempty"`
	// BannedPhones are phones whose address the daemon banned.
	BannedPhones int `json:"banned_phones"`
	// NeighbourOK counts the provisioned phones the server's neighbour
	// table maps from their leased address to their own MAC; one mapped to
	// another MAC fails as "neighbour" (the lab's phones would not be
	// honest ones).
	NeighbourOK int `json:"neighbour_ok"`
	// Refusals and Strikes are the daemon's counters after the storm
	// (provbox_refusals_total by proto/reason, provbox_strikes_total by
	// reason).
	Refusals map[string]float64 `json:"refusals,omitempty"`
	Strikes  map[string]float64 `json:"strikes,omitempty"`
	// DHCPPackets is provbox_dhcp_packets_total by direction/type, and
	// "shed" provbox_dhcp_shed_total.
	DHCPPackets map[string]float64 `json:"dhcp_packets,omitempty"`
	// LeaseCommits is the daemon's lease group commits (its histograms'
	// counts and sums): how many batches, how large and how long on
	// average, and how long an ACK waited for its lease to be durable.
	LeaseCommits leaseCommits `json:"lease_commits"`
	// Warnings counts the daemon log's WARN and ERROR lines by message.
	Warnings map[string]float64 `json:"warnings,omitempty"`
	// ServerUDPDrops is UDP the server's kernel dropped for a full socket
	// buffer; TapDrops, DHCP replies the phones' taps dropped.
	ServerUDPDrops int `json:"server_udp_drops"`
	TapDrops       int `json:"tap_drops"`
	// DaemonCPU is the CPU the daemon used from power-on until every phone
	// finished; PhonesCPU, the phone emulators' over the same span, and
	// PhonesSetupCPU theirs before it (start, interfaces, taps).
	DaemonCPU      time.Duration `json:"daemon_cpu_ns"`
	PhonesCPU      time.Duration `json:"phones_cpu_ns"`
	PhonesSetupCPU time.Duration `json:"phones_setup_cpu_ns"`
	Notes          []string      `json:"notes,omitempty"`
}

// Percentiles of a set of durations.
type Percentiles struct {
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

func percentiles(d []time.Duration) Percentiles {
	if len(d) == 0 {
		return Percentiles{}
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return Percentiles{P50: at(0.50), P99: at(0.99), Max: d[len(d)-1]}
}

// AllProvisioned reports whether every phone was provisioned and none was
// banned.
func (r *StormResult) AllProvisioned() bool {
	return r.Provisioned == r.Phones && r.BannedPhones == 0
}

// OK is AllProvisioned within the goal.
func (r *StormResult) OK() bool { return r.AllProvisioned() && r.Wall <= r.Goal }

// maxFailures bounds the failed phones the result names.
const maxFailures = 10

func (r *StormResult) fail(step, why string) {
	if r.FailedBy == nil {
		r.FailedBy = map[string]int{}
	}
	r.FailedBy[step]++
	if len(r.Failures) < maxFailures {
		r.Failures = append(r.Failures, step+": "+why)
	}
}

// judge checks each phone's report against the daemon (device state,
// secret URL, lines, bans) and fills in res.
func (s *storm) judge(ctx context.Context, res *StormResult, phones []phone.StormPhone) error {
	var infos []deviceInfo
	if err := s.d.cliJSON(ctx, &infos, "device", "list"); err != nil {
		return err
	}
	byMAC := map[string]deviceInfo{}
	for _, in := range infos {
		byMAC[strings.ToLower(in.MAC)] = in
	}
	var bans []banEntry
	if err := s.d.cliJSON(ctx, &bans, "ban", "list"); err != nil {
		return err
	}
	devs := map[string]*stormDevice{}
	for i := range s.devices {
		devs[s.devices[i].mac] = &s.devices[i]
	}
	arp, err := serverARP(s.srv)
	if err != nil {
		return err
	}
	reported := map[string]bool{}
	var done, dhcp, boot, sent, offer []time.Duration
	for _, p := range phones {
		reported[p.MAC] = true
		res.DHCPResent += p.Resent
		res.DHCPResentRequest += p.ResentRequest
		if p.DHCPSent > 0 {
			sent = append(sent, p.DHCPSent)
		}
		if p.Offer > 0 {
			offer = append(offer, p.Offer)
		}
		if banned(bans, p.IP) {
			res.BannedPhones++
			res.fail("banned", fmt.Sprintf("%s %s at %s", p.Vendor, p.MAC, p.IP))
		}
		if !judgeStormPhone(res, p, devs[p.MAC], byMAC[p.MAC]) {
			continue
		}
		if mac, ok := arp[p.IP]; ok && mac != p.MAC {
			res.fail("neighbour", fmt.Sprintf("%s %s: the server's neighbour table maps %s to %s", p.Vendor, p.MAC, p.IP, mac))
			continue
		} else if ok {
			res.NeighbourOK++
		}
		res.Provisioned++
		res.Wall = max(res.Wall, p.Done)
		done, dhcp, boot = append(done, p.Done), append(dhcp, p.DHCP), append(boot, p.Bootstrap)
	}
	for _, d := range s.devices {
		if !reported[d.mac] {
			res.fail("emulator", d.profile.Name+" "+d.mac+": no report")
		}
	}
	res.Done, res.DHCP, res.BootDone = percentiles(done), percentiles(dhcp), percentiles(boot)
	res.FirstSent, res.Offer = percentiles(sent), percentiles(offer)
	var first []string
	res.Warnings, first = s.daemonWarnings()
	for _, l := range first {
		res.Notes = append(res.Notes, "daemon log: "+l)
	}
	if n, err := udpDrops(s.srv); err == nil {
		res.ServerUDPDrops = n
	} else {
		res.Notes = append(res.Notes, err.Error())
	}
	text, err := (&run{srv: s.srv}).scrape()
	if err != nil {
		res.Notes = append(res.Notes, err.Error())
		return nil
	}
	res.Refusals = sumByLabels(text, "provbox_refusals_total", "proto", "reason")
	res.DHCPPackets = sumByLabels(text, "provbox_dhcp_packets_total", "direction", "type")
	// Shed for overload: the log's warning comes once a minute.
	if n := sumByLabels(text, "provbox_dhcp_shed_total")[""]; n > 0 {
		res.DHCPPackets["shed"] = n
	}
	res.Strikes = sumByLabels(text, "provbox_strikes_total", "reason")
	res.LeaseCommits = scrapeLeaseCommits(text)
	return nil
}

type leaseCommits struct {
	Batches  int           `json:"batches"`
	MeanSize float64       `json:"mean_size"`
	MeanTime time.Duration `json:"mean_batch_ns"`
	MeanWait time.Duration `json:"mean_wait_ns"`
}

func scrapeLeaseCommits(text string) leaseCommits {
	v := func(name string) float64 { return sumByLabels(text, name)[""] }
	n := v("provbox_dhcp_lease_batch_size_count")
	leases := v("provbox_dhcp_lease_commit_seconds_count")
	if n == 0 || leases == 0 {
		return leaseCommits{}
	}
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	return leaseCommits{Batches: int(n), MeanSize: v("provbox_dhcp_lease_batch_size_sum") / n,
		MeanTime: sec(v("provbox_dhcp_lease_batch_seconds_sum") / n), MeanWait: sec(v("provbox_dhcp_lease_commit_seconds_sum") / leases)}
}

// judgeStormPhone reports whether p was provisioned: its journey
// succeeded, it was sent to its device's secret URL and read the lines the
// admin imported there, and the device is locked.
func judgeStormPhone(res *StormResult, p phone.StormPhone, d *stormDevice, info deviceInfo) bool {
	name := p.Vendor + " " + p.MAC
	if p.Step != "" {
		res.fail(p.Step, name+": "+p.Err)
		return false
	}
	if d == nil || info.MAC == "" {
		res.fail("emulator", name+": not a device the lab imported")
		return false
	}
	want, err1 := url.Parse(info.SecretURL)
	got, err2 := url.Parse(p.SecretURL)
	if err1 != nil || err2 != nil || want.Path == "" || !strings.HasPrefix(got.Path, want.Path) {
		res.fail("redirect", name+": redirected to "+phone.Redact(p.SecretURL)+", not its secret URL")
		return false
	}
	if !slices.ContainsFunc(p.Lines, func(l phone.Line) bool { return l.User == d.ext && l.Password == d.pass }) {
		res.fail("config", name+": the full config lacks line "+d.ext+" with its password")
		return false
	}
	if info.State != "locked" {
		res.fail("lock", fmt.Sprintf("%s: device is %q after its full config, want locked", name, info.State))
		return false
	}
	return true
}

func banned(bans []banEntry, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, b := range bans {
		if p, err := netip.ParsePrefix(b.Prefix); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

var metricLine = regexp.MustCompile(`^([a-z_]+)(?:\{([^}]*)\})? (\S+)$`)

// sumByLabels sums metric name's samples by the values of labels, joined
// with "/"; zero sums are left out.
func sumByLabels(text, name string, labels ...string) map[string]float64 {
	out := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		m := metricLine.FindStringSubmatch(line)
		if m == nil || m[1] != name {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil || v == 0 {
			continue
		}
		var key []string
		for _, l := range labels {
			if _, rest, ok := strings.Cut(m[2], l+`="`); ok {
				val, _, _ := strings.Cut(rest, `"`)
				key = append(key, val)
			}
		}
		out[strings.Join(key, "/")] += v
	}
	return out
}

// Print writes the storm's figures.
func (r *StormResult) Print(w io.Writer) {
	sec := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	pct := func(p Percentiles) string {
		return fmt.Sprintf("p50 %s  p99 %s  max %s", sec(p.P50), sec(p.P99), sec(p.Max))
	}
	fmt.Fprintf(w, "boot storm: %d phones in %d namespaces, bootstrap %s\n", r.Phones, r.Namespaces, r.Bootstrap)
	fmt.Fprintf(w, "  provisioned          %d/%d\n", r.Provisioned, r.Phones)
	verdict := "met"
	if r.Wall > r.Goal {
		verdict = "MISSED"
	}
	label := "wall, all phones    "
	if !r.AllProvisioned() {
		label, verdict = "wall, last provisioned", "MISSED: not all provisioned"
	}
	fmt.Fprintf(w, "  %s %s (goal %s: %s)\n", label, sec(r.Wall), sec(r.Goal), verdict)
	fmt.Fprintf(w, "  per phone, config    %s\n", pct(r.Done))
	fmt.Fprintf(w, "  per phone, DHCP ACK  %s\n", pct(r.DHCP))
	fmt.Fprintf(w, "  per phone, bootstrap %s\n", pct(r.BootDone))
	fmt.Fprintf(w, "  per phone, DISCOVER  %s (first sent)\n", pct(r.FirstSent))
	fmt.Fprintf(w, "  per phone, OFFER     %s\n", pct(r.Offer))
	fmt.Fprintf(w, "  DHCP resent          %d (DISCOVER %d, REQUEST %d)\n", r.DHCPResent, r.DHCPResent-r.DHCPResentRequest, r.DHCPResentRequest)
	t := r.Tap
	fmt.Fprintf(w, "  phones' DHCP taps    replies read %d: delivered %d, stray %d, wrong chaddr %d, queue full %d\n", t.Replies, t.Delivered, t.Stray, t.WrongMAC, t.Full)
	fmt.Fprintf(w, "  CPU in the storm     daemon %s, phone emulators %s (+%s set-up)\n", sec(r.DaemonCPU), sec(r.PhonesCPU), sec(r.PhonesSetupCPU))
	fmt.Fprintf(w, "  failed, by step      %s\n", counts(r.FailedBy))
	fmt.Fprintf(w, "  phones banned        %d\n", r.BannedPhones)
	fmt.Fprintf(w, "  server ARP           %d provisioned phones at their own MAC\n", r.NeighbourOK)
	fmt.Fprintf(w, "  daemon refusals      %s\n", countsF(r.Refusals))
	fmt.Fprintf(w, "  daemon strikes       %s\n", countsF(r.Strikes))
	fmt.Fprintf(w, "  daemon DHCP packets  %s\n", countsF(r.DHCPPackets))
	lc := r.LeaseCommits
	fmt.Fprintf(w, "  daemon lease commits %d batches, mean %.1f leases in %.1f ms; an ACK waited %.1f ms on average\n",
		lc.Batches, lc.MeanSize, lc.MeanTime.Seconds()*1000, lc.MeanWait.Seconds()*1000)
	fmt.Fprintf(w, "  daemon warnings      %s\n", countsF(r.Warnings))
	fmt.Fprintf(w, "  UDP dropped          server socket buffers %d, phones' DHCP taps %d\n", r.ServerUDPDrops, r.TapDrops)
	for _, f := range r.Failures {
		fmt.Fprintln(w, "  - "+f)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	switch {
	case r.OK():
		fmt.Fprintln(w, "PASS: every phone provisioned within the goal.")
	case r.AllProvisioned():
		fmt.Fprintln(w, "FAIL: every phone provisioned, but not within the goal.")
	default:
		fmt.Fprintln(w, "FAIL: not every phone was provisioned.")
	}
}

func counts(m map[string]int) string {
	f := map[string]float64{}
	for k, v := range m {
		f[k] = float64(v)
	}
	return countsF(f)
}

func countsF(m map[string]float64) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %g", k, m[k])
	}
	return strings.Join(parts, ", ")
}
