package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// writeStormConfig writes the storm daemon's TOML into dir: the shipped
// defaults everywhere (every check on, the shipped ban thresholds and
// connection bounds, log level info), so the storm measures provbox as
// installed; only the LAN is the lab's, and, for a TFTP storm of more
// phones than [tftp] max_transfers' default 512, the transfer slots are
// raised to the office's size, as its admin would have to: every phone
// asks at once and a refused one waits for its next boot.
func writeStormConfig(dir string, sn stormNet, bootstrap string, phones int) (string, error) {
	slots := ""
	if bootstrap == "tftp" && phones+128 > 512 {
		slots = fmt.Sprintf("max_transfers = %d\n", phones+128)
	}
	toml := fmt.Sprintf(`# provbox lab boot storm config, generated for one run
state_dir = %q

[server]
advertise = %q

[dhcp]
enabled = true
interfaces = ["eth0"]
bootstrap = %q
lease_time = "1h"

[[dhcp.subnet]]
cidr = %q
range = "%s-%s"
router = %q
dns = [%q]

[tftp]
enabled = true
listen = ":69"
%s
[http]
listen = ":80"

[provisioning]
unlock_window = "1h"

[bans]
ignore = ["127.0.0.0/8"]

[admin]
socket = %q

[metrics]
listen = %q

[log]
level = "info"
`, filepath.Join(dir, "state"), sn.ip(1), bootstrap, sn.cidr(), sn.ip(stormPoolFirst), sn.ip(stormPoolLast),
		sn.ip(1), sn.ip(1), slots, filepath.Join(dir, "admin.sock"), metricsAddr)
	path := filepath.Join(dir, "provbox.toml")
	return path, os.WriteFile(path, []byte(toml), 0o600)
}

// stormDevice is one phone of the storm as the admin imported it.
type stormDevice struct {
	profile *phone.Profile
	mac     string
	ext     string
	pass    string
}

// stormDevices makes n devices, the vendors taken in turn, each MAC in its
// vendor's OUI.
func stormDevices(n int, vendors []string) []stormDevice {
	ds := make([]stormDevice, n)
	count := map[string]int{}
	for i := range ds {
		p, _ := phone.Lookup(vendors[i%len(vendors)])
		count[p.Name]++
		ds[i] = stormDevice{profile: p, mac: p.MAC(count[p.Name], 0x30).String(),
			ext: fmt.Sprint(10000 + i), pass: "pw-" + randomHex(10)}
	}
	return ds
}

// stormCSV is the devices as a `provbox device import` file.
func stormCSV(ds []stormDevice) string {
	var b strings.Builder
	b.WriteString("mac,account,vendor,extension,password,display_name\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,Storm %s\n", d.mac, account, d.profile.ProvboxVendor(), d.ext, d.pass, d.ext)
	}
	return b.String()
}
