package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	pintftp "github.com/pin/tftp/v3"
)

// maxBody bounds what a client reads from one answer.
const maxBody = 1 << 20

// requestTimeout bounds one request of any client.
const requestTimeout = 3 * time.Second

// httpClient returns a client whose connections leave from src, with
// keep-alive as phones and scripts use it, and no redirects followed. It
// holds at most conns connections (MaxConnsPerHost): otherwise net/http
// dials a spare one whenever none is idle at that instant, and beyond
// the server's per-source limit the spare is refused (EOF, reset).
func httpClient(src string, conns int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: requestTimeout}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// httpGet fetches url with the User-Agent ua (none if empty).
func httpGet(ctx context.Context, c *http.Client, url, ua string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	if ua != "" {
		req.Header.Set("User-Agent", ua)
	} else {
		req.Header["User-Agent"] = nil // net/http would send its own
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp.StatusCode, body, err
}

// errTFTPRefused is a TFTP ERROR packet from the server (any refusal).
var errTFTPRefused = errors.New("tftp: refused")

// tftpGet reads name from the server at addr, from the address src.
func tftpGet(addr, src, name string) ([]byte, error) {
	c, err := pintftp.NewClient(addr)
	if err != nil {
		return nil, err
	}
	if err := c.SetLocalAddr(src); err != nil {
		return nil, err
	}
	c.SetTimeout(time.Second)
	c.SetRetries(2)
	wt, err := c.Receive(name, "octet")
	if err != nil {
		if strings.Contains(err.Error(), "code: ") { // the server answered with an ERROR packet
			return nil, fmt.Errorf("%w: %v", errTFTPRefused, err)
		}
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&limitWriter{w: &buf, n: maxBody}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// limitWriter fails once more than n bytes were written.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, errors.New("answer too large")
	}
	l.n -= len(p)
	return l.w.Write(p)
}
