package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkFetchVsNginx: the phone's full-config fetch (every check on)
// against nginx serving a static file of the same size, under the same
// load (fetchConns keep-alive connections from the same address) in the
// same run, in alternating rounds; reports both rates and the ratio.
// Skipped where nginx is not installed (CI does not install it).
func BenchmarkFetchVsNginx(b *testing.B) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			b.Skip("needs nginx")
		}
	}
	l := newLab(b)
	p := l.phone
	if err := p.provision(b.Context()); err != nil {
		b.Fatal(err)
	}
	_, body, err := httpGet(b.Context(), p.http, p.secret+p.file, p.ua)
	if err != nil {
		b.Fatal(err)
	}
	peer := startNginx(b, bin, len(body))
	p.http.CloseIdleConnections() // they count against the per-source limit too
	p.http = httpClient(phoneIP, fetchConns)
	peerClient := httpClient(phoneIP, fetchConns)
	provbox := func(ctx context.Context) error { _, err := p.fetch(ctx); return err }
	static := func(ctx context.Context) error {
		st, got, err := httpGet(ctx, peerClient, peer, "")
		if err == nil && (st != http.StatusOK || len(got) != len(body)) {
			err = fmt.Errorf("nginx: status %d, %d bytes", st, len(got))
		}
		return err
	}
	var pbN, ngN int
	var pbT, ngT time.Duration
	b.ResetTimer()
	for round := 0; round < 4; round++ {
		n := max(b.N/4, fetchConns)
		pbT += load(b, n, provbox)
		ngT += load(b, n, static)
		pbN, ngN = pbN+n, ngN+n
	}
	pb, ng := float64(pbN)/pbT.Seconds(), float64(ngN)/ngT.Seconds()
	b.ReportMetric(pb, "provbox-req/s")
	b.ReportMetric(ng, "nginx-req/s")
	b.ReportMetric(pb/ng, "ratio")
}

// load makes n requests over fetchConns workers and returns the time.
func load(b *testing.B, n int, get func(context.Context) error) time.Duration {
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range fetchConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := get(b.Context()); err != nil {
					failed.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	return d
}

// startNginx runs nginx on serverIP with a worker per core (provbox's
// one process uses every core too) serving a file of size bytes, stopped
// by PID at the end; it returns the file's URL.
func startNginx(b *testing.B, bin string, size int) string {
	dir := b.TempDir()
	ln, err := net.Listen("tcp", serverIP+":0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := os.WriteFile(filepath.Join(dir, "f.cfg"), make([]byte, size), 0o644); err != nil {
		b.Fatal(err)
	}
	user := "" // as root, nginx's workers would drop to nobody, who cannot read the test's directory
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := user + fmt.Sprintf(`worker_processes auto; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
  server { listen %[2]s; root %[1]s; } }
`, dir, addr)
	cf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", cf, "-g", "daemon off;")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		// SIGTERM: the master takes its worker down (SIGKILL would orphan it).
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	url := "http://" + addr + "/f.cfg"
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return url
		} else if time.Now().After(deadline) {
			b.Fatalf("nginx did not start: %v", err)
		}
	}
}
