package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Client calls the admin API over the daemon's unix socket.
type Client struct {
	socket string
	hc     *http.Client
}

// Dial returns a client for the daemon listening on socket. It does not
// connect until the first call.
func Dial(socket string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConnsPerHost: 16,
	}
	return &Client{socket: socket, hc: &http.Client{Transport: tr}}
}

// Socket is the path the client dials.
func (c *Client) Socket() string { return c.socket }

// Close releases idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// APIError is an error the daemon answered; Message says what is wrong in
// the core's words.
type APIError struct {
	Code    int
	Message string
}

func (e *APIError) Error() string { return e.Message }

// Is lets callers classify API errors with the core's sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case provisioning.ErrNotFound:
		return e.Code == http.StatusNotFound
	case provisioning.ErrExists:
		return e.Code == http.StatusConflict
	case provisioning.ErrInvalid:
		return e.Code == http.StatusBadRequest
	}
	return false
}

// ErrDaemonDown is returned (wrapped, with the socket path) when nothing
// answers on the socket; the caller knows how the daemon is started and
// adds that advice.
var ErrDaemonDown = errors.New("provbox daemon not running")

func (c *Client) connErr(err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w (no socket at %s)", ErrDaemonDown, c.socket)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w (nothing listens on %s)", ErrDaemonDown, c.socket)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("cannot reach the provbox daemon at %s: permission denied (run as root or as a member of the daemon's group)", c.socket)
	}
	return fmt.Errorf("talking to the provbox daemon at %s: %w", c.socket, err)
}

// do sends in (if not nil) as JSON and decodes the answer into out (if
// not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://provbox"+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.connErr(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return c.apiError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("reading the daemon's answer to %s %s: %w", method, path, err)
	}
	return nil
}

// Status returns the daemon's summary.
func (c *Client) Status(ctx context.Context) (st Status, err error) {
	return st, c.do(ctx, http.MethodGet, "/v1/status", nil, &st)
}

// Reload asks the daemon to re-read its configuration file and waits
// until it serves the new one. A refused file is an *APIError (422)
// whose message names the problem.
func (c *Client) Reload(ctx context.Context) (r Reload, err error) {
	return r, c.do(ctx, http.MethodPost, "/v1/reload", nil, &r)
}

// Accounts lists every account.
func (c *Client) Accounts(ctx context.Context) (as []Account, err error) {
	return as, c.do(ctx, http.MethodGet, "/v1/accounts", nil, &as)
}

// AddAccount creates an account.
func (c *Client) AddAccount(ctx context.Context, in AccountInput) (a Account, err error) {
	return a, c.do(ctx, http.MethodPost, "/v1/accounts", in, &a)
}

// Account returns one account.
func (c *Client) Account(ctx context.Context, name string) (a Account, err error) {
	return a, c.do(ctx, http.MethodGet, "/v1/accounts/"+url.PathEscape(name), nil, &a)
}

// RekeyAccount gives an account a new hash.
func (c *Client) RekeyAccount(ctx context.Context, name string) (a Account, err error) {
	return a, c.do(ctx, http.MethodPost, "/v1/accounts/"+url.PathEscape(name)+"/rekey", nil, &a)
}

// Devices lists every device.
func (c *Client) Devices(ctx context.Context) (ds []DeviceInfo, err error) {
	return ds, c.do(ctx, http.MethodGet, "/v1/devices", nil, &ds)
}

// AddDevice creates a device.
func (c *Client) AddDevice(ctx context.Context, in DeviceInput) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, "/v1/devices", in, &d)
}

// ImportDevices creates all devices or none.
func (c *Client) ImportDevices(ctx context.Context, in []DeviceInput) (ds []DeviceInfo, err error) {
	return ds, c.do(ctx, http.MethodPost, "/v1/devices/import", in, &ds)
}

func devicePath(mac string) string { return "/v1/devices/" + url.PathEscape(mac) }

// Device returns one device.
func (c *Client) Device(ctx context.Context, mac string) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodGet, devicePath(mac), nil, &d)
}

// RemoveDevice deletes a device.
func (c *Client) RemoveDevice(ctx context.Context, mac string) error {
	return c.do(ctx, http.MethodDelete, devicePath(mac), nil, nil)
}

// LockDevice closes a device's initial provisioning.
func (c *Client) LockDevice(ctx context.Context, mac string) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, devicePath(mac)+"/lock", nil, &d)
}

// UnlockDevice opens a device's initial provisioning for dur (0: the
// configured window).
func (c *Client) UnlockDevice(ctx context.Context, mac string, dur time.Duration) (d DeviceInfo, err error) {
	in := UnlockInput{}
	if dur > 0 {
		in.For = dur.String()
	}
	return d, c.do(ctx, http.MethodPost, devicePath(mac)+"/unlock", in, &d)
}

// RekeyDevice gives a device a new hash.
func (c *Client) RekeyDevice(ctx context.Context, mac string) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, devicePath(mac)+"/rekey", nil, &d)
}

// Leases lists the DHCP leases.
func (c *Client) Leases(ctx context.Context) (ls []Lease, err error) {
	return ls, c.do(ctx, http.MethodGet, "/v1/leases", nil, &ls)
}

// Events reads the audit trail, newest first; zero arguments don't
// filter.
func (c *Client) Events(ctx context.Context, mac string, since time.Time, limit int) (es []Event, err error) {
	q := url.Values{}
	if mac != "" {
		q.Set("mac", mac)
	}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339Nano))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return es, c.do(ctx, http.MethodGet, "/v1/events?"+q.Encode(), nil, &es)
}

// Bans lists the bans in force.
func (c *Client) Bans(ctx context.Context) (bs []Ban, err error) {
	return bs, c.do(ctx, http.MethodGet, "/v1/bans", nil, &bs)
}

// AddBan bans an address by hand.
func (c *Client) AddBan(ctx context.Context, in BanInput) (b Ban, err error) {
	return b, c.do(ctx, http.MethodPost, "/v1/bans", in, &b)
}

// Unban lifts the ban of an address.
func (c *Client) Unban(ctx context.Context, ip string) error {
	return c.do(ctx, http.MethodDelete, "/v1/bans/"+url.PathEscape(ip), nil, nil)
}

// apiError reads an error answer.
func (c *Client) apiError(resp *http.Response) error {
	var eb errorBody
	if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || eb.Error == "" {
		eb.Error = resp.Status
	}
	return &APIError{Code: resp.StatusCode, Message: eb.Error}
}

// ExplainFetch asks what a file request would get, and why.
func (c *Client) ExplainFetch(ctx context.Context, q FetchQuery) (ex Explanation, err error) {
	return ex, c.do(ctx, http.MethodPost, "/v1/explain/fetch", q, &ex)
}

// ExplainDHCP asks what a DISCOVER from a client would get.
func (c *Client) ExplainDHCP(ctx context.Context, q DHCPQuery) (ex DHCPExplanation, err error) {
	return ex, c.do(ctx, http.MethodPost, "/v1/explain/dhcp", q, &ex)
}

// Rogues lists the foreign DHCP servers the daemon saw.
func (c *Client) Rogues(ctx context.Context) (rs []RogueServer, err error) {
	return rs, c.do(ctx, http.MethodGet, "/v1/rogues", nil, &rs)
}
