package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/httpd/admin"
)

// TestReloadCommand: `provbox reload` (the unit's ExecReload) returns
// only once the daemon has told systemd READY=1 again, prints what
// needs a restart, and fails with the reason when the file is refused,
// while the daemon keeps serving the previous configuration.
func TestReloadCommand(t *testing.T) {
	notify := listenNotify(t)
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")

	writeFile(t, cfg, strings.Replace(loopbackConfig, "[http]\n"+`listen = "127.0.0.1:0"`,
		"[http]\n"+`listen = "127.0.0.1:1"`, 1)+"[log]\nlevel = \"debug\"\n")
	out := mustCLI(t, cfg, "reload")
	// Sent before the answer: already queued, no waiting.
	if got := notify.queued(t); len(got) != 2 || !strings.HasPrefix(got[0], "RELOADING=1") ||
		!strings.HasPrefix(got[1], "READY=1") || !strings.Contains(got[1], "STATUS=serving") {
		t.Errorf("notifications queued when reload returned: %q", got)
	}
	if want := "reloaded " + cfg + "\nneeds a restart to apply: http (systemctl restart provbox)\n"; out != want {
		t.Errorf("provbox reload printed %q, want %q", out, want)
	}
	res := decodeJSON[admin.Reload](t, mustCLI(t, cfg, "reload", "--json"))
	if res.File != cfg || strings.Join(res.RestartNeeded, ",") != "http" {
		t.Errorf("provbox reload --json: %+v", res)
	}
	notify.queued(t)

	writeFile(t, cfg, loopbackConfig+"[bans]\nmax_retyr = 3\n")
	r := runCLI(t, cfg, "reload")
	if r.code != exitFailure || !strings.Contains(r.stderr, "reload refused, the daemon keeps serving the previous configuration") ||
		!strings.Contains(r.stderr, `provbox.toml:16: unknown key "bans.max_retyr"`) {
		t.Errorf("refused reload: exit %d, stderr %q", r.code, r.stderr)
	}
	if got := notify.queued(t); len(got) != 2 || !strings.Contains(got[1], "last reload refused") {
		t.Errorf("notifications after a refused reload: %q", got)
	}
	if st := decodeJSON[admin.Status](t, mustCLI(t, cfg, "status", "--json")); st.Accounts != 1 {
		t.Errorf("status after a refused reload: %+v", st)
	}
}

// TestReloadUnreadableFile: a file that no longer decodes cannot even
// name the daemon's socket; outside the packaged path that is the
// error, with its line. (The packaged path falls back to the packaged
// socket: packaging's unit test drives that through systemctl.)
func TestReloadUnreadableFile(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	writeFile(t, cfg, loopbackConfig+"[bans\n")
	failCLI(t, cfg, exitUsage, "provbox.toml", "reload")
	sock := filepath.Join(filepath.Dir(cfg), "admin.sock")
	if out := mustCLI(t, cfg, "--socket", sock, "status"); !strings.Contains(out, "version:") {
		t.Errorf("daemon after an unreadable file: %q", out)
	}
}

// notifyListener is a NOTIFY_SOCKET for an in-process daemon.
type notifyListener struct{ conn *net.UnixConn }

func listenNotify(t *testing.T) *notifyListener {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
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
