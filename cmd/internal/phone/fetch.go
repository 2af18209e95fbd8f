package phone

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pin/tftp/v3"
)

// maxBody bounds what a host reads from one answer.
const maxBody = 1 << 20

// Fetch is one request a host made and how it was answered.
type Fetch struct {
	URL    string `json:"url"`
	UA     string `json:"ua,omitempty"`
	Status string `json:"status"` // "200", "404", "tftp: ...", "error: ..."
	OK     bool   `json:"ok"`
	Size   int    `json:"size"`
	// Body is kept for attackers, so the lab can look for credentials in
	// everything they received.
	Body []byte `json:"body,omitempty"`
	// At is when the answer was complete (the storm's step timings).
	At time.Time `json:"-"`
}

// Answered reports whether the server answered at all (any HTTP status or
// TFTP error packet), as opposed to a timeout or a refused connection.
func (f Fetch) Answered() bool { return !strings.HasPrefix(f.Status, "error: ") }

// Client fetches files over TFTP or HTTP the way one host does.
type Client struct {
	UA         string // HTTP User-Agent; "" sends none
	TFTPSlash  bool   // send TFTP names with a leading "/"
	Timeout    time.Duration
	KeepBodies bool
	// Bind, when set, sends every request from one interface and address
	// (a storm phone among many on one namespace, bind.go).
	Bind *Bind
	Log  []Fetch
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 3 * time.Second
	}
	return c.Timeout
}

// Get fetches rawURL (http, https or tftp) and records it in c.Log. ok is
// false for any refusal or error.
func (c *Client) Get(ctx context.Context, rawURL string) ([]byte, bool) {
	f := Fetch{URL: rawURL}
	var body []byte
	var err error
	u, perr := url.Parse(rawURL)
	switch {
	case perr != nil:
		err = perr
	case u.Scheme == "tftp" && c.Bind != nil:
		body, err = c.Bind.tftpGet(u, c.TFTPSlash, c.timeout())
		f.Status = "ok"
	case u.Scheme == "tftp":
		body, err = c.tftpGet(u)
		f.Status = "ok"
	case u.Scheme == "http" && c.Bind != nil:
		f.UA = c.UA
		body, f.Status, err = c.Bind.httpGet(ctx, u, c.UA, c.timeout())
	case u.Scheme == "http" || u.Scheme == "https":
		f.UA = c.UA
		body, f.Status, err = c.httpGet(ctx, rawURL)
	default:
		err = fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	switch {
	case err != nil && strings.Contains(err.Error(), "code: "):
		f.Status = "tftp: " + err.Error() // the server answered with an ERROR packet
	case err != nil:
		f.Status = "error: " + err.Error()
	}
	f.OK = err == nil && (f.Status == "ok" || f.Status == "200")
	f.Size = len(body)
	if c.KeepBodies {
		f.Body = body
	}
	f.At = time.Now()
	c.Log = append(c.Log, f)
	return body, f.OK
}

func (c *Client) httpGet(ctx context.Context, rawURL string) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", c.UA) // empty: net/http sends none
	hc := &http.Client{
		// Phones do not follow redirects to other hosts; neither do we.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableKeepAlives: true},
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return body, fmt.Sprint(resp.StatusCode), err
}

func (c *Client) tftpGet(u *url.URL) ([]byte, error) {
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "69")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if c.TFTPSlash {
		name = "/" + name
	}
	cl, err := tftp.NewClient(host)
	if err != nil {
		return nil, err
	}
	cl.SetTimeout(c.timeout() / 3)
	cl.SetRetries(3)
	wt, err := cl.Receive(name, "octet")
	if err != nil {
		return nil, fmt.Errorf("tftp %s: %w", name, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&limitWriter{w: &buf, n: maxBody}); err != nil {
		return nil, fmt.Errorf("tftp %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// limitWriter refuses more than n bytes, so a host cannot be flooded.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, fmt.Errorf("answer larger than %d bytes", maxBody)
	}
	l.n -= len(p)
	return l.w.Write(p)
}
