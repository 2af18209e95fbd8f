package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// stubScript records each call (and the stdin of `systemd-sysusers -`) in
// $STUB_LOG. getent finds the user only when $STUB_USER=1; systemctl
// says the unit is not enabled.
const stubScript = `#!/bin/sh
name=${0##*/}
echo "$name $*" >>"$STUB_LOG"
case "$name $*" in
"systemd-sysusers "*" -") echo "stdin: $(cat)" >>"$STUB_LOG" ;;
"getent passwd provbox") [ "$STUB_USER" = 1 ] || exit 2 ;;
"getent group provbox") [ "$STUB_USER" = 1 ] || exit 2 ;;
"systemctl -q is-enabled provbox.service") exit 1 ;;
esac
exit 0
`

// scriptCase is one maintainer-script invocation as dpkg or rpm makes it.
// Calls marked "sd:" happen only on a host running systemd.
type scriptCase struct {
	name     string
	script   string
	args     []string
	user     bool // the provbox user exists
	sysusers bool // systemd-sysusers is installed
	calls    []string
	notice   bool // prints the "installed but not enabled" notice
}

const (
	useradd    = "useradd --system --gid provbox --home-dir /var/lib/provbox --no-create-home --shell /usr/sbin/nologin --comment provbox SIP phone provisioning provbox"
	reload     = "sd:systemctl daemon-reload"
	tryRestart = "sd:systemctl try-restart provbox.service"
	isEnabled  = "systemctl -q is-enabled provbox.service"
	tmpfiles   = "systemd-tmpfiles --create /usr/lib/tmpfiles.d/provbox.conf"
)

func scriptCases(line string) []scriptCase {
	pre := []string{"getent passwd provbox"}
	return []scriptCase{
		{name: "deb preinst install", script: "preinstall.sh", args: []string{"install"}, sysusers: true,
			calls: append(pre, "systemd-sysusers --replace=/usr/lib/sysusers.d/provbox.conf -", "stdin: "+line)},
		{name: "rpm pre, user exists", script: "preinstall.sh", args: []string{"1"}, user: true, sysusers: true, calls: pre},
		{name: "preinst without sysusers", script: "preinstall.sh", args: []string{"install"},
			calls: append(pre, "getent group provbox", "groupadd --system provbox", useradd)},
		{name: "deb preinst abort-upgrade", script: "preinstall.sh", args: []string{"abort-upgrade", "1"}, sysusers: true},

		{name: "deb postinst fresh", script: "postinstall.sh", args: []string{"configure", ""}, sysusers: true,
			calls: append(pre, "systemd-sysusers /usr/lib/sysusers.d/provbox.conf", tmpfiles, reload, isEnabled), notice: true},
		{name: "deb postinst upgrade", script: "postinstall.sh", args: []string{"configure", "0.0.1-1"}, user: true, sysusers: true,
			calls: append(pre, tmpfiles, reload, tryRestart)},
		{name: "rpm post install", script: "postinstall.sh", args: []string{"1"}, user: true, sysusers: true,
			calls: append(pre, tmpfiles, reload, isEnabled), notice: true},
		{name: "rpm post upgrade", script: "postinstall.sh", args: []string{"2"}, user: true, sysusers: true,
			calls: append(pre, tmpfiles, reload)},
		{name: "deb postinst abort-remove", script: "postinstall.sh", args: []string{"abort-remove"}, user: true, sysusers: true},

		{name: "deb prerm remove", script: "preremove.sh", args: []string{"remove"},
			calls: []string{"sd:systemctl stop provbox.service", "systemctl --no-reload disable provbox.service"}},
		{name: "rpm preun erase", script: "preremove.sh", args: []string{"0"},
			calls: []string{"sd:systemctl stop provbox.service", "systemctl --no-reload disable provbox.service"}},
		{name: "deb prerm upgrade", script: "preremove.sh", args: []string{"upgrade", "0.0.2-1"}},
		{name: "rpm preun upgrade", script: "preremove.sh", args: []string{"1"}},

		{name: "deb postrm purge", script: "postremove.sh", args: []string{"purge"},
			calls: []string{"rm -rf /var/lib/provbox", "rmdir /etc/provbox", reload}},
		{name: "deb postrm remove", script: "postremove.sh", args: []string{"remove"}, calls: []string{reload}},
		{name: "rpm postun erase", script: "postremove.sh", args: []string{"0"}, calls: []string{reload}},
		{name: "rpm postun upgrade", script: "postremove.sh", args: []string{"1"}, calls: []string{reload, tryRestart}},
		{name: "deb postrm upgrade", script: "postremove.sh", args: []string{"upgrade", "0.0.2-1"}},
	}
}

// TestMaintainerScripts runs each script with the arguments dpkg and rpm
// pass, every command it calls replaced by a recording stub, and checks
// what it would do: the rpm branches never run on this Debian machine
// otherwise, and purging state on the wrong argument loses a database.
func TestMaintainerScripts(t *testing.T) {
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Skip("cat not found")
	}
	_, statErr := os.Stat("/run/systemd/system")
	hostSystemd := statErr == nil
	for _, tc := range scriptCases(sysusersLine(t)) {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runStubbed(t, cat, tc)
			var want []string
			for _, c := range tc.calls {
				if s, ok := strings.CutPrefix(c, "sd:"); !ok || hostSystemd {
					want = append(want, s)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %q calls:\n  %s\nwant:\n  %s\noutput: %s", tc.script, tc.args,
					strings.Join(got, "\n  "), strings.Join(want, "\n  "), out)
			}
			if notice := strings.Contains(out, "not enabled"); notice != tc.notice {
				t.Errorf("notice printed = %v, want %v; output: %s", notice, tc.notice, out)
			}
		})
	}
}

func runStubbed(t *testing.T, cat string, tc scriptCase) (calls []string, output string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	stubs := []string{"getent", "systemd-tmpfiles", "systemctl", "useradd", "groupadd", "install", "rm", "rmdir"}
	if tc.sysusers {
		stubs = append(stubs, "systemd-sysusers")
	}
	for _, s := range stubs {
		if err := os.WriteFile(filepath.Join(bin, s), []byte(stubScript), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(cat, filepath.Join(bin, "cat")); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "calls")
	user := "0"
	if tc.user {
		user = "1"
	}
	script, err := filepath.Abs(filepath.Join("scripts", tc.script))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", append([]string{script}, tc.args...)...)
	cmd.Env = []string{"PATH=" + bin, "STUB_LOG=" + log, "STUB_USER=" + user}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", tc.script, tc.args, err, out)
	}
	b, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l != "" {
			calls = append(calls, l)
		}
	}
	return calls, string(out)
}
