package admin

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// EventSearch are the audit trail's filters and paging for
// SearchEvents; zero values don't filter.
type EventSearch struct {
	MAC, IP, Outcome, Reason string
	Actor                    string // a prefix of who made a change, e.g. "web:" or "cli:alice"
	Since, Until             time.Time
	Limit, Offset            int
	Before                   int64 // an event ID: the events after it in the order shown (the next page)
}

func (s EventSearch) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"mac": s.MAC, "ip": s.IP, "outcome": s.Outcome, "reason": s.Reason, "actor": s.Actor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, t := range map[string]time.Time{"since": s.Since, "until": s.Until} {
		if !t.IsZero() {
			q.Set(k, t.UTC().Format(time.RFC3339Nano))
		}
	}
	for k, n := range map[string]int64{"limit": int64(s.Limit), "offset": int64(s.Offset), "before": s.Before} {
		if n > 0 {
			q.Set(k, strconv.FormatInt(n, 10))
		}
	}
	return q
}

// SearchEvents reads the audit trail s selects, newest first.
func (c *Client) SearchEvents(ctx context.Context, s EventSearch) (es []Event, err error) {
	return es, c.do(ctx, http.MethodGet, "/v1/events?"+s.query().Encode(), nil, &es)
}

// EventsCSV copies the CSV export of the events s selects to w.
func (c *Client) EventsCSV(ctx context.Context, s EventSearch, w io.Writer) error {
	return c.raw(ctx, "/v1/events.csv?"+s.query().Encode(), w)
}

// Pending lists the unknown phones that asked.
func (c *Client) Pending(ctx context.Context) (ps []PendingInfo, err error) {
	return ps, c.do(ctx, http.MethodGet, "/v1/pending", nil, &ps)
}

// Adopt adds the pending phone mac as a device.
func (c *Client) Adopt(ctx context.Context, mac string, in AdoptInput) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, "/v1/pending/"+url.PathEscape(mac)+"/adopt", in, &d)
}

// UpdateAccount changes an account's settings.
func (c *Client) UpdateAccount(ctx context.Context, name string, in AccountEditInput) (a Account, err error) {
	return a, c.do(ctx, http.MethodPatch, "/v1/accounts/"+url.PathEscape(name), in, &a)
}

// RemoveAccount removes an account; force removes its devices too.
func (c *Client) RemoveAccount(ctx context.Context, name string, force bool) (r AccountRemoved, err error) {
	return r, c.do(ctx, http.MethodDelete, "/v1/accounts/"+url.PathEscape(name)+"?force="+strconv.FormatBool(force), nil, &r)
}

// EditDevice changes a device.
func (c *Client) EditDevice(ctx context.Context, mac string, in DeviceEditInput) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPatch, devicePath(mac), in, &d)
}

// ReplaceDevice moves device mac to the phone newMAC.
func (c *Client) ReplaceDevice(ctx context.Context, mac, newMAC string) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, devicePath(mac)+"/replace", ReplaceInput{NewMAC: newMAC}, &d)
}

// Preview is what device mac's phone would get now, passwords masked.
func (c *Client) Preview(ctx context.Context, mac string) (p PreviewInfo, err error) {
	return p, c.do(ctx, http.MethodGet, devicePath(mac)+"/preview", nil, &p)
}

// raw copies a GET's body to w; an error status is an APIError as do's.
func (c *Client) raw(ctx context.Context, path string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://provbox"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.connErr(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return c.apiError(resp)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}
