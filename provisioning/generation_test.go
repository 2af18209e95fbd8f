package provisioning

import (
	"strings"
	"testing"
)

// The requester's User-Agent picks the firmware generation's keys: the
// same device's redirect is in the V80 dialect for a V80 UA, in the V81
// one for a V81 UA, and in both over TFTP, where no UA tells. The full
// config follows the UA of its own request.
func TestFetchRedirectFollowsFirmwareGeneration(t *testing.T) {
	f := newFixture(t, nil)
	get := func(proto, ua, path string) string {
		t.Helper()
		r := f.get(path, func(r *FetchRequest) { r.Proto, r.UserAgent = Proto(proto), ua })
		if !r.Found {
			t.Fatalf("%s %q %s not answered: %+v", proto, ua, path, f.lastEvent(t))
		}
		return string(r.Body)
	}
	v80 := get("http", "Yealink SIP-T46U 28.80.0.95 80:5e:c0:11:22:33", "/805ec0112233.cfg")
	v81 := get("http", phoneUA, "/805ec0112233.cfg")
	tftp := get("tftp", "", "/805ec0112233.cfg")
	if strings.Contains(v80, "static.") || !strings.Contains(v80, "\nauto_provision.server.url = http://192.0.2.1/") {
		t.Errorf("V80 redirect:\n%s", v80)
	}
	if strings.Contains(v81, "\nauto_provision.") || !strings.Contains(v81, "\nstatic.auto_provision.server.url = http://192.0.2.1/") {
		t.Errorf("V81 redirect:\n%s", v81)
	}
	if !strings.Contains(tftp, "\nauto_provision.server.url") || !strings.Contains(tftp, "\nstatic.auto_provision.server.url") {
		t.Errorf("TFTP redirect lacks a generation:\n%s", tftp)
	}
	full := get("http", "Yealink SIP-T46U 28.80.0.95 80:5e:c0:11:22:33", f.secret("805ec0112233.cfg"))
	if strings.Contains(full, "static.auto_provision") || !strings.Contains(full, "\nauto_provision.dhcp_option.enable = 0") {
		t.Errorf("V80 full config:\n%s", full)
	}
}
