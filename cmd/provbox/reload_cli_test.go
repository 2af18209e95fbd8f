package main

import (
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/httpd/admin"
)

// TestReloadCommand: `provbox reload` (the unit's ExecReload) returns
// only once the daemon has told systemd READY=1 again and serves the new
// file, prints what needs a restart, and fails with the reason when the
// file is refused, while the daemon keeps serving the previous one.
func TestReloadCommand(t *testing.T) {
	notify := listenNotify(t)
	cfg := newConfig(t, loopbackConfig)
	td := startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	if w := openFor(t, cfg, "805ec0000001"); w < 23*time.Hour {
		t.Fatalf("default unlock_window: open for %v", w)
	}

	// A listener change (needs a restart) and a live one.
	writeFile(t, cfg, withProvisioning(strings.Replace(loopbackConfig, "[http]\n"+`listen = "127.0.0.1:0"`,
		"[http]\n"+`listen = "127.0.0.1:1"`, 1)))
	out := mustCLI(t, cfg, "reload")
	// Sent before the answer: already queued, no waiting.
	if got := notify.queued(t); len(got) != 2 || !strings.HasPrefix(got[0], "RELOADING=1") ||
		!strings.HasPrefix(got[1], "READY=1") || !strings.Contains(got[1], "STATUS=serving") {
		t.Errorf("notifications queued when reload returned: %q", got)
	}
	if want := "reloaded " + cfg + "\nneeds a restart to apply: http (systemctl restart provbox)\n"; out != want {
		t.Errorf("provbox reload printed %q, want %q", out, want)
	}
	if w := openFor(t, cfg, "805ec0000002"); w > time.Hour {
		t.Errorf("unlock_window = 1h not in force once reload returned: open for %v", w)
	}
	if log := td.log.String(); !strings.Contains(log, "configuration reloaded") || !strings.Contains(log, `by="cli:`) {
		t.Errorf("the reload's log line does not name who asked:\n%s", log)
	}
	res := decodeJSON[admin.Reload](t, mustCLI(t, cfg, "reload", "--json"))
	if res.File != cfg || strings.Join(res.RestartNeeded, ",") != "http" {
		t.Errorf("provbox reload --json: %+v", res)
	}
	notify.queued(t)

	writeFile(t, cfg, loopbackConfig+"[bans]\nmax_retyr = 3\n")
	r := runCLI(t, cfg, "reload")
	if r.code != exitFailure || !strings.Contains(r.stderr, "reload refused, the daemon keeps serving the previous configuration") ||
		strings.Count(r.stderr, `provbox.toml:16: unknown key "bans.max_retyr"`) != 1 {
		t.Errorf("refused reload: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := notify.queued(t); len(got) != 2 || !strings.Contains(got[1], "last reload refused") {
		t.Errorf("notifications after a refused reload: %q", got)
	}
	if w := openFor(t, cfg, "805ec0000003"); w > time.Hour {
		t.Errorf("after a refused reload the previous unlock_window = 1h must serve: open for %v", w)
	}
	// Other commands still reach the daemon, and say what it will refuse.
	if r := runCLI(t, cfg, "status"); r.code != 0 || !strings.Contains(r.stderr, "warning: the daemon will refuse this file") ||
		!strings.Contains(r.stderr, "bans.max_retyr") {
		t.Errorf("status with an unknown key in the file: exit %d, stderr %q", r.code, r.stderr)
	}
}

// withProvisioning sets unlock_window = "1h" in a loopbackConfig text.
func withProvisioning(text string) string {
	return strings.Replace(text, "[provisioning]\n", "[provisioning]\nunlock_window = \"1h\"\n", 1)
}

// openFor adds a device and returns how long it is open for provisioning.
func openFor(t *testing.T, cfg, mac string) time.Duration {
	t.Helper()
	d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "add", mac, "--account", "office", "--vendor", "yealink", "--json"))
	if d.OpenUntil == nil {
		t.Fatalf("device %s added locked", mac)
	}
	return time.Until(*d.OpenUntil)
}

// TestReloadUnreadableFile: a file that no longer decodes cannot even
// name the daemon's socket; outside the packaged path that is the
// error, with its line, and the daemon is not asked.
func TestReloadUnreadableFile(t *testing.T) {
	notify := listenNotify(t)
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	writeFile(t, cfg, loopbackConfig+"[bans\n")
	failCLI(t, cfg, exitUsage, "provbox.toml:16", "reload")
	if got := notify.queued(t); len(got) != 0 {
		t.Errorf("the daemon was asked: %q", got)
	}
}

// TestReloadPackagedFallback: for the packaged file the packaged socket
// is asked when the file names none that answers: an edited
// admin.socket (applied at the next restart, and said so) or a file
// that no longer decodes (which the daemon refuses, naming the line).
func TestReloadPackagedFallback(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	saved := packaged
	packaged.config, packaged.socket = cfg, filepath.Join(filepath.Dir(cfg), "admin.sock")
	t.Cleanup(func() { packaged = saved })
	startDaemon(t, cfg)

	writeFile(t, cfg, strings.Replace(loopbackConfig, `socket = "admin.sock"`, `socket = "admin2.sock"`, 1))
	if out := mustCLI(t, cfg, "reload"); !strings.Contains(out, "needs a restart to apply: admin.socket") {
		t.Errorf("reload after an admin.socket edit: %q", out)
	}
	writeFile(t, cfg, loopbackConfig+"[bans\n")
	r := runCLI(t, cfg, "reload")
	if r.code != exitFailure || !strings.Contains(r.stderr, "reload refused") || !strings.Contains(r.stderr, "provbox.toml:16") {
		t.Errorf("reload of a file that does not decode: exit %d, stderr %q", r.code, r.stderr)
	}
}

// notifyListener is a NOTIFY_SOCKET for an in-process daemon.
type notifyListener struct{ conn *net.UnixConn }

func listenNotify(t *testing.T) *notifyListener {
	t.Helper()
	path, conn := notifyConn(t)
	t.Setenv("NOTIFY_SOCKET", path)
	return &notifyListener{conn}
}

// queued drains what has already arrived, without waiting for more:
// a non-blocking recv, so a message sent after the caller returned is
// never counted.
func (n *notifyListener) queued(t *testing.T) []string {
	t.Helper()
	raw, err := n.conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	buf := make([]byte, 4096)
	raw.Read(func(fd uintptr) bool { //nolint:errcheck // only fails on a closed socket
		for range 100 {
			k, _, err := unix.Recvfrom(int(fd), buf, unix.MSG_DONTWAIT)
			if err != nil {
				break
			}
			msgs = append(msgs, string(buf[:k]))
		}
		return true // done: never park waiting for more
	})
	return msgs
}

// TestReloadOlderDaemon: a daemon from before the reload route (the
// binary upgraded under it) gets advice, not a bare 404.
func TestReloadOlderDaemon(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "old.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(ln)
	defer srv.Close()
	failCLI(t, newConfig(t, loopbackConfig), exitFailure, "older than this provbox", "--socket", sock, "reload")
}
