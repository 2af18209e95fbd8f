package profile

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current templates")

// newTestRegistry is the built-in registry with its clock fixed, so the
// time-zone rules in golden files do not move with the calendar.
func newTestRegistry(t testing.TB) *Registry {
	t.Helper()
	r, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	r.now = func() time.Time { return time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) }
	return r
}

// TestGolden renders every sample file of every vendor (redirect and full
// for the device's own files, the answer for common files) and compares
// with testdata/golden/<vendor>/<file>.<kind>: the answer without a UA
// (generation unknown), and for each firmware generation, the answer to
// its first model's UA in <file>.<generation>.<kind>. Every output must also be
// well-formed for its format: XML parses; key=value text has the vendor's
// header and no duplicate keys.
func TestGolden(t *testing.T) {
	r := newTestRegistry(t)
	seen := map[string]bool{}
	for _, p := range r.Profiles() {
		d := SampleData(p.Name)
		for _, f := range p.samples {
			outs := map[string][]byte{}
			switch p.MatchFile(f).Kind {
			case Primary:
				outs["redirect"] = must(t)(r.Redirect(p, f, d))
				outs["full"] = must(t)(r.Full(p, f, d))
				for _, g := range p.Generations() {
					if g.Name == "" || len(g.Models) == 0 || uaBuilders[p.Name] == nil {
						continue
					}
					gd := d
					gd.UserAgent = genUA(p, g, g.Models[0], d.MAC)
					outs[g.Name+".redirect"] = must(t)(r.Redirect(p, f, gd))
					outs[g.Name+".full"] = must(t)(r.Full(p, f, gd))
				}
			case Common:
				outs["common"] = must(t)(r.Common(p, f))
			}
			for kind, body := range outs {
				checkFormat(t, p, f, body)
				golden := filepath.Join("testdata", "golden", p.Name, strings.ReplaceAll(f, "/", "_")+"."+kind)
				seen[golden] = true
				compareGolden(t, golden, body)
			}
		}
	}
	if len(seen) < 2*8 {
		t.Fatalf("only %d golden files", len(seen))
	}
	// No stale golden files: each one is still produced.
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "*"))
	for _, f := range files {
		if !seen[f] {
			t.Errorf("stale golden file %s", f)
		}
	}
}

func must(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./provisioning/profile -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the template output:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// checkFormat parses body with the reader of p's format.
func checkFormat(t *testing.T, p *Profile, f string, body []byte) {
	t.Helper()
	var err error
	switch p.Name {
	case "yealink":
		_, _, err = readKV(body)
	case "fanvil":
		_, err = readFanvil(body)
	case "poly":
		_, err = readAttrs(body) // parses, and no attribute set twice
	case "grandstream":
		_, err = readLeaves(body, "gs_provision", "config") // and no P-value twice
	case "htek":
		_, err = readLeaves(body, "hl_provision", "config")
	case "cisco-spa", "cisco-mpp":
		_, err = readLeaves(body, "flat-profile")
	case "snom":
		_, err = readLeaves(body, "settings", "phone-settings")
	case "gigaset":
		_, err = readGigaset(body)
	case "panasonic":
		_, err = readPanasonic(body)
	default:
		t.Fatalf("no format reader for %s", p.Name)
	}
	if err == nil && p.ContentType == "application/xml" {
		err = walkXML(body, func([]string, xml.StartElement) error { return nil })
	}
	if err != nil {
		t.Errorf("%s %s: %v\n%s", p.Name, f, err, body)
	}
}
