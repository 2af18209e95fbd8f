package httpd

import (
	"io"
	"net/http"
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
