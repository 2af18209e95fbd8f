package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/provbox/provbox/httpd/metrics"
	"github.com/provbox/provbox/provisioning"
)

const dashboardFile = "../../packaging/grafana-provbox.json"

// pendingCore stands in for a core that keeps pending phones, so the
// optional gauge is in the scrape.
type pendingCore struct{ *provisioning.Service }

func (pendingCore) PendingCount() int { return 2 }

// metricName finds the series names in a PromQL expression.
var metricName = regexp.MustCompile(`\b(provbox|process|go)_[a-z0-9_]+\b`)

// TestDashboardQueriesExist parses the Grafana dashboard and checks that
// every series its panels query is in a real scrape, so a renamed metric
// cannot leave an empty panel behind.
func TestDashboardQueriesExist(t *testing.T) {
	raw, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	pools := func() []metrics.Pool { return []metrics.Pool{{Subnet: "192.0.2.0/24", Size: 10}} }
	l := newLabCore(t, pools, func(svc *provisioning.Service) metrics.Core { return pendingCore{svc} })
	l.provision(t)
	rawGet(t, l.addr, "/001565aabbcc.cfg", "curl/8") // a refusal and a strike
	_, fams := scrape(t, l.metrics)
	if got := value(fams, "provbox_pending_devices", nil); got != 2 {
		t.Errorf("provbox_pending_devices = %v, want 2 from the core's PendingCount", got)
	}
	n := 0
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q queries nothing", p.Title)
		}
		for _, tg := range p.Targets {
			for _, name := range metricName.FindAllString(tg.Expr, -1) {
				n++
				if !inScrape(fams, name) {
					t.Errorf("panel %q queries %s, which no scrape has", p.Title, name)
				}
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d series queried: the dashboard or the parse is broken", n)
	}
}

// inScrape reports whether name is a family in the scrape, or a
// histogram's _bucket, _sum or _count series.
func inScrape(fams map[string]*dto.MetricFamily, name string) bool {
	if fams[name] != nil {
		return true
	}
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if f := fams[strings.TrimSuffix(name, suf)]; f != nil && strings.HasSuffix(name, suf) && f.GetType() == dto.MetricType_HISTOGRAM {
			return true
		}
	}
	return false
}
