package httpd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGetKeepAlive measures one GET of a small config over a kept-
// alive loopback connection, the core being a map lookup.
func BenchmarkGetKeepAlive(b *testing.B) {
	core := coreWithFile()
	s, err := New(Config{}, core, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := start(b, s, false)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	url := "http://" + r.addr + "/y000000000028.cfg"
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkServeHTTP is the handler alone on a phone's GET (the core a
// map lookup, no network): what the server adds around the core's
// decision.
func BenchmarkServeHTTP(b *testing.B) { benchServeHTTP(b, coreWithFile()) }

// BenchmarkServeHTTPCachedETag is BenchmarkServeHTTP with the reply
// carrying its ETag, as a cached render's does: no hash per request.
func BenchmarkServeHTTPCachedETag(b *testing.B) {
	core := coreWithFile()
	f := core.files["/y000000000028.cfg"]
	f.ETag = etag(f.Body)
	core.files["/y000000000028.cfg"] = f
	benchServeHTTP(b, core)
}

func benchServeHTTP(b *testing.B, core *fakeCore) {
	s, err := New(Config{}, core, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/y000000000028.cfg", nil)
	r.RemoteAddr = "10.0.0.5:5060"
	r.Header.Set("User-Agent", yealinkUA)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
