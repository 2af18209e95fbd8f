package lab

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// Sabotage names one safeguard the lab turns off on purpose, to prove the
// lab notices: with any of them the run must fail, naming the attacker
// that got through.
type Sabotage string

const (
	// NoSabotage: every safeguard on, as shipped.
	NoSabotage Sabotage = ""
	// NoLeaseCheck sets check_lease = false: a host with another IP may
	// fetch a device's files.
	NoLeaseCheck Sabotage = "check_lease"
	// NoNeighbourCheck sets check_neighbor = false: a host whose MAC the
	// server's ARP table shows is not the device's may fetch its files.
	NoNeighbourCheck Sabotage = "check_neighbor"
	// NoUACheck sets check_user_agent = false.
	NoUACheck Sabotage = "check_user_agent"
	// NoUAMACCheck sets check_ua_mac = false.
	NoUAMACCheck Sabotage = "check_ua_mac"
	// FailClosed brings back the neighbour check as it was before fail
	// closed: ARP only, and a requester it cannot judge passes. It sets
	// provisioning.insecure_fail_open, a key that exists for this test
	// only (validated, warned about, absent from the README), and
	// check_lease = false, as with DHCP elsewhere (the shipped default):
	// an IPv6 requester holds no DHCPv4 lease, so the lease check alone
	// would still refuse it. The ipv6-thief then gets the device's config.
	FailClosed Sabotage = "fail_closed"
	// NoLock re-opens every provisioned phone (an admin unlock, as if the
	// lock did not hold) before the after-lock attacker runs.
	NoLock Sabotage = "lock"
	// NoForgeryGuard starts the daemon with PROVBOX_LAB_BREAK=forged_source
	// (there is no TOML key for it): forged TFTP requests then strike and
	// ban a phone's address.
	NoForgeryGuard Sabotage = "forged_source"
	// NoTFTPSlots turns off the per-source, per-prefix and reserved slot
	// bounds and slot reclaiming ([tftp] 0 / "0s"): tftp-hog holds every
	// transfer slot.
	NoTFTPSlots Sabotage = "tftp_slots"
	// NoHTTPConnLimit turns off the per-source, per-prefix and reserved
	// connection bounds and the short idle timeout ([http] 0 / "0s"):
	// conn-hog holds every connection.
	NoHTTPConnLimit Sabotage = "http_conn_limit"
	// NoRelayCheck lists the relay-forger's address in the subnet's
	// relays, as a careless admin might: its forged relayed DHCP is then
	// accepted.
	NoRelayCheck Sabotage = "relays"
)

// Sabotages lists every safeguard the lab can break.
var Sabotages = []Sabotage{NoLeaseCheck, NoNeighbourCheck, NoUACheck, NoUAMACCheck, NoLock, OneDialect, FailClosed, NoForgeryGuard, NoTFTPSlots, NoHTTPConnLimit, NoRelayCheck}

// SabotageNames lists the names ParseSabotage accepts, for help texts.
func SabotageNames() []string {
	names := make([]string, len(Sabotages))
	for i, x := range Sabotages {
		names[i] = string(x)
	}
	return names
}

// ParseSabotage accepts a Sabotage name ("" or "none" for none).
func ParseSabotage(s string) (Sabotage, error) {
	if s == "" || s == "none" {
		return NoSabotage, nil
	}
	for _, x := range Sabotages {
		if string(x) == s {
			return x, nil
		}
	}
	return "", fmt.Errorf("unknown safeguard %q to break (have %s)", s, strings.Join(SabotageNames(), ", "))
}

// subnet is the lab's LAN: 10.X.Y.0/24, the server at .1, the pool
// .100-.200; hosts that set their own address use .50.
type subnet struct{ a, b byte }

// labMaxRetry is the lab daemon's [bans] max_retry.
const labMaxRetry = 5

// staticHost is the static-clone's address: in the subnet, outside the pool.
const staticHost = 50

// forgerHost is the relay-forger's static address, likewise.
const forgerHost = 51

func randomSubnet() (subnet, error) {
	r := make([]byte, 2)
	if _, err := rand.Read(r); err != nil {
		return subnet{}, err
	}
	return subnet{100 + r[0]%150, r[1]}, nil
}

func (s subnet) ip(host int) string { return fmt.Sprintf("10.%d.%d.%d", s.a, s.b, host) }
func (s subnet) cidr() string       { return s.ip(0) + "/24" }

// writeConfig writes the daemon's TOML into dir and returns its path.
func writeConfig(dir string, sn subnet, bootstrap string, sab Sabotage) (string, error) {
	check := func(s Sabotage) bool { return sab != s }
	toml := fmt.Sprintf(`# provbox lab config, generated for one run
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
%s
[tftp]
enabled = true
listen = ":69"
%s
[http]
listen = ":80"
%s

[provisioning]
unlock_window = "1h"
check_user_agent = %t
check_ua_mac = %t
check_lease = %t
check_neighbor = %t
insecure_fail_open = %t

[bans]
max_retry = %d
find_time = "10m"
ban_time = "1h"
ignore = ["127.0.0.0/8"]

[admin]
socket = %q

[metrics]
listen = %q

[log]
level = "debug"
`, filepath.Join(dir, "state"), sn.ip(1), bootstrap, sn.cidr(), sn.ip(100), sn.ip(200), sn.ip(1), sn.ip(1), relaysLine(sn, sab),
		sabotaged(sab, NoTFTPSlots, "max_per_source = 0\nmax_per_prefix = 0\nreserved_for_devices = 0\nfirst_ack_timeout = \"0s\"\n"),
		sabotaged(sab, NoHTTPConnLimit, "max_conns_per_source = 0\nmax_conns_per_prefix = 0\nreserved_for_devices = 0\nunknown_idle_timeout = \"0s\"\n"),
		check(NoUACheck), check(NoUAMACCheck), check(NoLeaseCheck) && check(FailClosed), check(NoNeighbourCheck), !check(FailClosed),
		labMaxRetry, filepath.Join(dir, "admin.sock"), metricsAddr)
	toml, err := sabotageTemplates(dir, sab, toml)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "provbox.toml")
	return path, os.WriteFile(path, []byte(toml), 0o600)
}

// relaysLine is the subnet's relays key: none (no relay serves the lab's
// LAN), or with NoRelayCheck the relay-forger's address.
func relaysLine(sn subnet, sab Sabotage) string {
	if sab != NoRelayCheck {
		return ""
	}
	return fmt.Sprintf("relays = [%q]\n", sn.ip(forgerHost))
}

// sabotaged is keys when sab is s, else nothing (the shipped defaults).
func sabotaged(sab, s Sabotage, keys string) string {
	if sab != s {
		return ""
	}
	return keys
}

// hogSources are the host numbers each resource hog puts on its
// interface: outside the pool and clear of staticHost.
var hogSources = map[string][2]int{phone.TFTPHog: {201, 254}, phone.ConnHog: {40, 41}}
