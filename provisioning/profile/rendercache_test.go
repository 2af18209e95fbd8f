package profile

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// Changing any field of Data, or any field of any line, must make
// sameData false: a render made for other data is never reused.
func TestSameDataSeesEveryField(t *testing.T) {
	base := SampleData("yealink")
	if len(base.Lines) == 0 {
		t.Fatal("sample data has no lines")
	}
	if !sameData(base, base) {
		t.Fatal("data differs from itself")
	}
	dt := reflect.TypeOf(base)
	for i := range dt.NumField() {
		d := base
		d.Lines = append([]Line(nil), base.Lines...)
		f := reflect.ValueOf(&d).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		case reflect.Array:
			f.Index(0).SetUint(f.Index(0).Uint() ^ 1)
		case reflect.Slice:
			d.Lines = append(d.Lines, Line{})
		default:
			t.Fatalf("Data.%s: kind %s not covered by this test", dt.Field(i).Name, f.Kind())
		}
		if sameData(base, d) {
			t.Errorf("a change of Data.%s is not seen", dt.Field(i).Name)
		}
	}
	lt := reflect.TypeOf(Line{})
	for i := range lt.NumField() {
		d := base
		d.Lines = append([]Line(nil), base.Lines...)
		f := reflect.ValueOf(&d.Lines[0]).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		default:
			t.Fatalf("Line.%s: kind %s not covered by this test", lt.Field(i).Name, f.Kind())
		}
		if sameData(base, d) {
			t.Errorf("a change of Line.%s is not seen", lt.Field(i).Name)
		}
	}
}

// A render from the cache is the fresh render, for the same data; new
// data (a changed password) renders afresh; the caller may scribble on
// what it got without changing the next answer.
func TestRenderCache(t *testing.T) {
	r := newTestRegistry(t)
	p, _ := r.Profile("yealink")
	d := SampleData("yealink")
	file := fmt.Sprintf("%x.cfg", d.MAC[:])
	first, err := r.Full(p, file, d)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(first)
	first[0] ^= 0xff
	again, err := r.Full(p, file, d)
	if err != nil || !bytes.Equal(again, want) {
		t.Fatalf("second render differs (%v):\n%s\nwant\n%s", err, again, want)
	}
	d2 := d
	d2.Lines = append([]Line(nil), d.Lines...)
	d2.Lines[0].Password = "n3w-s3cret-pw"
	changed, err := r.Full(p, file, d2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(changed, []byte("n3w-s3cret-pw")) || bytes.Contains(changed, []byte(d.Lines[0].Password)) {
		t.Fatalf("a changed password was not rendered:\n%s", changed)
	}
	d.Lines[0].Password = "n3w-s3cret-pw" // the caller's slice changes under the cache
	if b, _ := r.Full(p, file, d); !bytes.Equal(b, changed) {
		t.Fatalf("render after the caller changed its lines:\n%s", b)
	}
}

// The serving path's renders: the same bytes as Full and Redirect, a
// cached one without a copy (the cache's own bytes), while Full still
// hands out a copy its caller may write into. Each comes with ETag(body),
// fresh or cached, and a render from changed data gets a new tag.
func TestRenderShared(t *testing.T) {
	r := newTestRegistry(t)
	p, _ := r.Profile("yealink")
	d := SampleData("yealink")
	file := fmt.Sprintf("%x.cfg", d.MAC[:])
	for _, c := range []struct {
		name   string
		copied func(*Profile, string, Data) ([]byte, error)
		shared func(*Profile, string, Data) (Render, error)
	}{{"full", r.Full, r.FullShared}, {"redirect", r.Redirect, r.RedirectShared}} {
		first, err1 := c.shared(p, file, d) // fresh: renders and fills the cache
		again, err2 := c.shared(p, file, d) // cached
		third, err3 := c.shared(p, file, d)
		cp, err4 := c.copied(p, file, d)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Body, again.Body) || !bytes.Equal(again.Body, cp) {
			t.Fatalf("%s: shared and copied renders differ", c.name)
		}
		if &again.Body[0] != &third.Body[0] {
			t.Errorf("%s: a cached shared render was copied", c.name)
		}
		if &cp[0] == &again.Body[0] {
			t.Errorf("%s: the copying render handed out the cache's bytes", c.name)
		}
		for _, rd := range []Render{first, again, third} {
			if rd.ETag != ETag(rd.Body) {
				t.Errorf("%s: ETag %s, want ETag(body) %s", c.name, rd.ETag, ETag(rd.Body))
			}
		}
		changed := d
		changed.SIPServer = "sip2.example.net"
		rd, err := c.shared(p, file, changed)
		if err != nil {
			t.Fatal(err)
		}
		if c.name == "full" && bytes.Equal(rd.Body, first.Body) {
			t.Fatalf("%s: a new SIP server did not change the render", c.name)
		}
		if !bytes.Equal(rd.Body, first.Body) && rd.ETag == first.ETag {
			t.Errorf("%s: changed body kept its ETag %s", c.name, rd.ETag)
		}
		if rd.ETag != ETag(rd.Body) {
			t.Errorf("%s: ETag after a change %s, want %s", c.name, rd.ETag, ETag(rd.Body))
		}
	}
}

// TestETagForm: the tag is the first 12 bytes of the body's SHA-256 in
// unpadded URL-safe base64, quoted, as phones and caches have seen it.
func TestETagForm(t *testing.T) {
	for _, body := range []string{"", "x", "#!version:1.0.0.1\naccount.1.enable = 1\n"} {
		sum := sha256.Sum256([]byte(body))
		want := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		if got := ETag([]byte(body)); got != want {
			t.Errorf("ETag(%q) = %s, want %s", body, got, want)
		}
	}
}
