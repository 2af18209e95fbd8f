package lab

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// metricsAddr is where the lab's daemon serves its metrics: the
// loopback of the server's own namespace, reached from there only.
const metricsAddr = "127.0.0.1:9469"

// funnelStages are provbox_funnel_total's stages, in order.
var funnelStages = []string{"dhcp_offer", "bootstrap", "redirect", "config", "locked"}

// Funnel is provbox_funnel_total as scraped: vendor → stage → count.
type Funnel map[string]map[string]float64

var funnelLine = regexp.MustCompile(`^provbox_funnel_total\{stage="([a-z_]+)",vendor="([^"]+)"\} (\S+)$`)

// scrape fetches the daemon's /metrics from inside the server's
// namespace: the connection is opened there (Host.Do), then used here.
func (l *run) scrape() (string, error) {
	var c net.Conn
	err := l.srv.Do(func() error {
		var err error
		c, err = net.DialTimeout("tcp", metricsAddr, 5*time.Second)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("scraping metrics: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET /metrics HTTP/1.1\r\nHost: "+metricsAddr+"\r\nConnection: close\r\n\r\n"); err != nil {
		return "", fmt.Errorf("scraping metrics: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return "", fmt.Errorf("scraping metrics: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("scraping metrics: status %d, %v", resp.StatusCode, err)
	}
	return string(b), nil
}

func parseFunnel(text string) Funnel {
	f := Funnel{}
	for _, line := range strings.Split(text, "\n") {
		m := funnelLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			continue
		}
		if f[m[2]] == nil {
			f[m[2]] = map[string]float64{}
		}
		f[m[2]][m[1]] = v
	}
	return f
}

// funnel scrapes the metrics after the phones and attackers ran, and
// checks them against what the emulated phones did, per provbox vendor:
// every phone that locked shows as locked, each earlier stage counts at
// least as many (retries, attackers replaying a phone's bootstrap and
// the framer check's unlock and re-provisioning add to them), and no
// lock comes without a full config served. The scrape must name no
// device's MAC and no phone's address.
func (l *run) funnel(res *Result) error {
	text, err := l.scrape()
	if err != nil {
		return err
	}
	res.Funnel = parseFunnel(text)
	if len(res.Funnel) == 0 {
		res.Failures = append(res.Failures, "metrics: no provbox_funnel_total in the scrape")
		return nil
	}
	checks := res.Sabotage == NoSabotage
	for _, v := range res.funnelProblems(checks) {
		res.Failures = append(res.Failures, "metrics: "+v)
	}
	for _, d := range l.devices {
		for _, form := range []string{d.MAC.String(), strings.ReplaceAll(d.MAC.String(), ":", "")} {
			if strings.Contains(strings.ToLower(text), form) {
				res.Failures = append(res.Failures, "metrics: the scrape names the MAC of "+d.String())
			}
		}
	}
	for _, p := range res.Phones {
		if p.Journey != nil && p.Journey.IP != "" && strings.Contains(text, `"`+p.Journey.IP+`"`) {
			res.Failures = append(res.Failures, "metrics: a label carries the address of phone "+p.Vendor)
		}
	}
	return nil
}

// family is the provbox vendor (profile) of a lab phone: the funnel is
// by profile, and two lab phones (firmware generations) may share one.
func family(labPhone string) string {
	if p, err := phone.Lookup(labPhone); err == nil {
		return p.ProvboxVendor()
	}
	return labPhone
}

// funnelProblems compares the funnel with the phones' journeys.
func (r *Result) funnelProblems(strict bool) []string {
	if !strict {
		return nil
	}
	var out []string
	want := map[string][2]float64{} // vendor → phones locked, phones offered an option
	for _, p := range r.Phones {
		fam := family(p.Vendor)
		w := want[fam]
		if p.State == "locked" {
			w[0]++
		}
		if p.Journey != nil && p.Journey.Location.Option != 0 {
			w[1]++
		}
		want[fam] = w
	}
	for vendor, w := range want {
		got := r.Funnel[vendor]
		if got["locked"] < w[0] {
			out = append(out, fmt.Sprintf("%s: %v locked, %v phones locked", vendor, got["locked"], w[0]))
		}
		if got["locked"] > got["config"] {
			out = append(out, fmt.Sprintf("%s: %v locks but %v full configs served", vendor, got["locked"], got["config"]))
		}
		if got["dhcp_offer"] < w[1] {
			out = append(out, fmt.Sprintf("%s: %v DHCP offers with options, %v phones got an option", vendor, got["dhcp_offer"], w[1]))
		}
		if got["bootstrap"] < got["redirect"] {
			out = append(out, fmt.Sprintf("%s: %v bootstrap requests but %v redirects", vendor, got["bootstrap"], got["redirect"]))
		}
		for _, st := range []string{"bootstrap", "redirect", "config"} {
			if got[st] < w[0] {
				out = append(out, fmt.Sprintf("%s: %s %v, fewer than the %v phones locked", vendor, st, got[st], w[0]))
			}
		}
	}
	return out
}

// printFunnel prints the funnel table, vendors in the phones' order.
func (r *Result) printFunnel(w io.Writer) {
	if len(r.Funnel) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNNEL (from /metrics)\tDHCP OFFER\tBOOTSTRAP\tREDIRECT\tCONFIG\tLOCKED")
	seen := map[string]bool{}
	for _, p := range r.Phones {
		fam := family(p.Vendor)
		if seen[fam] {
			continue
		}
		seen[fam] = true
		f := r.Funnel[fam]
		row := fam
		for _, st := range funnelStages {
			row += "\t" + strconv.FormatFloat(f[st], 'f', -1, 64)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
