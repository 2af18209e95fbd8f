package main

import (
	"fmt"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

func TestUnverifiedNetworksValidation(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"host bits", validBase + "[provisioning]\nunverified_networks = [\"10.30.0.1/24\"]\n",
			`cfg.toml:19: provisioning.unverified_networks: 10.30.0.1/24 has host bits set; did you mean 10.30.0.0/24?`},
		{"mapped", validBase + "[provisioning]\nunverified_networks = [\"::1/128\", \"::ffff:127.0.0.0/104\"]\n",
			`cfg.toml:19: provisioning.unverified_networks: ::ffff:127.0.0.0/104 is IPv4-mapped and never matches: requesters are compared as IPv4 (write 127.0.0.0/8)`},
		{"not a prefix", validBase + "[provisioning]\nunverified_networks = [\"10.30.0.0\"]\n", `cfg.toml:19:24: provisioning.unverified_networks: "10.30.0.0" is not a network (ADDRESS/BITS): no '/'; e.g. "10.20.0.0/24"`},
		{"fail open not a bool", validBase + "[provisioning]\ninsecure_fail_open = \"yes\"\n", `cfg.toml:19: provisioning.insecure_fail_open: want true or false (no quotes), not a string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.text)
			_, _, err := loadConfig(p, noEnv)
			if err == nil {
				t.Fatalf("no error for\n%s", tc.text)
			}
			if msg := strings.ReplaceAll(err.Error(), filepath.Dir(p)+string(filepath.Separator), ""); !strings.Contains(msg, tc.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", msg, tc.want)
			}
		})
	}
}

// `provbox check` warns about every unverified network, and about a
// configuration in which no check can vouch for anyone.
func TestCheckWarnsAboutBinding(t *testing.T) {
	noDHCP := strings.Replace(validBase, "enabled = true\ninterfaces", "enabled = false\ninterfaces", 1)
	cfg := writeConfig(t, noDHCP+"[provisioning]\ncheck_neighbor = false\nunverified_networks = [\"10.30.0.0/24\", \"2001:db8:5::/48\"]\n")
	r := runCLI(t, cfg, "check")
	if r.code != 0 || !strings.HasSuffix(r.stdout, ": ok\n") {
		t.Fatalf("check: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"requesters in 10.30.0.0/24 get device configs", "requesters in 2001:db8:5::/48 get device configs",
		"no network-binding check is on"} {
		if !strings.Contains(r.stderr, "warning: provisioning") || !strings.Contains(r.stderr, want) {
			t.Errorf("check stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// Only about binding: validBase names eth1 and 10.20.0.2, which this
	// machine's own warnings (check_env.go) may name.
	if r := runCLI(t, writeConfig(t, validBase), "check"); r.code != 0 || strings.Contains(r.stderr, "warning: provisioning") {
		t.Errorf("the plain config: exit %d, stderr %q; want no binding warning", r.code, r.stderr)
	}
}

func TestCoreConfigBinding(t *testing.T) {
	load := func(text string) *fileConfig {
		cfg, _, err := loadConfig(writeConfig(t, text), noEnv)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	c := load(validBase + "[provisioning]\nunverified_networks = [\"10.30.0.0/24\"]\n").coreConfig(boundPorts{})
	if len(c.Unverified) != 1 || c.Unverified[0] != netip.MustParsePrefix("10.30.0.0/24") || c.Neighbours == nil {
		t.Fatalf("core config: unverified %v, neighbours set %v", c.Unverified, c.Neighbours != nil)
	}
	// The lab's sabotage: the old neighbour check (IPv4 only) and every
	// unjudged requester served.
	open := load(validBase + "[provisioning]\ninsecure_fail_open = true\n")
	if ws := open.bindingWarnings(); len(ws) != 1 || !strings.Contains(ws[0], "insecure_fail_open") {
		t.Errorf("warnings %q", ws)
	}
	c = open.coreConfig(boundPorts{})
	if len(c.Unverified) != 2 || !c.Unverified[1].Contains(netip.MustParseAddr("2001:db8::1")) {
		t.Errorf("insecure_fail_open: unverified %v", c.Unverified)
	}
	if _, ok := c.Neighbours(netip.MustParseAddr("fe80::1%lo")); ok {
		t.Error("insecure_fail_open: the neighbour check judged an IPv6 requester")
	}
}

// Over loopback with DHCP off no check can vouch for the requester: the
// phone's own request is refused (audit reason unverified) unless
// loopback is listed in unverified_networks, and the daemon warns then.
func TestDaemonRefusesUnverifiedLoopback(t *testing.T) {
	for _, listed := range []bool{false, true} {
		t.Run(fmt.Sprintf("listed=%v", listed), func(t *testing.T) {
			text := loopbackConfig
			if !listed {
				text = strings.Replace(text, `unverified_networks = ["127.0.0.0/8", "::1/128"]`, "", 1)
			}
			cfg := newConfig(t, text)
			td := startDaemon(t, cfg)
			mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
			mustCLI(t, cfg, "device", "add", "805ec0112233", "--account", "office", "--vendor", "yealink", "--line", "201:s3cret")
			url := fmt.Sprintf("http://127.0.0.1:%d/805ec0112233.cfg", td.d.ports.http)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
			req.Header.Set("User-Agent", "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			warned := strings.Contains(td.log.String(), "requesters in 127.0.0.0/8 get device configs")
			if listed {
				if resp.StatusCode != http.StatusOK || !warned {
					t.Fatalf("listed loopback: status %s, start warning %v", resp.Status, warned)
				}
				return
			}
			if resp.StatusCode != http.StatusNotFound || warned {
				t.Fatalf("unlisted loopback: status %s, warning %v; want 404 and none", resp.Status, warned)
			}
			es := decodeJSON[[]provisioning.Event](t, mustCLI(t, cfg, "events", "--mac", "805ec0112233", "--json"))
			if len(es) == 0 || es[0].Outcome != "refused" || es[0].Reason != "unverified" {
				t.Fatalf("events %+v; want the refusal, reason unverified", es)
			}
		})
	}
}
