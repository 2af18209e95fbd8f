package phone

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pin/tftp/v3"
)

// fileServer answers names from files and records every request.
type fileServer struct {
	mu    sync.Mutex
	files map[string]string
	got   []string
	uas   []string
}

func (f *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, r.URL.Path)
	f.uas = append(f.uas, r.UserAgent())
	body, ok := f.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	io.WriteString(w, body)
}

func TestWalkYealinkHTTP(t *testing.T) {
	p, _ := Lookup("yealink")
	mac := p.MAC(1, 1)
	fs := &fileServer{files: map[string]string{
		"/805ec0010001.boot":  "#!version:1.0.0.1\ninclude:config \"805ec0010001.cfg\"\n",
		"/y000000000000.boot": "#!version:1.0.0.1\n",
		"/805ec0010001.cfg":   "#!version:1.0.0.1\nstatic.auto_provision.server.url = http://h/s/\nstatic.auto_provision.dhcp_option.enable = 0\n",
		"/y000000000066.cfg":  "must not be asked: a boot file was found",
	}}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	c := &Client{UA: p.UA(mac), Timeout: 2 * time.Second}
	ps, err := p.walk(context.Background(), c, mac, Target{Base: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	want := "/805ec0010001.boot,/805ec0010001.cfg,/y000000000000.boot"
	if got := strings.Join(fs.got, ","); got != want {
		t.Errorf("asked %s, want %s", got, want)
	}
	if fs.uas[0] != "Yealink SIP-T46S 66.86.0.15 80:5e:c0:01:00:01" {
		t.Errorf("UA %q", fs.uas[0])
	}
	if ps.RedirectFrom != srv.URL+"/805ec0010001.cfg" {
		t.Errorf("redirect from %q", ps.RedirectFrom)
	}
}

// Without boot files the phone falls back to the model and MAC .cfg.
func TestWalkFallback(t *testing.T) {
	p, _ := Lookup("yealink")
	mac := p.MAC(1, 1)
	fs := &fileServer{files: map[string]string{"/805ec0010001.cfg": "#!version:1.0.0.1\n"}}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	c := &Client{UA: p.UA(mac), Timeout: 2 * time.Second}
	if _, err := p.walk(context.Background(), c, mac, Target{Base: srv.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	want := "/805ec0010001.boot,/y000000000000.boot,/y000000000066.cfg,/805ec0010001.cfg"
	if got := strings.Join(fs.got, ","); got != want {
		t.Errorf("asked %s, want %s", got, want)
	}
	if len(c.Log) != 4 || c.Log[0].OK || !c.Log[3].OK || c.Log[0].Status != "404" {
		t.Errorf("log %+v", c.Log)
	}
}

func TestFollowLoopBounded(t *testing.T) {
	p, _ := Lookup("yealink")
	mac := p.MAC(1, 1)
	fs := &fileServer{files: map[string]string{"/805ec0010001.boot": "include:config \"805ec0010001.boot\"\n"}}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	c := &Client{Timeout: 2 * time.Second}
	_, err := p.walk(context.Background(), c, mac, Target{Base: srv.URL + "/"})
	if err == nil || !strings.Contains(err.Error(), "more than 16 files") {
		t.Fatalf("err %v", err)
	}
}

// tftpFiles serves files over real TFTP on loopback and records names.
func tftpFiles(t *testing.T, files map[string]string) (addr string, got func() []string) {
	t.Helper()
	var mu sync.Mutex
	names := []string{}
	s := tftp.NewServer(func(name string, rf io.ReaderFrom) error {
		mu.Lock()
		names = append(names, name)
		mu.Unlock()
		body, ok := files[strings.TrimPrefix(name, "/")]
		if !ok {
			return errNotFound
		}
		_, err := rf.ReadFrom(strings.NewReader(body))
		return err
	}, nil)
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(conn)
	t.Cleanup(s.Shutdown)
	return conn.LocalAddr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), names...)
	}
}

type notFound struct{}

func (notFound) Error() string { return "File not found" }

var errNotFound = notFound{}

// Cisco asks over TFTP with a leading slash, then the file the redirect's
// Profile_Rule names.
func TestWalkCiscoTFTP(t *testing.T) {
	p, _ := Lookup("cisco-mpp")
	mac := p.MAC(1, 1)
	addr, got := tftpFiles(t, map[string]string{
		"Cisco/CP-8841-3PCC/d0ec35010001.cfg": "<flat-profile><Profile_Rule>tftp://" + addr0 + "/s/$MA.xml</Profile_Rule></flat-profile>",
	})
	c := &Client{TFTPSlash: true, Timeout: 3 * time.Second}
	ps, err := p.walk(context.Background(), c, mac, Target{Base: "tftp://" + addr + "/"})
	if err != nil {
		t.Fatal(err)
	}
	want := "/8841-3PCC.xml,/Cisco/CP-8841-3PCC/d0ec35010001.cfg"
	if g := strings.Join(got(), ","); g != want {
		t.Errorf("asked %s, want %s", g, want)
	}
	r, ok, err := p.dialect.redirect(ps.Settings, mac)
	if !ok || err != nil || r.Target.File != "tftp://"+addr0+"/s/d0ec35010001.xml" {
		t.Errorf("redirect %+v %v %v", r, ok, err)
	}
}

const addr0 = "10.9.0.1"
