package phone

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Settings are the values a phone took from the config files it read,
// later files overriding earlier ones, as on the phones (values persist
// in flash until overwritten). Keys are normalised by norm.
type Settings struct {
	kv map[string]string
	// Follow are further files the ones read name (Yealink include:config,
	// Poly CONFIG_FILES, Snom setting files), relative or absolute URLs.
	Follow []string
}

func newSettings() Settings { return Settings{kv: map[string]string{}} }

// norm folds the spellings vendors use for one key: case, spaces and
// underscores ("Download Server IP", "Download_Server_IP").
func norm(k string) string {
	return keyFold.Replace(strings.ToLower(strings.TrimSpace(k)))
}

// keyFold is built once: a Replacer per call was a fifth of a storm
// phone's CPU.
var keyFold = strings.NewReplacer(" ", "", "_", "")

func (s Settings) set(k, v string) { s.kv[norm(k)] = v }

// Get returns the first key present.
func (s Settings) Get(keys ...string) (string, bool) {
	for _, k := range keys {
		if v, ok := s.kv[norm(k)]; ok {
			return v, true
		}
	}
	return "", false
}

// Len is the number of values read.
func (s Settings) Len() int { return len(s.kv) }

func (s *Settings) merge(o Settings) {
	if s.kv == nil {
		s.kv = map[string]string{}
	}
	for k, v := range o.kv {
		s.kv[k] = v
	}
	s.Follow = append(s.Follow, o.Follow...)
}

// parseLines reads "key <sep> value" text, skipping blanks and comment
// lines; other lines go to other (which may refuse them).
func parseLines(body []byte, sep string, other func(line string) error) (Settings, error) {
	s := newSettings()
	sc := bufio.NewScanner(bytes.NewReader(body))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, sep)
		if ok && strings.TrimSpace(k) != "" {
			s.set(k, strings.TrimSpace(v))
			continue
		}
		if other == nil {
			continue
		}
		if err := other(line); err != nil {
			return s, fmt.Errorf("line %d: %w", n, err)
		}
	}
	return s, sc.Err()
}

// xmlElem is an element being read.
type xmlElem struct {
	name     string
	attrs    map[string]string
	text     strings.Builder
	hasChild bool
}

// metaAttrs are attributes that qualify an element rather than carry a
// setting of their own.
var metaAttrs = map[string]bool{"idx": true, "index": true, "perm": true, "ua": true, "url": true}

// parseXML flattens any of the vendors' XML dialects: every attribute
// becomes a setting (Poly), every leaf element's text a setting named after
// the element (or its name="" for <item>), qualified ".N" by its own or its
// nearest ancestor's idx/index attribute (Snom, Fanvil). onStart sees every
// element, for dialect-specific references.
func parseXML(body []byte, onStart func(name string, attrs map[string]string)) (Settings, error) {
	s := newSettings()
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []*xmlElem
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, fmt.Errorf("malformed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &xmlElem{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				e.attrs[a.Name.Local] = a.Value
				if !metaAttrs[a.Name.Local] && !(e.name == "item" && a.Name.Local == "name") {
					s.set(a.Name.Local, a.Value)
				}
			}
			if len(stack) > 0 {
				stack[len(stack)-1].hasChild = true
			}
			stack = append(stack, e)
			if onStart != nil {
				onStart(e.name, e.attrs)
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !e.hasChild && len(stack) > 0 {
				s.set(leafKey(e, stack), strings.TrimSpace(e.text.String()))
			}
		}
	}
	if s.Len() == 0 && len(bytes.TrimSpace(body)) > 0 && !bytes.Contains(body, []byte("<")) {
		return s, errors.New("not XML")
	}
	return s, nil
}

func leafKey(e *xmlElem, stack []*xmlElem) string {
	key := e.name
	if n, ok := e.attrs["name"]; ok && e.name == "item" {
		return n
	}
	for i := len(stack); i >= 0; i-- {
		el := e
		if i < len(stack) {
			el = stack[i]
		}
		if idx := firstOf(el.attrs, "idx", "index"); idx != "" {
			return key + "." + idx
		}
	}
	return key
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}
