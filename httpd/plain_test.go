package httpd

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// TestPlainMatchesServeContent: for a request without preconditions or
// ranges, writePlain's response is http.ServeContent's, byte for byte
// (status, every header, body), for GET and HEAD, with and without a
// modification time.
func TestPlainMatchesServeContent(t *testing.T) {
	body := []byte("#!version:1.0.0.1\naccount.1.enable = 1\n")
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, mod := range []time.Time{{}, time.Unix(0, 0), time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("x", 3600))} {
			r := httptest.NewRequest(method, "/a.cfg", nil)
			r.Header.Set("User-Agent", yealinkUA)
			plain, general := httptest.NewRecorder(), httptest.NewRecorder()
			for _, w := range []*httptest.ResponseRecorder{plain, general} {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("ETag", etag(body))
				w.Header().Set("Cache-Control", "private, no-cache")
			}
			if !writePlain(plain, r, mod, body) {
				t.Fatalf("%s: a plain request was declined", method)
			}
			http.ServeContent(general, r, "", mod, bytes.NewReader(body))
			if plain.Code != general.Code || !reflect.DeepEqual(plain.Header(), general.Header()) ||
				!bytes.Equal(plain.Body.Bytes(), general.Body.Bytes()) {
				t.Errorf("%s, modtime %v:\nplain   %d %v %q\ngeneral %d %v %q", method, mod,
					plain.Code, plain.Header(), plain.Body, general.Code, general.Header(), general.Body)
			}
		}
	}
}

// TestPlainDeclines: any precondition or range goes to ServeContent,
// before anything is written.
func TestPlainDeclines(t *testing.T) {
	for _, h := range conditional {
		r := httptest.NewRequest(http.MethodGet, "/a.cfg", nil)
		r.Header.Set(h, "x")
		w := httptest.NewRecorder()
		if writePlain(w, r, time.Now(), []byte("x")) {
			t.Errorf("%s: answered plainly", h)
		}
		if len(w.Header()) != 0 || w.Body.Len() != 0 {
			t.Errorf("%s: wrote before declining: %v %q", h, w.Header(), w.Body)
		}
	}
}
