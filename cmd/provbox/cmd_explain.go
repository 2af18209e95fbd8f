package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

func cmdExplain(ctx context.Context, c *cli, args []string) error {
	return subcommand(ctx, c, "explain", map[string]func(context.Context, *cli, []string) error{
		"fetch": explainFetch, "dhcp": explainDHCP,
	}, args)
}

func explainFetch(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("explain fetch")
	ip := fs.String("ip", "", "the requester's address (required)")
	ua := fs.String("ua", "", "the User-Agent it sends (HTTP)")
	proto := fs.String("proto", "http", "http, https or tftp")
	pos, err := c.parse(fs, args, 1, 1, "--ip IP [--ua UA] [--proto http|tftp] PATH")
	if err != nil {
		return err
	}
	if *ip == "" {
		return usagef("usage: provbox explain fetch --ip IP [--ua UA] [--proto http|tftp] PATH (--ip is required)")
	}
	q := admin.FetchQuery{IP: *ip, UA: *ua, Proto: *proto, Path: pos[0]}
	return c.withClient(func(cl *admin.Client) error {
		ex, err := cl.ExplainFetch(ctx, q)
		if err != nil {
			return err
		}
		return c.show(ex, func() error { return c.fetchExplanation(ex) })
	})
}

func (c *cli) fetchExplanation(ex admin.Explanation) error {
	fmt.Fprintf(c.stdout, "%s %s from %s\n", strings.ToUpper(string(ex.Proto)), dash(ex.File), ex.IP)
	fmt.Fprintf(c.stdout, "device: %s\n", dash(ex.Device))
	if err := c.steps(ex.Steps); err != nil {
		return err
	}
	verdict := ex.Outcome
	if ex.Reason != "" && ex.Reason != ex.Outcome {
		verdict += " (" + ex.Reason + ")"
	}
	if ex.Strike > 0 {
		verdict += ", a strike of " + strconv.Itoa(ex.Strike)
	}
	if ex.Vendor != "" {
		verdict += fmt.Sprintf(": %s %s, %d bytes, %s", ex.Vendor, ex.Outcome, ex.Size, ex.ContentType)
	}
	_, err := fmt.Fprintf(c.stdout, "verdict: %s\n", verdict)
	return err
}

// steps prints each check with ✔ or ✘.
func (c *cli) steps(ss []provisioning.Step) error {
	rows := make([][]string, 0, len(ss))
	for _, s := range ss {
		mark := "✔"
		if !s.OK {
			mark = "✘"
		}
		rows = append(rows, []string{"  " + mark, s.Check, s.Detail})
	}
	return c.printedTable(rows)
}

func explainDHCP(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("explain dhcp")
	opt60 := fs.String("opt60", "", "the vendor class identifier it sends (option 60)")
	relay := fs.String("relay", "", "the relay agent (giaddr) it comes through")
	pos, err := c.parse(fs, args, 1, 1, "MAC [--opt60 TEXT] [--relay IP]")
	if err != nil {
		return err
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	q := admin.DHCPQuery{MAC: pos[0], Opt60: *opt60, Relay: *relay}
	return c.withClient(func(cl *admin.Client) error {
		ex, err := cl.ExplainDHCP(ctx, q)
		if err != nil {
			return err
		}
		return c.show(ex, func() error { return c.dhcpExplanation(ex) })
	})
}

func (c *cli) dhcpExplanation(ex admin.DHCPExplanation) error {
	fmt.Fprintf(c.stdout, "DISCOVER from %s\n", ex.MAC)
	if err := c.steps(ex.Steps); err != nil {
		return err
	}
	if ex.Offer == "" {
		_, err := fmt.Fprintf(c.stdout, "verdict: no offer (%s)\n", dash(ex.Reason))
		return err
	}
	fmt.Fprintf(c.stdout, "verdict: offer %s from %s, class %s\n", ex.Offer, ex.Subnet, dash(ex.Class))
	rows := [][]string{{"OPTION", "NAME", "VALUE", "BYTES"}}
	for _, o := range ex.Options {
		rows = append(rows, []string{strconv.Itoa(o.Code), o.Name, o.Value, o.Hex})
	}
	return c.printedTable(rows)
}

func cmdRogue(ctx context.Context, c *cli, args []string) error {
	return subcommand(ctx, c, "rogue", map[string]func(context.Context, *cli, []string) error{
		"list": rogueList,
	}, args)
}

func rogueList(ctx context.Context, c *cli, args []string) error {
	if _, err := c.parse(c.flags("rogue list"), args, 0, 0, "list"); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		rs, err := cl.Rogues(ctx)
		if err != nil {
			return err
		}
		return c.show(rs, func() error {
			rows := [][]string{{"SERVER", "MAC", "INTERFACE", "FIRST SEEN", "LAST SEEN", "PACKETS", "PROVISIONING OPTIONS"}}
			for _, r := range rs {
				rows = append(rows, []string{r.IP.String(), r.MAC, r.Interface, fmtTime(r.FirstSeen), fmtTime(r.LastSeen),
					strconv.Itoa(r.Packets), dash(provisioningOptions(r.Options))})
			}
			return c.printedTable(rows)
		})
	})
}

// provisioningOptions shows the options that send phones elsewhere.
func provisioningOptions(os []admin.DHCPOption) string {
	var parts []string
	for _, o := range os {
		switch o.Code {
		case 43, 66, 67, 150, 160:
			parts = append(parts, fmt.Sprintf("%d=%s", o.Code, o.Value))
		}
	}
	return strings.Join(parts, " ")
}
