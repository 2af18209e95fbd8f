package web_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd"
)

// yealinkUA is a Yealink T54W's User-Agent, MAC included as the phone
// sends it.
const yealinkUA = "Yealink SIP-T54W 96.86.0.100 80:5e:c0:aa:bb:cc"

// bootstrap sends GET path with ua to the core's phone-facing HTTP
// server (started on loopback on first use), as a booting phone does,
// and answers the status.
func (e *env) bootstrap(t *testing.T, path, ua string) int {
	t.Helper()
	if e.phoneBase == "" {
		srv, err := httpd.New(httpd.Config{}, e.svc, nil)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		t.Cleanup(func() { cancel(); <-done })
		e.phoneBase = "http://" + ln.Addr().String()
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.phoneBase+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
