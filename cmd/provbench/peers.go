package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// The peers serve static files of the sizes provbox serves: smallName
// is the size of a phone's full config (learned from provbox in the same
// run), bigName the large TFTP file.
const smallName = "small.cfg"

// peerFiles writes the peers' document root.
func peerFiles(dir string, small int) error {
	if err := os.WriteFile(filepath.Join(dir, smallName), make([]byte, small), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, bigName), make([]byte, bigSize), 0o644)
}

// startNginx runs nginx in the server namespace on peerIP:80, a worker
// per core (provbox's one process uses every core too), access log off
// (provbox keeps its audit trail in memory and writes it in batches).
func startNginx(t *topo, root, dir string) (*exec.Cmd, error) {
	user := "" // as root, nginx's workers would drop to nobody, who may not read dir
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := user + fmt.Sprintf(`worker_processes auto; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;
  server { listen %[3]s:%[4]d; root %[2]s; } }
`, dir, root, peerIP, httpPort)
	cf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := t.inServer("nginx", "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", cf, "-g", "daemon off;")
	cmd.Stderr = os.Stderr
	return cmd, cmd.Start()
}

// startDnsmasq runs dnsmasq as a TFTP server only (no DNS, no DHCP) on
// peerIP:69, with the limit on concurrent transfers raised above the
// load's and the same block size cap as provbox.
func startDnsmasq(t *topo, root, dir string) (*exec.Cmd, error) {
	args := []string{"--keep-in-foreground", "--no-daemon", "--user=root", "--port=0",
		"--conf-file=/dev/null", "--listen-address=" + peerIP, "--bind-interfaces", "--enable-tftp",
		"--tftp-root=" + root, "--tftp-max=1000", "--tftp-mtu=1500", "--pid-file=" + filepath.Join(dir, "dnsmasq.pid"),
		"--log-facility=-", "--quiet-tftp"}
	cmd := t.inServer("dnsmasq", args...)
	// Its log line per transfer ("sent ..."), which --quiet-tftp keeps in
	// 2.90, goes nowhere: a start failure shows as the measure's errors.
	cmd.Stderr = nil
	return cmd, cmd.Start()
}

// stop ends a child by its PID: SIGTERM, then SIGKILL after 10 s.
func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}
