package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

// setFlags are the names of the flags given on the command line: an
// edit changes only those.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

func ptrIf[T any](set bool, v T) *T {
	if !set {
		return nil
	}
	return &v
}

const accountSetUsage = "NAME [--sip-server HOST[:PORT]] [--sip-transport udp|tcp|tls] [--ntp HOST] [--timezone ZONE] [--language LANG]"

func accountSet(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("account set")
	var server, transport, ntp, zone, lang string
	fs.StringVar(&server, "sip-server", "", "SIP server `HOST[:PORT]`")
	fs.StringVar(&transport, "sip-transport", "", "SIP transport: udp, tcp or tls")
	fs.StringVar(&ntp, "ntp", "", "NTP server `HOST` (\"\" removes it)")
	fs.StringVar(&zone, "timezone", "", "IANA time `ZONE`, e.g. Europe/Berlin")
	fs.StringVar(&lang, "language", "", "phone `LANG`uage, e.g. en")
	pos, err := c.parse(fs, args, 1, 1, accountSetUsage)
	if err != nil {
		return err
	}
	set := setFlags(fs)
	if len(set) == 0 {
		return usagef("account set: nothing to change: usage: provbox account set %s", accountSetUsage)
	}
	in := admin.AccountEditInput{SIPTransport: ptrIf(set["sip-transport"], transport), NTPServer: ptrIf(set["ntp"], ntp),
		TimeZone: ptrIf(set["timezone"], zone), Language: ptrIf(set["language"], lang)}
	if set["sip-server"] {
		host, port, err := splitServer(server)
		if err != nil {
			return err
		}
		in.SIPServer, in.SIPPort = &host, &port
	}
	return c.withClient(func(cl *admin.Client) error {
		a, err := cl.UpdateAccount(ctx, pos[0], in)
		if err != nil {
			return err
		}
		return c.show(a, func() error { return c.printAccount(a) })
	})
}

func accountRemove(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("account rm")
	force := fs.Bool("force", false, "also remove the account's devices")
	pos, err := c.parse(fs, args, 1, 1, "[--force] NAME")
	if err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		r, err := cl.RemoveAccount(ctx, pos[0], *force)
		if err != nil {
			return err
		}
		if c.json {
			return c.printJSON(r)
		}
		_, err = fmt.Fprintf(c.stdout, "removed %s (%s)\n", r.Removed, plural(len(r.Devices), "device"))
		return err
	})
}

const deviceSetUsage = "MAC [--account NAME] [--model MODEL] [--ip IP] [--line EXT[:PASSWORD[:DISPLAY NAME]]]..."

func deviceSet(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("device set")
	var account, model, ip string
	var lines lineFlags
	fs.StringVar(&account, "account", "", "move to account `NAME`")
	fs.StringVar(&model, "model", "", "phone `MODEL`")
	fs.StringVar(&ip, "ip", "", "reserved DHCP address (\"\" removes it)")
	fs.Var(&lines, "line", "SIP line `EXT[:PASSWORD[:DISPLAY NAME]]` (repeatable; the lines replace the device's; no password keeps the extension's)")
	pos, err := c.parse(fs, args, 1, 1, deviceSetUsage)
	if err != nil {
		return err
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	set := setFlags(fs)
	if len(set) == 0 {
		return usagef("device set: nothing to change: usage: provbox device set %s", deviceSetUsage)
	}
	in := admin.DeviceEditInput{Account: ptrIf(set["account"], account), Model: ptrIf(set["model"], model), IP: ptrIf(set["ip"], ip)}
	if set["line"] {
		ls, err := lines.parseEdit()
		if err != nil {
			return err
		}
		in.Lines = &ls
	}
	return c.withClient(func(cl *admin.Client) error {
		d, err := cl.EditDevice(ctx, pos[0], in)
		if err != nil {
			return err
		}
		return c.show(d, func() error { return c.printDevice(d) })
	})
}

// parseEdit reads EXT[:PASSWORD[:DISPLAY NAME]]: an edit may leave the
// password out to keep the current one of that extension.
func (l lineFlags) parseEdit() ([]admin.LineInput, error) {
	out := []admin.LineInput{}
	for _, s := range l {
		parts := splitEscaped(s, ':', 3)
		in := admin.LineInput{Extension: parts[0]}
		if len(parts) > 1 {
			in.Password = parts[1]
		}
		if len(parts) > 2 {
			in.DisplayName = parts[2]
		}
		if in.Extension == "" {
			return nil, fmt.Errorf("--line %q: the extension is empty", s)
		}
		out = append(out, in)
	}
	return out, nil
}

func deviceReplace(ctx context.Context, c *cli, args []string) error {
	pos, err := c.parse(c.flags("device replace"), args, 2, 2, "OLD_MAC NEW_MAC")
	if err != nil {
		return err
	}
	for _, m := range pos {
		if _, err := provisioning.ParseMAC(m); err != nil {
			return err
		}
	}
	return c.withClient(func(cl *admin.Client) error {
		d, err := cl.ReplaceDevice(ctx, pos[0], pos[1])
		if err != nil {
			return err
		}
		return c.show(d, func() error { return c.printDevice(d) })
	})
}

func devicePending(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("device pending"), args, 0, 0, ""); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		ps, err := cl.Pending(ctx)
		if err != nil {
			return err
		}
		return c.show(ps, func() error {
			rows := [][]string{{"MAC", "VENDOR", "MODEL", "SEEN BY", "IP", "REQUESTS", "FIRST SEEN", "LAST SEEN"}}
			for _, p := range ps {
				ip := "-"
				if p.IP.IsValid() {
					ip = p.IP.String()
				}
				rows = append(rows, []string{p.MAC, p.Vendor, dash(p.Model), p.Source, ip, strconv.Itoa(p.Requests),
					fmtTime(p.FirstSeen), fmtTime(p.LastSeen)})
			}
			return c.printedTable(rows)
		})
	})
}

const adoptUsage = "MAC --account NAME [--vendor VENDOR] [--model MODEL] [--ip IP] [--line EXT:PASSWORD[:DISPLAY NAME]]..."

func deviceAdopt(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("device adopt")
	var in admin.AdoptInput
	var lines lineFlags
	fs.StringVar(&in.Account, "account", "", "account `NAME` (required)")
	fs.StringVar(&in.Vendor, "vendor", "", "vendor profile (default: the one the phone matched)")
	fs.StringVar(&in.Model, "model", "", "phone `MODEL` (default: the one the phone told)")
	fs.StringVar(&in.IP, "ip", "", "reserved DHCP address")
	fs.Var(&lines, "line", "SIP line `EXT:PASSWORD[:DISPLAY NAME]` (repeatable)")
	pos, err := c.parse(fs, args, 1, 1, adoptUsage)
	if err != nil {
		return err
	}
	if in.Account == "" {
		return usagef("device adopt: --account is required: usage: provbox device adopt %s", adoptUsage)
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	if in.Lines, err = lines.parse(); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		d, err := cl.Adopt(ctx, pos[0], in)
		if err != nil {
			return err
		}
		return c.show(d, func() error { return c.printDevice(d) })
	})
}

func devicePreview(ctx context.Context, c *cli, args []string) error {
	pos, err := c.parse(c.flags("device preview"), args, 1, 1, "MAC")
	if err != nil {
		return err
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		p, err := cl.Preview(ctx, pos[0])
		if err != nil {
			return err
		}
		return c.show(p, func() error {
			_, err := fmt.Fprintf(c.stdout, "# %s for %s (%s), passwords masked\n%s", p.File, p.MAC, p.Vendor,
				strings.TrimRight(p.Body, "\n")+"\n")
			return err
		})
	})
}
