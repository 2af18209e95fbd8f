package phone

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"
)

// connHog opens connHogConns keep-alive connections from its leased
// address, each with one request answered, and leaves them idle; then it
// asks as a bystander from its first -sources address.
func (a *Attacker) connHog(ctx context.Context, r *Attack, p *Profile, l *Lease) error {
	srcs, err := a.addSources(l)
	if err != nil {
		return err
	}
	u, err := url.Parse(a.HTTP)
	if err != nil {
		return err
	}
	host := net.JoinHostPort(u.Hostname(), "80")
	file := commonFile(p, a.MAC)
	ua := p.UA(a.MAC)
	c := a.client(p, ua) // one ordinary request first: the file is public
	c.Get(ctx, a.HTTP+file)
	r.Requests = append(r.Requests, c.Log...)
	conns := a.openIdle(ctx, l.IP, host, file, ua)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	r.Flood = fmt.Sprintf("%d keep-alive connections from one address, left idle: %d answered and held", connHogConns, len(conns))
	a.log().Info("flooded", "flood", r.Flood)
	bystander := srcs[0]
	ok := probe(ctx, func() bool {
		f := bystanderGet(ctx, bystander, a.HTTP+file, ua)
		r.Requests = append(r.Requests, f)
		return f.OK
	})
	if !ok {
		r.Denied = append(r.Denied, fmt.Sprintf("HTTP to a bystander for %v while it held %d idle connections", hogProbeFor, len(conns)))
	}
	return nil
}

// openIdle opens the connections, 50 at a time, and returns those the
// server answered and kept open.
func (a *Attacker) openIdle(ctx context.Context, from net.IP, host, file, ua string) []net.Conn {
	var mu sync.Mutex
	var held []net.Conn
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 2 * time.Second}
	for range connHogConns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := d.DialContext(ctx, "tcp", host)
			if err != nil {
				return
			}
			if !keptAlive(c, host, file, ua) {
				c.Close()
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		})
	}
	wg.Wait()
	return held
}

// keptAlive sends one keep-alive request on c and reports whether an
// answer came without the server closing the connection.
func keptAlive(c net.Conn, host, file, ua string) bool {
	c.SetDeadline(time.Now().Add(3 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := fmt.Fprintf(c, "GET /%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n\r\n", file, host, ua); err != nil {
		return false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	return !resp.Close
}

// bystanderGet fetches rawURL from the address from, on a fresh
// connection.
func bystanderGet(ctx context.Context, from netip.Addr, rawURL, ua string) Fetch {
	f := Fetch{URL: rawURL, UA: ua}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from.AsSlice()}, Timeout: 2 * time.Second}
	hc := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err == nil {
		req.Header.Set("User-Agent", ua)
		var resp *http.Response
		if resp, err = hc.Do(req); err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
			resp.Body.Close()
			f.Status, f.Size = fmt.Sprint(resp.StatusCode), len(b)
			f.OK = resp.StatusCode == http.StatusOK
		}
	}
	if err != nil {
		f.Status = "error: " + err.Error()
	}
	return f
}
