package lab

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// PhoneResult is one phone's journey and the lab's view of it.
type PhoneResult struct {
	Vendor   string         `json:"vendor"`
	MAC      string         `json:"mac"`
	Journey  *phone.Journey `json:"journey,omitempty"`
	State    string         `json:"state"` // the daemon's, after provisioning
	Problems []string       `json:"problems,omitempty"`
	dev      *device
}

// AttackResult is what one attacker did and got.
type AttackResult struct {
	Role   string        `json:"role"`
	Target string        `json:"target"`
	Attack *phone.Attack `json:"attack,omitempty"`
	Banned bool          `json:"banned"`
	// Reasons are the refusal reasons the audit trail gives for its
	// requests.
	Reasons  []string `json:"reasons,omitempty"`
	Problems []string `json:"problems,omitempty"`
	dev      *device
	since    time.Time // when it started: after-lock shares its target's IP
}

func (l *run) runPhone(ctx context.Context, d *device) PhoneResult {
	pr := PhoneResult{Vendor: d.Vendor, MAC: d.MAC.String(), dev: d}
	rep, err := l.emulate(ctx, "ph-"+d.Vendor, d.MAC, "-vendor", d.Vendor, "-reboot")
	if err != nil {
		pr.Problems = append(pr.Problems, err.Error())
		return pr
	}
	pr.Journey = rep.Journey
	return pr
}

// runAttacker runs role against target. mac is the attacker's own MAC
// (nil: a random one); clones pass the MAC they copy. extra are flags of
// its role.
func (l *run) runAttacker(ctx context.Context, role string, target *device, mac []byte, extra ...string) AttackResult {
	ar := AttackResult{Role: role, dev: target}
	if target == nil {
		ar.Problems = append(ar.Problems, "no target device")
		return ar
	}
	ar.Target = target.String()
	if role == phone.UAForge || role == phone.StaticClone || role == phone.RelayForger {
		mac = target.MAC // it cloned the open device's MAC
	}
	args := []string{"-role", role, "-target", target.Vendor + "=" + target.MAC.String(),
		"-http", "http://" + l.sn.ip(1) + "/", "-tftp", "tftp://" + l.sn.ip(1) + "/"}
	if role == phone.StaticClone {
		args = append(args, "-static", l.sn.ip(staticHost)+"/24")
	}
	if role == phone.RelayForger {
		args = append(args, "-static", l.sn.ip(forgerHost)+"/24")
	}
	if role == phone.IPv6Thief {
		v6, err := l.ipv6Args()
		if err != nil {
			ar.Problems = append(ar.Problems, err.Error())
			return ar
		}
		args = append(args, v6...) // the later -http, -tftp win
	}
	args = append(args, extra...)
	if r, ok := hogSources[role]; ok {
		args = append(args, "-sources", l.sn.ip(r[0])+"-"+l.sn.ip(r[1]))
	}
	ar.since = time.Now()
	rep, err := l.emulate(ctx, "at-"+role, mac, args...)
	if err != nil {
		ar.Problems = append(ar.Problems, err.Error())
		return ar
	}
	ar.Attack = rep.Attack
	return ar
}

// afterLock records the phones' lock state, unplugs nothing more (phones
// are unplugged when their emulator exits) and lets a full impersonation
// of a provisioned phone ask the bootstrap again. With the NoLock
// sabotage the phones are unlocked first.
func (l *run) afterLock(ctx context.Context, res *Result) error {
	for i := range res.Phones {
		info, err := l.show(ctx, res.Phones[i].dev)
		if err != nil {
			return err
		}
		res.Phones[i].State = info.State
	}
	if l.o.Sabotage == NoLock {
		for _, d := range l.devices {
			if d.Role == "phone" {
				if _, err := l.d.cli(ctx, "device", "unlock", d.MAC.String()); err != nil {
					return err
				}
			}
		}
	}
	t := l.afterLockTarget()
	res.Attackers = append(res.Attackers, l.runAttacker(ctx, phone.AfterLock, t, t.MAC))
	return nil
}

// deviceInfo is the part of `provbox device show --json` the lab reads.
type deviceInfo struct {
	MAC       string `json:"mac"`
	State     string `json:"state"`
	SecretURL string `json:"secret_url"`
	TFTPPath  string `json:"tftp_path"`
}

func (l *run) show(ctx context.Context, d *device) (deviceInfo, error) {
	var info deviceInfo
	err := l.d.cliJSON(ctx, &info, "device", "show", d.MAC.String())
	if err == nil && !strings.EqualFold(info.MAC, d.MAC.String()) {
		err = fmt.Errorf("device show %s answered for %q", d.MAC, info.MAC)
	}
	return info, err
}
