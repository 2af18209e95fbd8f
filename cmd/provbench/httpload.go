package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// httpConn is a minimal HTTP/1.1 client for one phone: one request at a
// time, the answer read by its Content-Length. net/http's client costs
// several times what the servers spend on a request, and the load
// generator shares the cores with the server: the lighter it is, the more
// the table says about the servers.
type httpConn struct {
	b     phoneBinding
	addr  string
	req   []byte
	close bool // one connection per request
	c     net.Conn
	br    *bufio.Reader
	body  []byte
}

func newHTTPConn(b phoneBinding, addr, path, ua string, close bool) *httpConn {
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: " + ua + "\r\nAccept: */*\r\n"
	if close {
		req += "Connection: close\r\n"
	}
	return &httpConn{b: b, addr: addr, req: []byte(req + "\r\n"), close: close}
}

// get makes one request and returns the body (valid until the next get).
func (h *httpConn) get() ([]byte, error) {
	if h.c == nil {
		c, err := h.b.dialer().Dial("tcp4", h.addr)
		if err != nil {
			return nil, err
		}
		h.c = c
		if h.br == nil {
			h.br = bufio.NewReaderSize(c, 4096)
		} else {
			h.br.Reset(c)
		}
	}
	body, keep, err := h.roundTrip()
	if err != nil || h.close || !keep {
		h.c.Close()
		h.c = nil
	}
	return body, err
}

func (h *httpConn) roundTrip() (body []byte, keep bool, err error) {
	if _, err := h.c.Write(h.req); err != nil {
		return nil, false, err
	}
	line, err := h.br.ReadSlice('\n')
	if err != nil {
		return nil, false, fmt.Errorf("status line: %w", err)
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return nil, false, fmt.Errorf("status %q", strings.TrimSpace(string(line)))
	}
	n, keep := -1, true
	for {
		line, err := h.br.ReadSlice('\n')
		if err != nil {
			return nil, false, fmt.Errorf("header: %w", err)
		}
		if len(line) <= 2 {
			break
		}
		k, v, _ := strings.Cut(string(line), ":")
		v = strings.TrimSpace(v)
		switch strings.ToLower(k) {
		case "content-length":
			if n, err = strconv.Atoi(v); err != nil {
				return nil, false, err
			}
		case "connection":
			keep = !strings.EqualFold(v, "close")
		}
	}
	if n < 0 || n > 1<<20 {
		return nil, false, errors.New("no usable Content-Length")
	}
	if cap(h.body) < n {
		h.body = make([]byte, n)
	}
	h.body = h.body[:n]
	if _, err := io.ReadFull(h.br, h.body); err != nil {
		return nil, false, fmt.Errorf("body: %w", err)
	}
	return h.body, keep, nil
}

func (h *httpConn) shut() {
	if h.c != nil {
		h.c.Close()
	}
}
