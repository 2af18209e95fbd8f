package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// phone is the genuine phone: a Yealink T46S on 127.0.0.3, which holds
// its DHCP lease, sending its real User-Agent.
type phone struct {
	mac      provisioning.MAC
	ua       string
	file     string // the file it asks for: <mac>.cfg
	password string // its line's SIP password: proof a full config arrived
	baseURL  string
	tftpAddr string
	http     *http.Client
	secretRE *regexp.Regexp
	secret   string // learnt from the redirect: http://host/<account_hash>/<device_hash>/
}

func newPhone(l *lab, mac provisioning.MAC, password string) phone {
	return phone{mac: mac, ua: "Yealink SIP-T46S 66.86.0.15 " + mac.String(), file: mac.Hex() + ".cfg",
		password: password, baseURL: l.baseURL, tftpAddr: l.tftpAddr, http: httpClient(phoneIP, 2),
		secretRE: regexp.MustCompile(regexp.QuoteMeta(l.baseURL) + `/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/`)}
}

// provision does what the phone does on first boot: it asks the
// bootstrap for its file, takes the secret URL from the redirect config,
// and fetches its full config there.
func (p *phone) provision(ctx context.Context) error {
	st, body, err := httpGet(ctx, p.http, p.baseURL+"/"+p.file, p.ua)
	switch {
	case err != nil:
		return fmt.Errorf("bootstrap %s: %w", p.file, err)
	case st != http.StatusOK:
		return fmt.Errorf("bootstrap %s: status %d", p.file, st)
	case bytes.Contains(body, []byte(p.password)):
		return errors.New("the redirect config carries the SIP password")
	}
	u := p.secretRE.Find(body)
	if u == nil {
		return fmt.Errorf("no secret URL in the redirect config:\n%s", body)
	}
	p.secret = string(u)
	_, err = p.fetch(ctx)
	return err
}

// fetch fetches the full config at the secret URL over HTTP and says how
// long it took; it fails unless the answer carries the phone's password.
func (p *phone) fetch(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	st, body, err := httpGet(ctx, p.http, p.secret+p.file, p.ua)
	d := time.Since(start)
	switch {
	case err != nil:
		return d, fmt.Errorf("full config: %w", err)
	case st != http.StatusOK:
		return d, fmt.Errorf("full config: status %d", st)
	case !bytes.Contains(body, []byte(p.password)):
		return d, errors.New("full config without the line's password")
	}
	return d, nil
}

// fetchTFTP fetches the full config at the secret path over TFTP.
func (p *phone) fetchTFTP() error {
	name := strings.TrimPrefix(p.secret, p.baseURL+"/") + p.file
	body, err := tftpGet(p.tftpAddr, phoneIP, name)
	if err != nil {
		return fmt.Errorf("full config over TFTP: %w", err)
	}
	if !bytes.Contains(body, []byte(p.password)) {
		return errors.New("full config over TFTP without the line's password")
	}
	return nil
}
