package phone

import (
	"net"
	"strings"
	"testing"
)

func TestParseARP(t *testing.T) {
	const table = `IP address       HW type     Flags       HW address            Mask     Device
10.9.0.7         0x1         0x0         00:00:00:00:00:00     *        eth0
10.9.0.1         0x1         0x2         0a:11:22:33:44:55     *        eth0
10.9.0.10        0x1         0x2         0a:11:22:33:44:66     *        eth0
`
	for _, c := range []struct {
		ip, want string
		ok       bool
	}{
		{"10.9.0.1", "0a:11:22:33:44:55", true},
		{"10.9.0.10", "0a:11:22:33:44:66", true}, // not a prefix match of .1
		{"10.9.0.7", "", false},                  // incomplete
		{"10.9.0.2", "", false},                  // absent
	} {
		m, ok := parseARP(strings.NewReader(table), net.ParseIP(c.ip))
		if ok != c.ok || (ok && m.String() != c.want) {
			t.Errorf("%s: %s %v, want %s %v", c.ip, m, ok, c.want, c.ok)
		}
	}
}

func TestStaticAddrRefusesBadAddress(t *testing.T) {
	for _, s := range []string{"", "10.9.0.50", "10.9.0.300/24", "fd00::5/64"} {
		if _, err := StaticAddr("eth0", s); err == nil || !strings.Contains(err.Error(), "static address") {
			t.Errorf("%q: %v", s, err)
		}
	}
}
