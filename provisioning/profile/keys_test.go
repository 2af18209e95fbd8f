package profile

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The key tables: references/<profile>.md lists every key the profile's
// templates write, each with a public source. TestReferenceKeys renders
// every template of every registered profile and generation and checks
// both directions: a key written without a row fails, and so does a row
// whose key is no longer written. A key cannot be added without a source.

// keyRow is one row of a key table.
type keyRow struct {
	template, gen, key, source string
	line                       int
}

// keyTableHeader is the one table header a key table may have.
const keyTableHeader = "| template | key | source |"

// readKeyTable reads references/<name>.md.
func readKeyTable(name string) ([]keyRow, error) {
	path := filepath.Join("references", name+".md")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []keyRow
	sc := bufio.NewScanner(bytes.NewReader(b))
	in, header := false, false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == keyTableHeader:
			if header {
				return nil, fmt.Errorf("%s:%d: a second key table", path, n)
			}
			in, header = true, true
		case in && strings.HasPrefix(line, "| ---"):
		case in && strings.HasPrefix(line, "|"):
			row, err := parseKeyRow(line)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, n, err)
			}
			row.line = n
			rows = append(rows, row)
		default:
			in = false
		}
	}
	if !header {
		return nil, fmt.Errorf("%s: no table with header %q", path, keyTableHeader)
	}
	return rows, sc.Err()
}

func parseKeyRow(line string) (keyRow, error) {
	cells := strings.Split(strings.Trim(line, "|"), " | ")
	if len(cells) != 3 {
		return keyRow{}, fmt.Errorf("want 3 cells separated by \" | \", got %d", len(cells))
	}
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	var r keyRow
	r.template, r.gen, _ = strings.Cut(cells[0], " ")
	switch r.template {
	case "redirect", "full", "common":
	default:
		return r, fmt.Errorf("template %q: want redirect, full or common, optionally with a generation", cells[0])
	}
	k := cells[1]
	if len(k) < 3 || k[0] != '`' || k[len(k)-1] != '`' || strings.Count(k, "`") != 2 {
		return r, fmt.Errorf("key %q: want it in backticks", k)
	}
	// A line index may be written N or as the template's own expression
	// ({{.Index}}, {{$n}}): both read as N.
	r.key, r.source = templateExpr.ReplaceAllString(k[1:len(k)-1], "N"), cells[2]
	if len(r.source) < 12 {
		return r, fmt.Errorf("key %s: source %q names no public reference", r.key, r.source)
	}
	return r, nil
}

// templateExpr is a template action inside a key cell.
var templateExpr = regexp.MustCompile(`\{\{[^}]*\}\}`)

// lineKeyPatterns find the SIP line index inside a key, to write it as
// the tables do ("account.N.password"); the index is replaced only when
// it is the number of a line the test rendered (0-based formats
// included: Gigaset Maxwell's SIP.Account.0).
var lineKeyPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^account\.(\d+)\.`),      // Yealink
	regexp.MustCompile(`^SIP(\d+) `),             // Fanvil
	regexp.MustCompile(`^reg\.(\d+)\.`),          // Poly
	regexp.MustCompile(`^SipAccount\.(\d+)\.`),   // Gigaset Nx70 (zero-padded)
	regexp.MustCompile(`^SIP\.Account\.(\d+)\.`), // Gigaset Maxwell
	regexp.MustCompile(`_(\d+)_$`),               // Cisco
	regexp.MustCompile(`_(\d+)$`),                // KEY_1 text formats
}

func normaliseKey(k string, lines int) string {
	for _, re := range lineKeyPatterns {
		if m := re.FindStringSubmatchIndex(k); m != nil {
			var n int
			if _, err := fmt.Sscanf(k[m[2]:m[3]], "%d", &n); err == nil && n >= 0 && n <= lines {
				return k[:m[2]] + "N" + k[m[3]:]
			}
		}
	}
	return k
}

// keysOf extracts the keys a rendered file sets, by its format: Yealink
// "key = value" text, Fanvil "<<VOIP CONFIG FILE>>" text, other
// "KEY=value"/"KEY: value" text, and XML (Poly attributes; elements
// carrying their key in a name or ID attribute; otherwise leaf element
// names).
func keysOf(p *Profile, body []byte) ([]string, error) {
	t := string(body)
	switch {
	case strings.HasPrefix(t, "<<VOIP CONFIG FILE>>"):
		kv, err := readFanvil(body)
		var ks []string
		for k := range kv {
			_, key, _ := strings.Cut(k, "/")
			ks = append(ks, key)
		}
		return ks, err
	case strings.HasPrefix(strings.TrimSpace(t), "<"):
		if p.Name == "poly" {
			a, err := readAttrs(body)
			var ks []string
			for k := range a {
				if k != "version" && k != "encoding" && k != "standalone" {
					ks = append(ks, k)
				}
			}
			return ks, err
		}
		leaves, _, err := xmlKeys(body)
		return leaves, err
	default:
		return textKeys(body)
	}
}

// textKeys reads "key = value", "KEY=value" or "key: value" lines,
// skipping comments (#, ;) and Yealink includes.
func textKeys(body []byte) ([]string, error) {
	var ks []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || strings.HasPrefix(line, "include:") {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			return nil, fmt.Errorf("not a key line: %q", line)
		}
		ks = append(ks, strings.TrimSpace(line[:i]))
	}
	return ks, sc.Err()
}

// xmlKeys: an element with a name/ID attribute is that key; other
// elements without child elements are keys by their own name (leaves),
// unless they hold children elsewhere (containers, e.g. an empty
// <config/> in a common answer; the caller filters those).
func xmlKeys(body []byte) (leaves, containers []string, err error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var ks []string
	type open struct {
		name     string
		children bool
	}
	var stack []open
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return ks, containers, nil
		} else if err != nil {
			return nil, nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 {
				stack[len(stack)-1].children = true
			}
			name := e.Name.Local
			for _, a := range e.Attr {
				if a.Name.Local == "name" || a.Name.Local == "ID" || a.Name.Local == "id" {
					name = "=" + a.Value
				}
			}
			stack = append(stack, open{name: name})
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if k, ok := strings.CutPrefix(top.name, "="); ok {
				ks = append(ks, k)
			} else if !top.children && len(stack) > 0 {
				ks = append(ks, top.name)
			} else if top.children {
				containers = append(containers, top.name)
			}
		}
	}
}

// keyVariants are data that between them take every branch the
// templates have: summer time or none, every transport, language and NTP
// server or none, as many lines as the profile's blocks (up to 4).
func keyVariants(p *Profile) []Data {
	var out []Data
	for i, v := range []struct{ tz, lang, ntp, transport string }{
		{"Europe/Berlin", "en", "pool.ntp.org", "udp"},
		{"America/New_York", "de", "ntp.example.org", "tls"},
		{"Asia/Tokyo", "", "", "tcp"},
		{"UTC", "it", "pool.ntp.org", "udp"},
	} {
		d := SampleData(p.Name)
		d.TimeZone, d.Language, d.NTPServer, d.SIPTransport = v.tz, v.lang, v.ntp, v.transport
		for n := len(d.Lines) + 1; n <= min(p.maxLines, 4); n++ {
			d.Lines = append(d.Lines, Line{Index: n, Extension: fmt.Sprint(200 + n), Password: fmt.Sprintf("pw-%d-%d", i, n)})
		}
		out = append(out, d)
	}
	return out
}

// writtenKeys renders every template of p for generation g ("" with
// no UA) and returns the keys per template kind.
func writtenKeys(t *testing.T, r *Registry, p *Profile, g Generation) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{"redirect": {}, "full": {}, "common": {}}
	containers := map[string]bool{}
	add := func(kind string, body []byte, lines int) {
		ks, err := keysOf(p, body)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", p.Name, kind, err, body)
		}
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
			_, cs, _ := xmlKeys(body)
			for _, c := range cs {
				containers[c] = true
			}
		}
		for _, k := range ks {
			out[kind][normaliseKey(k, lines)] = true
		}
	}
	defer func() {
		for _, keys := range out {
			for k := range keys {
				if containers[k] {
					delete(keys, k)
				}
			}
		}
	}()
	for _, d := range keyVariants(p) {
		if g.Name != "" && len(g.Models) > 0 {
			d.UserAgent = genUA(p, g, g.Models[0], d.MAC)
		}
		for _, f := range p.samples {
			switch p.MatchFile(f).Kind {
			case Primary:
				add("redirect", must(t)(r.Redirect(p, f, d)), len(d.Lines))
				add("full", must(t)(r.Full(p, f, d)), len(d.Lines))
			case Common:
				add("common", must(t)(r.Common(p, f)), 0)
			}
		}
	}
	return out
}

// listed reports whether key k, written by template kind of generation
// gen, has a row. A key the redirect and the full config share (the
// provisioning partial) may be listed once, under redirect.
func listed(has map[string]bool, kind, gen, k string) bool {
	for _, t := range []string{kind, "redirect"} {
		if has[t+"  "+k] || has[t+" "+gen+" "+k] {
			return true
		}
		if kind != "full" {
			break
		}
	}
	return false
}

func TestReferenceKeys(t *testing.T) {
	r := newTestRegistry(t)
	for _, p := range r.Profiles() {
		rows, err := readKeyTable(p.Name)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		gens := p.Generations()
		known := map[string]bool{}
		for _, g := range gens {
			known[g.Name] = true
		}
		written := map[string]map[string]map[string]bool{} // gen -> kind -> keys
		for _, g := range gens {
			written[g.Name] = writtenKeys(t, r, p, g)
		}
		has := map[string]bool{} // "kind gen key" and "kind  key"
		for _, row := range rows {
			if row.gen != "" && !known[row.gen] {
				t.Errorf("references/%s.md:%d: no generation %q", p.Name, row.line, row.gen)
				continue
			}
			if has[row.template+" "+row.gen+" "+row.key] {
				t.Errorf("references/%s.md:%d: %s %s listed twice", p.Name, row.line, row.template, row.key)
			}
			has[row.template+" "+row.gen+" "+row.key] = true
			for _, g := range gens {
				if (row.gen == "" || row.gen == g.Name) && !written[g.Name][row.template][row.key] {
					t.Errorf("references/%s.md:%d: %s template of generation %q does not write `%s`", p.Name, row.line, row.template, g.Name, row.key)
				}
			}
		}
		// A key every generation writes is listed once, without one.
		var missing []string
		for _, kind := range []string{"redirect", "full", "common"} {
			in := map[string][]string{} // key -> generations writing it unlisted
			for _, g := range gens {
				for k := range written[g.Name][kind] {
					if !listed(has, kind, g.Name, k) {
						in[k] = append(in[k], g.Name)
					}
				}
			}
			for k, gs := range in {
				if len(gs) == len(gens) {
					gs = []string{""}
				}
				for _, g := range gs {
					missing = append(missing, fmt.Sprintf("| %s | `%s` | ? |", strings.TrimSpace(kind+" "+g), k))
				}
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("references/%s.md lacks a sourced row for %d keys its templates write:\n%s", p.Name, len(missing), strings.Join(missing, "\n"))
		}
	}
}
