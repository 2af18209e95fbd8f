package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The measures, each run against provbox and against its peer.
const (
	mHTTPKeep  = "http-keepalive"
	mHTTPPaced = "http-paced"
	mHTTPClose = "http-close"
	mTFTPSmall = "tftp-small"
	mTFTPBig   = "tftp-big"
)

var allMeasures = []string{mHTTPKeep, mHTTPPaced, mHTTPClose, mTFTPSmall, mTFTPBig}

// target is who a load runs against.
const (
	tProvbox = "provbox"
	tPeer    = "peer"
)

// result is one load run, as the load child prints it (JSON).
type result struct {
	OK      int           `json:"ok"`
	Errors  int           `json:"errors"`
	FirstEr string        `json:"first_error,omitempty"`
	Elapsed time.Duration `json:"elapsed"`
	P50     time.Duration `json:"p50"`
	P99     time.Duration `json:"p99"`
	Bytes   int64         `json:"bytes"`
	CPU     time.Duration `json:"cpu"` // the server's, measured by the parent
}

// cpuPerK is the server's CPU time per 1,000 answers.
func (r result) cpuPerK() time.Duration {
	if r.OK == 0 {
		return 0
	}
	return r.CPU * 1000 / time.Duration(r.OK)
}

func (r result) rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// phoneFiles is what provbox serves each phone, learned once by
// bootstrapping: the secret path of its full config, and the config's
// size.
type phoneFiles struct {
	Paths []string `json:"paths"` // /<account_hash>/<device_hash>/<mac>.cfg
	Size  int      `json:"size"`
}

// ua is the i-th phone's User-Agent, as a Yealink T46S sends it.
func ua(i int) string { return "Yealink SIP-T46S 66.86.0.15 " + phoneMAC(i).String() }

var secretRE = regexp.MustCompile(`http://` + regexp.QuoteMeta(serverIP) + `(/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/)`)

// discover does what each phone does on first boot: it asks for its
// file, takes the secret URL from the redirect config and fetches its
// full config there once (which locks the device to it).
func discover(phones int) (phoneFiles, error) {
	var pf phoneFiles
	addr := net.JoinHostPort(serverIP, fmt.Sprint(httpPort))
	for i := range phones {
		file := phoneMAC(i).Hex() + ".cfg"
		h := newHTTPConn(bindingOf(i), addr, "/"+file, ua(i), true)
		body, err := h.get()
		if err != nil {
			return pf, fmt.Errorf("phone %d bootstrap: %w", i, err)
		}
		m := secretRE.FindSubmatch(body)
		if m == nil {
			return pf, fmt.Errorf("phone %d: no secret URL in the redirect config:\n%s", i, body)
		}
		path := string(m[1]) + file
		h = newHTTPConn(bindingOf(i), addr, path, ua(i), true)
		if body, err = h.get(); err != nil {
			return pf, fmt.Errorf("phone %d full config: %w", i, err)
		}
		if !bytes.Contains(body, []byte(phonePassword(i))) {
			return pf, fmt.Errorf("phone %d: full config without its password", i)
		}
		pf.Paths = append(pf.Paths, path)
		pf.Size = len(body)
	}
	return pf, nil
}

// loadMain is the load child, run in the client namespace: "load
// -discover" prints phoneFiles; "load -measure M -target T" runs one
// load and prints its result.
func loadMain(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	phones := fs.Int("phones", 50, "concurrent clients, one per phone")
	disc := fs.Bool("discover", false, "bootstrap every phone and print its paths")
	measure := fs.String("measure", "", "what to load: "+strings.Join(allMeasures, ", "))
	target := fs.String("target", tProvbox, "provbox or peer")
	files := fs.String("files", "", "phoneFiles (JSON) from -discover")
	dur := fs.Duration("duration", 3*time.Second, "how long to load")
	rate := fs.Int("rate", 2000, "requests per second in all, for "+mHTTPPaced)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *disc {
		pf, err := discover(*phones)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(pf)
	}
	var pf phoneFiles
	b, err := os.ReadFile(*files)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &pf); err != nil {
		return err
	}
	if len(pf.Paths) < *phones {
		return fmt.Errorf("%d phones asked, %d discovered", *phones, len(pf.Paths))
	}
	w, err := workers(*measure, *target, pf, *phones)
	if err != nil {
		return err
	}
	var every time.Duration // between one phone's requests; 0: back to back
	if *measure == mHTTPPaced {
		if *rate < 1 {
			return fmt.Errorf("-rate %d: want a positive rate", *rate)
		}
		every = time.Second * time.Duration(*phones) / time.Duration(*rate)
	}
	return json.NewEncoder(os.Stdout).Encode(drive(w, *dur, every))
}

// worker does one request or transfer and returns its size.
type worker func() (int, error)

func workers(measure, target string, pf phoneFiles, phones int) ([]worker, error) {
	prov := target == tProvbox
	host := map[bool]string{true: serverIP, false: peerIP}[prov]
	ws := make([]worker, phones)
	for i := range ws {
		b := bindingOf(i)
		var want []byte
		if prov {
			want = []byte(phonePassword(i))
		}
		switch measure {
		case mHTTPKeep, mHTTPPaced, mHTTPClose:
			path := "/" + smallName
			if prov {
				path = pf.Paths[i]
			}
			h := newHTTPConn(b, net.JoinHostPort(host, fmt.Sprint(httpPort)), path, ua(i), measure == mHTTPClose)
			ws[i] = func() (int, error) {
				body, err := h.get()
				if err == nil && want != nil && !bytes.Contains(body, want) {
					err = errors.New("full config without the phone's password")
				}
				return len(body), err
			}
		case mTFTPSmall, mTFTPBig:
			name, port := smallName, tftpPort
			switch {
			case measure == mTFTPBig && prov:
				name, port, want = bigName, bigTFTPPort, nil
			case measure == mTFTPBig:
				name = bigName
			case prov:
				name = strings.TrimPrefix(pf.Paths[i], "/")
			}
			c := newTFTPClient(b, &net.UDPAddr{IP: net.ParseIP(host), Port: port})
			ws[i] = func() (int, error) { return c.get(name, want) }
		default:
			return nil, fmt.Errorf("unknown measure %q (%s)", measure, strings.Join(allMeasures, ", "))
		}
	}
	return ws, nil
}

// drive runs every worker in a loop for d and sums up. With every > 0
// each worker starts a request every that often (staggered), an open
// loop: a request's latency counts from when it was due, so a server
// that falls behind is charged for the wait too (no coordinated
// omission); otherwise each worker sends its next request as soon as
// the last is answered (closed loop: the rate is the server's limit,
// and the latency mostly queueing behind the other workers).
func drive(ws []worker, d, every time.Duration) result {
	var (
		mu   sync.Mutex
		r    result
		lats []time.Duration
		wg   sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(d)
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var ok, bad, bytes int
			var first string
			due := start.Add(every * time.Duration(i) / time.Duration(len(ws)))
			for t0 := time.Now(); t0.Before(end); {
				if every > 0 {
					time.Sleep(time.Until(due))
					t0, due = due, due.Add(every)
					if !t0.Before(end) {
						break
					}
				}
				n, err := w()
				t1 := time.Now()
				if err != nil {
					bad++
					if first == "" {
						first = err.Error()
					}
				} else {
					ok++
					bytes += n
					mine = append(mine, t1.Sub(t0))
				}
				t0 = t1
			}
			mu.Lock()
			r.OK, r.Errors, r.Bytes = r.OK+ok, r.Errors+bad, r.Bytes+int64(bytes)
			if r.FirstEr == "" {
				r.FirstEr = first
			}
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	slices.Sort(lats)
	if len(lats) > 0 {
		r.P50, r.P99 = lats[len(lats)/2], lats[min(len(lats)*99/100, len(lats)-1)]
	}
	return r
}
