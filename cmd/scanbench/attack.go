package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// kind is one sort of guess.
type kind int

const (
	httpMAC  kind = iota // GET /<guessed mac file>
	tftpMAC              // RRQ <guessed mac file>
	httpHash             // GET /<guessed hash>/<guessed hash>/<mac>.cfg
	tftpHash             // RRQ <guessed hash>/<guessed hash>/<mac>.cfg
)

var allKinds = []kind{httpMAC, tftpMAC, httpHash, tftpHash}

// attack is a scan from one source address.
type attack struct {
	l       *lab
	src     string
	kinds   []kind // cycled through, request by request
	workers int
	// hold, if set, is waited for before request holdAt is sent, so the
	// scan is still running while something else happens.
	holdAt int
	hold   <-chan struct{}
	// reached, if set, is closed once request reachedAt has been answered.
	reachedAt int
	reached   chan struct{}
}

// attackStats counts what the scan got.
type attackStats struct {
	Requests    int           `json:"requests"`
	Refused     int           `json:"refused"`      // 404 or TFTP error
	Answered    int           `json:"answered"`     // 200 or a TFTP file
	FullConfigs int           `json:"full_configs"` // answers carrying any SIP password
	Errors      int           `json:"errors"`       // timeouts, resets
	Elapsed     time.Duration `json:"elapsed_ns"`
}

func (s *attackStats) add(o attackStats) {
	s.Requests += o.Requests
	s.Refused += o.Refused
	s.Answered += o.Answered
	s.FullConfigs += o.FullConfigs
	s.Errors += o.Errors
}

// perSecond is the rate of refusals.
func (s attackStats) perSecond() float64 { return float64(s.Refused) / s.Elapsed.Seconds() }

// run sends n requests (fewer if ctx ends first) from the workers.
func (a *attack) run(ctx context.Context, n int) attackStats {
	client := httpClient(a.src, a.workers)
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var mu sync.Mutex
	var total attackStats
	var wg sync.WaitGroup
	start := time.Now()
	for w := range a.workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var mine attackStats
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				a.wait(ctx, i)
				r := a.one(ctx, client, rng, i)
				if r.Errors > 0 && ctx.Err() != nil {
					break // cut short by the end of the run, not an answer
				}
				mine.add(r)
				if a.reached != nil && i == a.reachedAt {
					close(a.reached)
				}
			}
			mu.Lock()
			total.add(mine)
			mu.Unlock()
		})
	}
	wg.Wait()
	total.Elapsed = time.Since(start)
	return total
}

func (a *attack) wait(ctx context.Context, i int) {
	if a.hold != nil && i == a.holdAt {
		select {
		case <-a.hold:
		case <-ctx.Done():
		}
	}
}

// one sends request i and classifies the answer.
func (a *attack) one(ctx context.Context, c *http.Client, rng *rand.Rand, i int) attackStats {
	k := a.kinds[i%len(a.kinds)]
	mac := phoneMAC(i/len(a.kinds)%256 - 8) // walks the lab's block and beyond
	name := guessNames[i/len(a.kinds)%len(guessNames)](mac.Hex(), mac.HexUpper())
	if k == httpHash || k == tftpHash {
		name = guessHash(rng) + "/" + guessHash(rng) + "/" + mac.Hex() + ".cfg"
	}
	var body []byte
	var err error
	st := http.StatusOK
	if k == httpMAC || k == httpHash {
		// A careful attacker fakes the UA of the phone it guesses.
		st, body, err = httpGet(ctx, c, a.l.baseURL+"/"+name, "Yealink SIP-T46S 66.86.0.15 "+mac.String())
	} else {
		body, err = tftpGet(a.l.tftpAddr, a.src, name)
	}
	out := attackStats{Requests: 1}
	switch {
	case errors.Is(err, errTFTPRefused) || err == nil && st == http.StatusNotFound:
		out.Refused = 1
	case err != nil:
		out.Errors = 1
	default:
		out.Answered = 1
		if a.l.hasPassword(body) {
			out.FullConfigs = 1
		}
	}
	return out
}

// guessNames are the bootstrap file names phones of every vendor ask for.
var guessNames = []func(lower, upper string) string{
	func(l, _ string) string { return l + ".cfg" },
	func(l, _ string) string { return l + ".boot" },
	func(l, _ string) string { return "cfg" + l + ".xml" },
	func(_, u string) string { return "SEP" + u + ".cnf.xml" },
	func(l, _ string) string { return "spa" + l + ".xml" },
	func(_, u string) string { return u + ".cfg" },
}

const hashAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// guessHash is a random string shaped like a secret hash.
func guessHash(rng *rand.Rand) string {
	b := make([]byte, 24)
	for i := range b {
		b[i] = hashAlphabet[rng.IntN(len(hashAlphabet))]
	}
	return string(b)
}

// hasPassword reports whether body carries any SIP password of the lab.
func (l *lab) hasPassword(body []byte) bool {
	for _, p := range l.passwords {
		if bytes.Contains(body, p) {
			return true
		}
	}
	return false
}

func (s attackStats) String() string {
	return fmt.Sprintf("%d requests in %v: %d refused, %d answered, %d full configs, %d errors",
		s.Requests, s.Elapsed.Round(time.Millisecond), s.Refused, s.Answered, s.FullConfigs, s.Errors)
}
