package main

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/provbox/provbox/httpd/admin"
)

func cmdBan(ctx context.Context, c *cli, args []string) error {
	return subcommand(ctx, c, "ban", map[string]func(context.Context, *cli, []string) error{
		"list": banList, "add": banAdd, "rm": banRemove,
	}, args)
}

func banList(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("ban list"), args, 0, 0, ""); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		bs, err := cl.Bans(ctx)
		if err != nil {
			return err
		}
		return c.show(bs, func() error { return c.banTable(bs) })
	})
}

func (c *cli) banTable(bs []admin.Ban) error {
	rows := [][]string{{"SOURCE", "REASON", "STRIKES", "BAN #", "SINCE", "UNTIL"}}
	for _, b := range bs {
		rows = append(rows, []string{b.Prefix.String(), dash(b.Reason), strconv.Itoa(b.Strikes),
			strconv.Itoa(b.Count), fmtTime(b.Since), fmtTime(b.Until)})
	}
	return c.printedTable(rows)
}

func banAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("ban add")
	dur := fs.Duration("for", 0, "ban length (default: bans.ban_time)")
	reason := fs.String("reason", "", "why, for the audit trail (`TEXT`)")
	pos, err := c.parse(fs, args, 1, 1, "IP [--for DURATION] [--reason TEXT]")
	if err != nil {
		return err
	}
	if _, err := netip.ParseAddr(pos[0]); err != nil {
		return fmt.Errorf("%q is not an IP address", pos[0])
	}
	if *dur < 0 {
		return usagef("--for %s: must be positive", *dur)
	}
	in := admin.BanInput{IP: pos[0], Reason: *reason}
	if *dur > 0 {
		in.For = dur.String()
	}
	return c.withClient(func(cl *admin.Client) error {
		b, err := cl.AddBan(ctx, in)
		if err != nil {
			return err
		}
		return c.show(b, func() error { return c.banTable([]admin.Ban{b}) })
	})
}

func banRemove(ctx context.Context, c *cli, args []string) error {
	pos, err := c.parse(c.flags("ban rm"), args, 1, 1, "IP")
	if err != nil {
		return err
	}
	if _, err := netip.ParseAddr(pos[0]); err != nil {
		return fmt.Errorf("%q is not an IP address", pos[0])
	}
	return c.withClient(func(cl *admin.Client) error {
		if err := cl.Unban(ctx, pos[0]); err != nil {
			return err
		}
		if c.json {
			return c.printJSON(map[string]string{"unbanned": pos[0]})
		}
		_, err := fmt.Fprintf(c.stdout, "unbanned %s\n", pos[0])
		return err
	})
}

func cmdLease(ctx context.Context, c *cli, args []string) error {
	if len(args) > 0 && isHelpArg(args[0]) {
		return familyHelp(ctx, c, "lease", map[string]func(context.Context, *cli, []string) error{
			"list": func(ctx context.Context, c *cli, args []string) error {
				return cmdLease(ctx, c, append([]string{"list"}, args...))
			},
		})
	}
	if len(args) == 0 || args[0] != "list" {
		return usagef("usage: provbox lease list (see provbox lease --help)")
	}
	if _, err := c.parse(c.flags("lease list"), args[1:], 0, 0, ""); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		ls, err := cl.Leases(ctx)
		if err != nil {
			return err
		}
		return c.show(ls, func() error {
			rows := [][]string{{"IP", "MAC", "EXPIRES", "HOSTNAME", "VENDOR CLASS"}}
			for _, l := range ls {
				rows = append(rows, []string{l.IP.String(), l.MAC, fmtTime(l.Expires), dash(l.Hostname), dash(l.VendorClass)})
			}
			return c.printedTable(rows)
		})
	})
}

func (c *cli) eventTable(es []admin.Event) error {
	rows := [][]string{{"TIME", "PROTO", "IP", "MAC", "FILE", "OUTCOME", "REASON"}}
	actors := hasActor(es) // the ACTOR column only where admin changes are listed
	if actors {
		rows[0] = append(rows[0], "ACTOR")
	}
	repeats := hasRepeats(es) // TIMES and LAST only where repeats were folded
	if repeats {
		rows[0] = append(rows[0], "TIMES", "LAST")
	}
	for _, e := range es {
		ip, mac := "-", "-"
		if e.IP.IsValid() {
			ip = e.IP.String()
		}
		if e.MAC != "" {
			mac = e.MAC
		}
		row := []string{fmtTime(e.Time), e.Proto, ip, mac, dash(e.File), e.Outcome, dash(e.Reason)}
		if actors {
			row = append(row, dash(e.Actor))
		}
		if repeats {
			row = append(row, strconv.Itoa(max(e.Count, 1)), fmtTime(e.Last))
		}
		rows = append(rows, row)
	}
	return c.printedTable(rows)
}

func cmdStatus(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("status"), args, 0, 0, ""); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		st, err := cl.Status(ctx)
		if err != nil {
			return err
		}
		return c.show(st, func() error {
			return c.fields(append([][2]string{{"version", st.Version}, {"accounts", strconv.Itoa(st.Accounts)},
				{"devices", strconv.Itoa(st.Devices)}, {"leases", strconv.Itoa(st.Leases)}, {"bans", strconv.Itoa(st.Bans)},
				{"rogue dhcp servers", strconv.Itoa(st.Rogues)}}, nodeFields(st.Node)...))
		})
	})
}

func cmdVersion(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("version"), args, 0, 0, ""); err != nil {
		return err
	}
	if c.json {
		return c.printJSON(map[string]string{"version": versionString()})
	}
	_, err := fmt.Fprintf(c.stdout, "provbox %s\n", versionString())
	return err
}

// cmdCheck runs the full validation serve runs. An invalid file is exit
// status 1 (not 2): the check itself worked.
func cmdCheck(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("check"), args, 0, 0, "[-c FILE]"); err != nil {
		return err
	}
	path := c.configFile()
	cfg, _, err := loadConfig(path, c.getenv)
	if err != nil {
		fmt.Fprintf(c.stderr, "%v\n", err)
		return errReported
	}
	for _, w := range cfg.bindingWarnings() {
		fmt.Fprintf(c.stderr, "%s: warning: %s\n", path, w)
	}
	for _, n := range relayNotes(cfg) {
		fmt.Fprintf(c.stderr, "%s: warning: %s\n", path, n)
	}
	for _, n := range environmentNotes(cfg) {
		fmt.Fprintf(c.stderr, "%s: warning: %s\n", path, n)
	}
	_, err = fmt.Fprintf(c.stdout, "%s: ok\n", path)
	return err
}
