package profile

import (
	"bytes"
	"embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"
)

//go:embed templates
var builtin embed.FS

// required are the templates every profile must have.
var required = []string{"redirect.tmpl", "full.tmpl", "common.tmpl"}

// builtins lists the built-in profiles in their stable order.
func builtins() []*Profile {
	return []*Profile{yealink(), poly(), grandstream(), ciscoSPA(), ciscoMPP(), snom(), fanvil(), htek(),
		gigaset(), panasonic()}
}

// Registry holds the profiles and their parsed templates. It is
// immutable after New and safe for concurrent use.
type Registry struct {
	profiles []*Profile
	sets     map[string]*vendorSet
	now      func() time.Time // its year picks the time-zone rules
	renders  renderCache
}

// vendorSet is one profile's templates: all of its files parsed into one
// set (so they may share {{define}} blocks), each under its source path
// so errors name the file.
type vendorSet struct {
	set   *template.Template
	names map[string]string // "full.tmpl" -> source path
}

// New loads the embedded templates, then any overrides in overrideDir
// ("" for none): <overrideDir>/<vendor>/<name>.tmpl replaces the built-in
// file of that name. A broken override, or a file that matches no
// built-in, is an error naming its file (and line, where there is one).
// Every template is rendered once against sample data, so a reference to
// a missing field fails here, not in front of a phone.
func New(overrideDir string) (*Registry, error) {
	r := &Registry{profiles: builtins(), sets: map[string]*vendorSet{}, now: time.Now}
	over, err := readOverrides(overrideDir, r.profiles)
	if err != nil {
		return nil, err
	}
	for _, p := range r.profiles {
		vs, err := loadSet(p, over[p.Name])
		if err != nil {
			return nil, err
		}
		r.sets[p.Name] = vs
		if err := r.selfTest(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// source is one template file's text and where it came from.
type source struct{ path, text string }

// readOverrides reads <dir>/<vendor>/*.tmpl, refusing unknown vendors and
// names so a typo does not pass silently.
func readOverrides(dir string, profiles []*Profile) (map[string]map[string]source, error) {
	out := map[string]map[string]source{}
	if dir == "" {
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("template overrides: %w", err)
	}
	known := map[string]bool{}
	for _, p := range profiles {
		known[p.Name] = true
	}
	for _, e := range entries {
		vdir := filepath.Join(dir, e.Name())
		if !e.IsDir() || !known[e.Name()] {
			return nil, fmt.Errorf("template override %s: not a vendor directory (want one of %s)", vdir, strings.Join(names(profiles), ", "))
		}
		files, err := readVendorDir(vdir, e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = files
	}
	return out, nil
}

func readVendorDir(vdir, vendor string) (map[string]source, error) {
	entries, err := os.ReadDir(vdir)
	if err != nil {
		return nil, fmt.Errorf("template overrides: %w", err)
	}
	files := map[string]source{}
	for _, e := range entries {
		p := filepath.Join(vdir, e.Name())
		if _, err := fs.Stat(builtin, path.Join("templates", vendor, e.Name())); err != nil || e.IsDir() {
			return nil, fmt.Errorf("template override %s: no built-in template of that name for %s", p, vendor)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("template override: %w", err)
		}
		files[e.Name()] = source{p, string(b)}
	}
	return files, nil
}

func names(ps []*Profile) []string {
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	return n
}

// loadSet parses a profile's built-in files, each replaced by its
// override where there is one.
func loadSet(p *Profile, over map[string]source) (*vendorSet, error) {
	dir := path.Join("templates", p.Name)
	entries, err := fs.ReadDir(builtin, dir)
	if err != nil {
		return nil, fmt.Errorf("vendor %s: no built-in templates: %w", p.Name, err)
	}
	vs := &vendorSet{set: template.New(p.Name).Funcs(funcs).Option("missingkey=error"), names: map[string]string{}}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		src, ok := over[e.Name()]
		if !ok {
			b, err := fs.ReadFile(builtin, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			src = source{path.Join(dir, e.Name()), string(b)}
		}
		if _, err := vs.set.New(src.path).Parse(src.text); err != nil {
			return nil, fmt.Errorf("vendor %s: %w", p.Name, err)
		}
		vs.names[e.Name()] = src.path
	}
	for _, n := range required {
		if _, ok := vs.names[n]; !ok {
			return nil, fmt.Errorf("vendor %s: built-in template %s missing", p.Name, n)
		}
	}
	return vs, nil
}

// selfTest renders every template against sample data for each sample
// file, and checks that XML output parses.
func (r *Registry) selfTest(p *Profile) error {
	d := SampleData(p.Name)
	for _, f := range p.samples {
		var tmpls []string
		switch p.MatchFile(f).Kind {
		case Primary:
			tmpls = []string{"redirect.tmpl", "full.tmpl"}
		case Common:
			tmpls = []string{"common.tmpl"}
		case Declined:
			continue
		default:
			return fmt.Errorf("vendor %s: sample file %s matches nothing", p.Name, f)
		}
		for _, tm := range tmpls {
			out, err := r.sample(p, tm, f, d)
			if err != nil {
				return err
			}
			if p.ContentType != "application/xml" {
				continue
			}
			if err := wellFormed(out); err != nil {
				return fmt.Errorf("vendor %s: %s renders broken XML for %s: %w", p.Name, r.sets[p.Name].names[tm], f, err)
			}
		}
	}
	return nil
}

func (r *Registry) sample(p *Profile, tmpl, file string, d Data) ([]byte, error) {
	if tmpl == "common.tmpl" {
		return r.Common(p, file)
	}
	return r.render(p, tmpl, file, d)
}

// wellFormed reports the first XML syntax error in b.
func wellFormed(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// Profile returns a profile by name.
func (r *Registry) Profile(name string) (*Profile, bool) {
	for _, p := range r.profiles {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// Profiles lists every profile in a stable order.
func (r *Registry) Profiles() []*Profile { return r.profiles }

// Redirect renders the redirect config answered at bootstrap for file, a
// Primary file of p. It carries the secret URL and no credentials.
func (r *Registry) Redirect(p *Profile, file string, d Data) ([]byte, error) {
	return r.render(p, "redirect.tmpl", file, d)
}

// Full renders the full config answered at the secret URL for file, a
// Primary file of p.
func (r *Registry) Full(p *Profile, file string, d Data) ([]byte, error) {
	return r.render(p, "full.tmpl", file, d)
}

// Render is a config for the serving path: Body may be the render
// cache's own bytes and must never be written to; ETag is ETag(Body),
// computed once per render rather than once per request.
type Render struct {
	Body []byte
	ETag string
}

// RedirectShared and FullShared are Redirect and Full for the serving
// path, which only sends the body: a cached render comes back without the
// copy, with the ETag kept beside it. The copy was a third of the bytes a
// served config allocated; hashing the body, ~3 % of a request's CPU.
func (r *Registry) RedirectShared(p *Profile, file string, d Data) (Render, error) {
	return r.renderShared(p, "redirect.tmpl", file, d)
}

// FullShared: see RedirectShared.
func (r *Registry) FullShared(p *Profile, file string, d Data) (Render, error) {
	return r.renderShared(p, "full.tmpl", file, d)
}

// Common renders the harmless answer for a Common file of p: it carries
// neither credentials nor any URL.
func (r *Registry) Common(p *Profile, file string) ([]byte, error) {
	if p.MatchFile(file).Kind != Common {
		return nil, fmt.Errorf("vendor %s: %q is not a common file", p.Name, file)
	}
	return r.execute(p, "common.tmpl", view{File: file})
}

// ErrNotPrimary is returned for a redirect or full config asked for a file
// that is not the device's own.
var ErrNotPrimary = errors.New("not a device's own file")

// ErrWrongMAC is returned when a file name carries another device's MAC:
// one device's config is never rendered under another's name.
var ErrWrongMAC = errors.New("file name carries another MAC")

func (r *Registry) render(p *Profile, tmpl, file string, d Data) ([]byte, error) {
	rd, err := r.renderShared(p, tmpl, file, d)
	if err != nil {
		return nil, err
	}
	return slices.Clone(rd.Body), nil // callers may write into it
}

// renderShared is render without the copy: a cached body is the cache's.
func (r *Registry) renderShared(p *Profile, tmpl, file string, d Data) (Render, error) {
	year := r.now().Year()
	k := renderKey{p: p, tmpl: tmpl, file: file, mac: d.MAC}
	if b, tag, ok := r.renders.get(k, year, d); ok {
		return Render{Body: b, ETag: tag}, nil
	}
	b, err := r.renderFresh(p, tmpl, file, d, year)
	if err != nil {
		return Render{}, err
	}
	return Render{Body: b, ETag: r.renders.put(k, year, d, b)}, nil
}

func (r *Registry) renderFresh(p *Profile, tmpl, file string, d Data, year int) ([]byte, error) {
	m := p.MatchFile(file)
	if m.Kind != Primary {
		return nil, fmt.Errorf("vendor %s: %q: %w", p.Name, file, ErrNotPrimary)
	}
	if m.HasMAC && m.MAC != d.MAC {
		return nil, fmt.Errorf("vendor %s: %q: %w", p.Name, file, ErrWrongMAC)
	}
	if err := p.Validate(d); err != nil {
		return nil, fmt.Errorf("vendor %s: %w", p.Name, err)
	}
	v, err := newView(p, file, d, year)
	if err != nil {
		return nil, fmt.Errorf("vendor %s: %w", p.Name, err)
	}
	return r.execute(p, tmpl, v)
}

func (r *Registry) execute(p *Profile, tmpl string, v view) ([]byte, error) {
	vs, ok := r.sets[p.Name]
	if !ok {
		return nil, fmt.Errorf("vendor %s: not in this registry", p.Name)
	}
	var b bytes.Buffer
	if err := vs.set.ExecuteTemplate(&b, vs.names[tmpl], v); err != nil {
		return nil, fmt.Errorf("vendor %s: %w", p.Name, err)
	}
	return b.Bytes(), nil
}
