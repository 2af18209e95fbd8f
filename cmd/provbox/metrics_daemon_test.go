package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

const metricsTestConfig = loopbackConfig + `[metrics]
listen = "127.0.0.1:0"
`

// TestServeMetrics: with metrics.listen, `provbox serve` exposes what a
// phone's first boot and a scanner did, on its own listener.
func TestServeMetrics(t *testing.T) {
	cfg := newConfig(t, metricsTestConfig)
	td := startDaemon(t, cfg)
	if td.d.metrics == nil || td.d.metrics.addr == nil {
		t.Fatal("the daemon did not bind the metrics listener")
	}
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	mustCLI(t, cfg, "device", "add", "80:5e:c0:11:22:33", "--account", "office", "--vendor", "yealink", "--line", "100:s3cret-line:Front Desk")
	base := fmt.Sprintf("http://127.0.0.1:%d", td.d.ports.http)
	ua := "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"
	code, body := httpGet(t, base+"/805ec0112233.cfg", ua)
	secret := regexp.MustCompile(`/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/`).FindString(body)
	if code != 200 || secret == "" {
		t.Fatalf("bootstrap: %d", code)
	}
	if code, _ := httpGet(t, base+secret+"805ec0112233.cfg", ua); code != 200 {
		t.Fatalf("full config: %d", code)
	}
	if code, _ := httpGet(t, base+"/001565000001.cfg", "curl/8"); code != 404 {
		t.Fatalf("guessed MAC: %d", code)
	}
	lbTFTP(t, td.d.ports.tftp, "127.0.0.1", "805ec0999999.cfg")

	_, text := httpGet(t, "http://"+td.d.metrics.addr.String()+"/metrics", "prometheus")
	for _, want := range []string{
		`provbox_funnel_total{stage="bootstrap",vendor="yealink"} 1`,
		`provbox_funnel_total{stage="redirect",vendor="yealink"} 1`,
		`provbox_funnel_total{stage="config",vendor="yealink"} 1`,
		`provbox_funnel_total{stage="locked",vendor="yealink"} 1`,
		`provbox_refusals_total{proto="http",reason="unknown-mac"} 1`,
		`provbox_refusals_total{proto="tftp",reason="unknown-mac"} 1`,
		`provbox_devices{state="locked"} 1`,
		`provbox_http_request_duration_seconds_count{outcome="ok"} 2`,
		`provbox_tftp_transfer_duration_seconds_count{outcome="not-found"} 1`,
		`provbox_tftp_transfers_in_flight 0`,
		`provbox_build_info{goversion=`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(text, "80:5e:c0") || strings.Contains(text, "805ec0") || strings.Contains(text, secret[1:25]) {
		t.Error("the scrape names the device's MAC or its hash")
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", grepProvbox(text))
	}
	if !strings.Contains(td.log.String(), "metrics listening") {
		t.Error("no log line about the metrics listener")
	}
}

// TestMetricsListenerClash: metrics.listen is checked like the other
// listeners.
func TestMetricsListenerClash(t *testing.T) {
	text := strings.Replace(loopbackConfig, `listen = "127.0.0.1:0"`+"\n[provisioning]", `listen = ":9469"`+"\n[provisioning]", 1) +
		"[metrics]\nlisten = \"127.0.0.1:9469\"\n"
	_, _, err := loadConfig(newConfig(t, text), noEnv)
	if err == nil || !strings.Contains(err.Error(), `metrics.listen: "127.0.0.1:9469" clashes with http.listen = ":9469"`) {
		t.Fatalf("got %v, want the clash with http.listen", err)
	}
	_, _, err = loadConfig(newConfig(t, loopbackConfig+"[metrics]\nlisten = \"localhost:9469\"\n"), noEnv)
	if err == nil || !strings.Contains(err.Error(), `metrics.listen: listen address "localhost:9469": host "localhost" is not an IP address`) {
		t.Fatalf("got %v, want the bad address named", err)
	}
}

func httpGet(t *testing.T, url, ua string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func grepProvbox(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "provbox_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
