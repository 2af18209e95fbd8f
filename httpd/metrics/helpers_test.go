package metrics_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/provbox/provbox/httpd/metrics"
)

// serveMetrics serves m on a loopback port until the test ends and
// returns the scrape URL.
func serveMetrics(t testing.TB, m *metrics.Metrics) string {
	t.Helper()
	ln, err := metrics.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("metrics Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + metrics.Path
}

// scrape fetches the exposition as Prometheus would and parses it.
func scrape(t testing.TB, url string) ([]byte, map[string]*dto.MetricFamily) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: status %d, %v", resp.StatusCode, err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, body)
	}
	return body, fams
}

// value is the sample of family name whose labels include want (counter,
// gauge or untyped); -1 if there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
	for _, m := range f.Metric {
		if labelsMatch(m, want) {
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return -1
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, l := range m.Label {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(want)
}

// Patterns a label value must never match: a MAC (any usual notation or
// bare hex), an IPv4 or IPv6 address, a secret-path hash (base64url, 16+).
var forbidden = map[string]*regexp.Regexp{
	"MAC":  regexp.MustCompile(`(?i)([0-9a-f]{2}[:.-]){5}[0-9a-f]{2}|[0-9a-f]{12}|([0-9a-f]{4}\.){2}[0-9a-f]{4}`),
	"IPv4": regexp.MustCompile(`\b\d{1,3}(\.\d{1,3}){3}\b`),
	"IPv6": regexp.MustCompile(`(?i)[0-9a-f]{0,4}::?[0-9a-f]{1,4}:`),
}

// hashRun is a run of base64url characters long enough to be a hash;
// fixed words (too-many-transfers) are lower case without digits.
var hashRun = regexp.MustCompile(`[A-Za-z0-9_-]{16,}`)

func looksLikeHash(s string) bool {
	for _, run := range hashRun.FindAllString(s, -1) {
		if strings.ContainsAny(run, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return true
		}
	}
	return false
}

// checkLabels fails on any label value that looks like a MAC, an
// address or a hash. The subnet label is the one exception, and must be
// a configured prefix with its host bits zero, not a client's address.
func checkLabels(t *testing.T, fams map[string]*dto.MetricFamily) {
	t.Helper()
	n := 0
	for name, f := range fams {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				n++
				if l.GetName() == "subnet" {
					p, err := netip.ParsePrefix(l.GetValue())
					if err != nil || p.Masked() != p {
						t.Errorf("%s{subnet=%q}: not a configured network prefix", name, l.GetValue())
					}
					continue
				}
				if looksLikeHash(l.GetValue()) {
					t.Errorf("%s{%s=%q}: label value looks like a hash", name, l.GetName(), l.GetValue())
				}
				for what, re := range forbidden {
					if re.MatchString(l.GetValue()) {
						t.Errorf("%s{%s=%q}: label value looks like a %s", name, l.GetName(), l.GetValue(), what)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no label at all in the scrape: the check checked nothing")
	}
}

// promtool runs `promtool check metrics` on an exposition when promtool
// is installed (Debian package prometheus).
func promtool(t *testing.T, body []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus): exposition lint skipped")
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// rawGet sends one HTTP/1.1 GET with a User-Agent and returns the status.
func rawGet(t testing.TB, addr, target, ua string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+target, nil)
	req.Header.Set("User-Agent", ua)
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func listenLoopback(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
