package lab

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// envPprofSocket names the unix socket a provbox built with -tags
// provbox_pprof serves net/http/pprof on (cmd/provbox/pprof_lab.go).
const envPprofSocket = "PROVBOX_PPROF_SOCKET"

func (s *storm) pprofSocket() string { return filepath.Join(s.dir, "pprof.sock") }

// stormProfileSeconds covers the goal and a margin for phones that miss it.
func stormProfileSeconds(goal time.Duration) int {
	return int(math.Ceil(goal.Seconds())) + 2
}

// profileDaemon fetches a CPU profile of secs seconds from the daemon into
// s.o.DaemonProfile, then its mutex and block profiles into
// DaemonProfile.mutex and .block, closing started once the request is sent (the
// profile runs from then on).
func (s *storm) profileDaemon(ctx context.Context, secs int, started chan<- struct{}) error {
	once := func() func() {
		done := false
		return func() {
			if !done {
				done = true
				close(started)
			}
		}
	}()
	defer once()
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, "unix", s.pprofSocket())
			if err == nil {
				// The handler starts sampling on the request; a moment for
				// it to arrive before the phones power on.
				time.AfterFunc(50*time.Millisecond, once)
			}
			return c, err
		},
	}}
	err := fetchProfile(ctx, hc, fmt.Sprintf("profile?seconds=%d", secs), s.o.DaemonProfile)
	if err != nil {
		return fmt.Errorf("%w (is provbox built with -tags provbox_pprof?)", err)
	}
	// The contention profiles cover the daemon's life, the storm included.
	for _, name := range []string{"mutex", "block"} {
		if err := fetchProfile(ctx, hc, name, s.o.DaemonProfile+"."+name); err != nil {
			return err
		}
	}
	return nil
}

func fetchProfile(ctx context.Context, hc *http.Client, what, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://pprof/debug/pprof/"+what, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("pprof %s: %s: %s", what, resp.Status, b)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
