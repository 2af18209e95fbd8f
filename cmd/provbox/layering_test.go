package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The layering rules of DESIGN.md ("Rules of the house"), checked on the
// import graph `go list -deps` reports (transitive, non-test imports):
//
//   - provisioning and its sub-packages import only the standard library
//     and each other. The exceptions are the packages that exist to hold
//     an outside dependency or OS access for the core, and that the core
//     itself never imports: provisioning/store (the SQLite and PostgreSQL drivers),
//     provisioning/neigh (the kernel's neighbour table, x/sys) and
//     provisioning/provtest (real cores for other packages' tests, which
//     needs a store). A new one is added to coreDrivers with its reason.
//   - The servers never import each other: dhcp/..., tftp/..., the
//     phone-facing httpd (httpd and httpd/... outside httpd/admin and
//     httpd/internal) and the admin packages (httpd/admin/...). Inside a
//     group anything goes (httpd/admin/web uses httpd/admin's operations
//     layer). httpd/internal/... holds helpers the phone-facing server and
//     the admin listener may share; it imports no server.
//   - The daemon binary ships no lab: cmd/provbox links neither the phone
//     emulator (cmd/internal/phone) nor the lab (cmd/internal/lab).

const module = "github.com/provbox/provbox"

// coreDrivers are the provisioning sub-packages allowed outside imports.
var coreDrivers = []string{"provisioning/store", "provisioning/neigh", "provisioning/provtest"}

// serverGroups are the servers that must not import each other; the
// first matching prefix wins, so httpd/admin and httpd/internal come
// before httpd.
var serverGroups = []struct{ name, prefix string }{
	{"shared httpd helpers", "httpd/internal"},
	{"admin", "httpd/admin"},
	{"httpd", "httpd"},
	{"dhcp", "dhcp"},
	{"tftp", "tftp"},
}

// labPackages must not be linked into the daemon.
var labPackages = []string{"cmd/internal/phone", "cmd/internal/lab"}

type listedPackage struct {
	ImportPath string
	Standard   bool
	Deps       []string
}

var (
	listOnce sync.Once
	listed   map[string]*listedPackage
	listErr  error
)

// goList is `go list -deps -json` of the whole module, keyed by import path.
func goList(t *testing.T) map[string]*listedPackage {
	t.Helper()
	listOnce.Do(func() {
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", "-json", module+"/...")
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				err = errors.New(err.Error() + ": " + string(ee.Stderr))
			}
			listErr = err
			return
		}
		listed = map[string]*listedPackage{}
		dec := json.NewDecoder(strings.NewReader(string(out)))
		for {
			var p listedPackage
			if err := dec.Decode(&p); err == io.EOF {
				break
			} else if err != nil {
				listErr = err
				return
			}
			listed[p.ImportPath] = &p
		}
	})
	if listErr != nil {
		t.Fatalf("go list: %v", listErr)
	}
	return listed
}

// rel is p relative to the module ("" if p is outside it).
func rel(p string) string {
	if p == module {
		return "."
	}
	r, ok := strings.CutPrefix(p, module+"/")
	if !ok {
		return ""
	}
	return r
}

// under reports whether the module-relative path r is dir or inside it.
func under(r, dir string) bool { return r == dir || strings.HasPrefix(r, dir+"/") }

func underAny(r string, dirs []string) bool {
	return slices.ContainsFunc(dirs, func(d string) bool { return under(r, d) })
}

// coreViolations lists "pkg imports dep" for every core package with a
// dependency outside the standard library and the core.
func coreViolations(pkgs map[string]*listedPackage) []string {
	var out []string
	for path, p := range pkgs {
		r := rel(path)
		if !under(r, "provisioning") || underAny(r, coreDrivers) {
			continue
		}
		for _, d := range p.Deps {
			dp := pkgs[d]
			if dp != nil && dp.Standard {
				continue
			}
			if dr := rel(d); under(dr, "provisioning") && !underAny(dr, coreDrivers) {
				continue
			}
			out = append(out, r+" imports "+d)
		}
	}
	slices.Sort(out)
	return out
}

// serverGroup is the server r belongs to, or "".
func serverGroup(r string) string {
	for _, g := range serverGroups {
		if under(r, g.prefix) {
			return g.name
		}
	}
	return ""
}

// serverViolations lists every server package that depends on a package
// of another server (or the shared helpers on any server).
func serverViolations(pkgs map[string]*listedPackage) []string {
	var out []string
	for path, p := range pkgs {
		g := serverGroup(rel(path))
		if g == "" {
			continue
		}
		for _, d := range p.Deps {
			dg := serverGroup(rel(d))
			if dg == "" || dg == g || (dg == "shared httpd helpers" && (g == "httpd" || g == "admin")) {
				continue
			}
			out = append(out, rel(path)+" ("+g+") imports "+rel(d)+" ("+dg+")")
		}
	}
	slices.Sort(out)
	return out
}

// labViolations lists the lab packages the daemon links.
func labViolations(pkgs map[string]*listedPackage) []string {
	var out []string
	if p := pkgs[module+"/cmd/provbox"]; p != nil {
		for _, d := range p.Deps {
			if underAny(rel(d), labPackages) {
				out = append(out, "cmd/provbox links "+rel(d))
			}
		}
	}
	return out
}

func TestLayering(t *testing.T) {
	pkgs := goList(t)
	// the rules must have something to judge: a rename that moved every
	// package out of their reach would otherwise pass silently
	for _, dir := range []string{"provisioning", "dhcp", "tftp", "httpd", "httpd/admin", "cmd/provbox"} {
		if pkgs[module+"/"+dir] == nil {
			t.Fatalf("go list has no %s: update the layering rules", dir)
		}
	}
	for _, v := range coreViolations(pkgs) {
		t.Errorf("core outside the standard library: %s", v)
	}
	for _, v := range serverViolations(pkgs) {
		t.Errorf("servers must not import each other: %s", v)
	}
	for _, v := range labViolations(pkgs) {
		t.Errorf("the daemon must not ship the lab: %s", v)
	}
}

// The checks catch what they are for, on a made-up graph.
func TestLayeringRulesCatch(t *testing.T) {
	m := func(r string) string { return module + "/" + r }
	pkgs := map[string]*listedPackage{
		"fmt":                            {ImportPath: "fmt", Standard: true},
		"modernc.org/sqlite":             {ImportPath: "modernc.org/sqlite"},
		m("provisioning"):                {Deps: []string{"fmt", m("provisioning/ban"), "modernc.org/sqlite"}},
		m("provisioning/ban"):            {Deps: []string{"fmt"}},
		m("provisioning/store"):          {Deps: []string{m("provisioning"), "modernc.org/sqlite"}},
		m("provisioning/profile"):        {Deps: []string{m("provisioning/store")}},
		m("dhcp"):                        {Deps: []string{m("provisioning"), m("tftp")}},
		m("tftp"):                        {Deps: []string{m("provisioning")}},
		m("httpd"):                       {Deps: []string{m("httpd/internal/serve"), m("httpd/admin")}},
		m("httpd/internal/serve"):        {Deps: []string{"fmt"}},
		m("httpd/admin"):                 {Deps: []string{m("httpd/internal/serve"), m("provisioning")}},
		m("httpd/admin/web"):             {Deps: []string{m("httpd/admin"), m("httpd")}},
		m("cmd/provbox"):                 {Deps: []string{m("httpd"), m("cmd/internal/lab")}},
		m("cmd/provbox-lab"):             {Deps: []string{m("cmd/internal/lab"), m("cmd/internal/phone")}},
		m("cmd/internal/lab"):            {Deps: []string{m("cmd/internal/phone")}},
		m("cmd/internal/phone/testdata"): {},
	}
	for p, lp := range pkgs {
		lp.ImportPath = p
	}
	check := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got  %q\n want %q", name, got, want)
		}
	}
	check("core", coreViolations(pkgs), []string{
		"provisioning imports modernc.org/sqlite",
		"provisioning/profile imports " + m("provisioning/store"),
	})
	check("servers", serverViolations(pkgs), []string{
		"dhcp (dhcp) imports tftp (tftp)",
		"httpd (httpd) imports httpd/admin (admin)",
		"httpd/admin/web (admin) imports httpd (httpd)",
	})
	check("lab", labViolations(pkgs), []string{"cmd/provbox links cmd/internal/lab"})
}
