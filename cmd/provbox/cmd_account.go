package main

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin"
)

// subcommand dispatches "GROUP VERB ARGS" to the verb's function.
func subcommand(ctx context.Context, c *cli, group string, verbs map[string]func(context.Context, *cli, []string) error, args []string) error {
	if len(args) == 0 {
		return usagef("usage: provbox %s %s (see provbox %s --help)", group, verbList(verbs), group)
	}
	if isHelpArg(args[0]) {
		return familyHelp(ctx, c, group, verbs)
	}
	f, ok := verbs[args[0]]
	if !ok {
		return usagef("unknown verb %q: usage: provbox %s %s", args[0], group, verbList(verbs))
	}
	return f(ctx, c, args[1:])
}

func verbList(verbs map[string]func(context.Context, *cli, []string) error) string {
	var names []string
	for n := range verbs {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, "|")
}

func cmdAccount(ctx context.Context, c *cli, args []string) error {
	return subcommand(ctx, c, "account", map[string]func(context.Context, *cli, []string) error{
		"add": accountAdd, "list": accountList, "show": accountShow, "rekey": accountRekey,
		"set": accountSet, "rm": accountRemove,
	}, args)
}

func accountAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("account add")
	var in admin.AccountInput
	var server string
	fs.StringVar(&server, "sip-server", "", "SIP server `HOST[:PORT]`")
	fs.StringVar(&in.SIPTransport, "sip-transport", "", "SIP transport: udp, tcp or tls")
	fs.StringVar(&in.NTPServer, "ntp", "", "NTP server `HOST`")
	fs.StringVar(&in.TimeZone, "timezone", "", "IANA time `ZONE`, e.g. Europe/Berlin")
	fs.StringVar(&in.Language, "language", "", "phone `LANG`uage, e.g. en")
	pos, err := c.parse(fs, args, 1, 1, "NAME --sip-server HOST[:PORT] [--sip-transport udp|tcp|tls] [--ntp HOST] [--timezone ZONE] [--language LANG]")
	if err != nil {
		return err
	}
	in.Name = pos[0]
	if in.SIPServer, in.SIPPort, err = splitServer(server); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		a, err := cl.AddAccount(ctx, in)
		if err != nil {
			return err
		}
		return c.show(a, func() error { return c.printAccount(a) })
	})
}

// splitServer splits HOST[:PORT]; a bare IPv6 address has no port.
func splitServer(s string) (string, int, error) {
	if s == "" {
		return "", 0, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Count(s, ":") == 0 || strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[") {
			return s, 0, nil
		}
		return "", 0, usagef("--sip-server %q: want HOST or HOST:PORT", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, usagef("--sip-server %q: port %q is not 1-65535", s, port)
	}
	return host, n, nil
}

func accountList(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("account list"), args, 0, 0, ""); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		as, err := cl.Accounts(ctx)
		if err != nil {
			return err
		}
		return c.show(as, func() error {
			rows := [][]string{{"NAME", "SIP SERVER", "TRANSPORT", "NTP", "TIMEZONE", "DEVICES", "CREATED"}}
			for _, a := range as {
				rows = append(rows, []string{a.Name, sipServer(a), string(a.SIPTransport), dash(a.NTPServer),
					dash(a.TimeZone), strconv.Itoa(a.Devices), fmtTime(a.Created)})
			}
			return c.printedTable(rows)
		})
	})
}

func sipServer(a admin.Account) string {
	if a.SIPServer == "" {
		return "-"
	}
	if a.SIPPort == 0 {
		return a.SIPServer
	}
	return net.JoinHostPort(a.SIPServer, strconv.Itoa(a.SIPPort))
}

func accountShow(ctx context.Context, c *cli, args []string) error {
	return c.accountOne(ctx, "account show", args, (*admin.Client).Account)
}

func accountRekey(ctx context.Context, c *cli, args []string) error {
	var in admin.RekeyInput
	err := c.accountOneFlags(ctx, "account rekey", noGraceFlag(&in), args, func(cl *admin.Client, ctx context.Context, name string) (admin.Account, error) {
		return cl.RekeyAccountWith(ctx, name, in)
	})
	if err == nil && !c.json {
		fmt.Fprintln(c.stderr, rekeyNote(in))
	}
	return err
}

func (c *cli) accountOne(ctx context.Context, name string, args []string, do func(*admin.Client, context.Context, string) (admin.Account, error)) error {
	return c.accountOneFlags(ctx, name, noFlags, args, do)
}

func (c *cli) accountOneFlags(ctx context.Context, name string, fs flagSetter, args []string, do func(*admin.Client, context.Context, string) (admin.Account, error)) error {
	pos, err := c.parse(fs(c.flags(name)), args, 1, 1, "[--no-grace] NAME")
	if err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		a, err := do(cl, ctx, pos[0])
		if err != nil {
			return err
		}
		return c.show(a, func() error { return c.printAccount(a) })
	})
}

func (c *cli) printAccount(a admin.Account) error {
	return c.fields([][2]string{
		{"name", a.Name}, {"sip server", sipServer(a)}, {"sip transport", string(a.SIPTransport)},
		{"ntp server", dash(a.NTPServer)}, {"timezone", dash(a.TimeZone)}, {"language", dash(a.Language)},
		{"devices", strconv.Itoa(a.Devices)}, {"created", fmtTime(a.Created)},
	})
}

// withClient runs f with a client for the daemon and closes it.
func (c *cli) withClient(f func(*admin.Client) error) error {
	cl, err := c.client()
	if err != nil {
		return err
	}
	defer cl.Close()
	return c.startHint(f(cl))
}
