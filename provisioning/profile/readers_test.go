package profile

// Small readers for each vendor format, written from the vendors' file
// formats and independent of the templates, so a template that drifts
// (a renamed key, a lost setting) fails here.

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// readKV reads Yealink's "#!version:1.0.0.1" key = value text: it returns
// the keys and the include:config targets, refusing duplicate keys.
func readKV(b []byte) (map[string]string, []string, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	if !sc.Scan() || sc.Text() != "#!version:1.0.0.1" {
		return nil, nil, fmt.Errorf("first line is not the #!version:1.0.0.1 header")
	}
	kv, inc := map[string]string{}, []string(nil)
	for n := 2; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "include:config "):
			inc = append(inc, strings.Trim(strings.TrimPrefix(line, "include:config "), `"`))
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, nil, fmt.Errorf("line %d: no '=': %q", n, line)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if _, dup := kv[k]; dup {
				return nil, nil, fmt.Errorf("line %d: duplicate key %s", n, k)
			}
			kv[k] = v
		}
	}
	return kv, inc, sc.Err()
}

// readFanvil reads "<<VOIP CONFIG FILE>>" text: keys are "<module>/<key>",
// the key being the text before the first ':' with its padding trimmed.
func readFanvil(b []byte) (map[string]string, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "<<VOIP CONFIG FILE>>Version:") {
		return nil, fmt.Errorf("first line is not the <<VOIP CONFIG FILE>> header")
	}
	kv, module, ended := map[string]string{}, "", false
	for n := 2; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case ended && line != "":
			return nil, fmt.Errorf("line %d: text after <<END OF FILE>>", n)
		case line == "<<END OF FILE>>":
			ended = true
		case line == "":
		case strings.HasPrefix(line, "<") && strings.HasSuffix(line, "MODULE>"):
			module = strings.Trim(line, "<>")
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok || module == "" {
				return nil, fmt.Errorf("line %d: not a key :value line in a module: %q", n, line)
			}
			key := module + "/" + strings.TrimSpace(k)
			if _, dup := kv[key]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %s", n, key)
			}
			kv[key] = v
		}
	}
	if !ended {
		return nil, fmt.Errorf("no <<END OF FILE>>")
	}
	return kv, sc.Err()
}

// readAttrs reads Poly XML: every attribute of every element, refusing
// duplicates across the file (the phone would apply only one).
func readAttrs(b []byte) (map[string]string, error) {
	out := map[string]string{}
	err := walkXML(b, func(path []string, se xml.StartElement) error {
		for _, a := range se.Attr {
			if _, dup := out[a.Name.Local]; dup {
				return fmt.Errorf("duplicate attribute %s", a.Name.Local)
			}
			out[a.Name.Local] = a.Value
		}
		return nil
	})
	return out, err
}

// readLeaves reads the text of the elements under root/parent… (for
// Grandstream/Htek P-values, Cisco flat-profile, Snom phone-settings):
// key is the element name, plus "[idx]" where an idx attribute is set.
func readLeaves(b []byte, path ...string) (map[string]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	out, stack := map[string]string{}, []string{}
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, leafKey(t))
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == len(path)+1 && equalPath(stack[:len(path)], path) {
				k := stack[len(stack)-1]
				if _, dup := out[k]; dup {
					return nil, fmt.Errorf("duplicate element %s", k)
				}
				out[k] = text.String()
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func leafKey(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "idx" {
			return se.Name.Local + "[" + a.Value + "]"
		}
	}
	return se.Name.Local
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// walkXML calls f for every start element; it fails on malformed XML.
func walkXML(b []byte, f func(path []string, se xml.StartElement) error) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var path []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			if err := f(path, t); err != nil {
				return err
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
}
