package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

func cmdDevice(ctx context.Context, c *cli, args []string) error {
	return subcommand(ctx, c, "device", map[string]func(context.Context, *cli, []string) error{
		"add": deviceAdd, "list": deviceList, "show": deviceShow, "rm": deviceRemove,
		"lock": deviceLock, "unlock": deviceUnlock, "rekey": deviceRekey, "import": deviceImport,
		"set": deviceSet, "replace": deviceReplace, "pending": devicePending, "adopt": deviceAdopt, "preview": devicePreview,
	}, args)
}

// lineFlags collects repeated --line values. They are parsed after the
// command line, so a bad one is refused input (exit 1), not a usage error.
type lineFlags []string

func (l *lineFlags) String() string { return "" }

func (l *lineFlags) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func (l lineFlags) parse() ([]admin.LineInput, error) {
	var out []admin.LineInput
	for _, s := range l {
		in, err := parseLineSpec(s)
		if err != nil {
			return nil, fmt.Errorf("--line %w", err)
		}
		out = append(out, in)
	}
	return out, nil
}

// parseLineSpec reads EXT:PASSWORD[:DISPLAY NAME]. A backslash escapes
// the next character, so a password may hold a colon ("pa\:ss").
func parseLineSpec(s string) (admin.LineInput, error) {
	parts := splitEscaped(s, ':', 3)
	if len(parts) < 2 {
		return admin.LineInput{}, fmt.Errorf("%q: want EXT:PASSWORD[:DISPLAY NAME]", s)
	}
	in := admin.LineInput{Extension: parts[0], Password: parts[1]}
	if len(parts) == 3 {
		in.DisplayName = parts[2]
	}
	switch {
	case in.Extension == "":
		return in, fmt.Errorf("%q: the extension is empty", s)
	case in.Password == "":
		return in, fmt.Errorf("%q: the password of extension %s is empty", s, in.Extension)
	}
	return in, nil
}

// splitEscaped splits s at unescaped sep into at most n parts; the last
// part keeps its separators. Escapes are removed.
func splitEscaped(s string, sep byte, n int) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case s[i] == sep && len(parts) < n-1:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(parts, cur.String())
}

func deviceAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("device add")
	var in admin.DeviceInput
	var lines lineFlags
	fs.StringVar(&in.Account, "account", "", "account `NAME` (required)")
	fs.StringVar(&in.Vendor, "vendor", "", "vendor profile `VENDOR` (required): "+builtinVendors())
	fs.StringVar(&in.Model, "model", "", "phone `MODEL`")
	fs.StringVar(&in.IP, "ip", "", "reserved DHCP address `IP`")
	fs.Var(&lines, "line", "SIP line `EXT:PASSWORD[:DISPLAY NAME]` (repeatable)")
	const what = "MAC --account NAME --vendor VENDOR [--model MODEL] [--ip IP] [--line EXT:PASSWORD[:DISPLAY NAME]]..."
	pos, err := c.parse(fs, args, 1, 1, what)
	if err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"account": in.Account, "vendor": in.Vendor}, "device add"); err != nil {
		return err
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	in.MAC = pos[0]
	if in.Lines, err = lines.parse(); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		d, err := cl.AddDevice(ctx, in)
		if err != nil {
			return err
		}
		return c.show(d, func() error { return c.printDevice(d) })
	})
}

func deviceList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("device list")
	account := fs.String("account", "", "only the devices of account `NAME`")
	if _, err := c.parse(fs, args, 0, 0, "[--account NAME]"); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		ds, err := cl.Devices(ctx)
		if err != nil {
			return err
		}
		out := []admin.DeviceInfo{}
		for _, d := range ds {
			if *account == "" || d.Account == *account {
				out = append(out, d)
			}
		}
		return c.show(out, func() error { return c.deviceTable(out) })
	})
}

func (c *cli) deviceTable(ds []admin.DeviceInfo) error {
	rows := [][]string{{"MAC", "ACCOUNT", "VENDOR", "MODEL", "LINES", "STATE", "OPEN UNTIL", "LAST SEEN"}}
	for _, d := range ds {
		var exts []string
		for _, l := range d.Lines {
			exts = append(exts, l.Extension)
		}
		rows = append(rows, []string{d.MAC, d.Account, d.Vendor, dash(d.Model), dash(strings.Join(exts, ",")),
			d.State, fmtTimePtr(d.OpenUntil), fmtTimePtr(d.LastSeen)})
	}
	return c.printedTable(rows)
}

func (c *cli) printDevice(d admin.DeviceInfo) error {
	kv := [][2]string{
		{"mac", d.MAC}, {"account", d.Account}, {"vendor", d.Vendor}, {"model", dash(d.Model)},
		{"reserved ip", dash(d.IP)}, {"state", d.State}, {"open until", fmtTimePtr(d.OpenUntil)},
		{"locked at", fmtTimePtr(d.LockedAt)}, {"secret url", d.SecretURL}, {"tftp path", d.TFTPPath},
		{"created", fmtTime(d.Created)}, {"last seen", fmtTimePtr(d.LastSeen)},
	}
	for i, l := range d.Lines {
		v := l.Extension
		if l.DisplayName != "" {
			v += " (" + l.DisplayName + ")"
		}
		if l.AuthUser != l.Extension {
			v += ", auth user " + l.AuthUser
		}
		kv = append(kv, [2]string{fmt.Sprintf("line %d", i+1), v})
	}
	return c.fields(append(kv, oldURLFields(d.OldURLs)...))
}

// deviceOne runs a verb that takes one MAC and prints the device.
func (c *cli) deviceOne(ctx context.Context, name string, fs flagSetter, args []string, do func(*admin.Client, string) (admin.DeviceInfo, error)) error {
	pos, err := c.parse(fs(c.flags(name)), args, 1, 1, "MAC")
	if err != nil {
		return err
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		d, err := do(cl, pos[0])
		if err != nil {
			return err
		}
		return c.show(d, func() error { return c.printDevice(d) })
	})
}

func deviceShow(ctx context.Context, c *cli, args []string) error {
	return c.deviceOne(ctx, "device show", noFlags, args, func(cl *admin.Client, m string) (admin.DeviceInfo, error) {
		return cl.Device(ctx, m)
	})
}

func deviceLock(ctx context.Context, c *cli, args []string) error {
	return c.deviceOne(ctx, "device lock", noFlags, args, func(cl *admin.Client, m string) (admin.DeviceInfo, error) {
		return cl.LockDevice(ctx, m)
	})
}

func deviceRekey(ctx context.Context, c *cli, args []string) error {
	var in admin.RekeyInput
	return c.deviceOne(ctx, "device rekey", noGraceFlag(&in), args, func(cl *admin.Client, m string) (admin.DeviceInfo, error) {
		return cl.RekeyDeviceWith(ctx, m, in)
	})
}

func deviceUnlock(ctx context.Context, c *cli, args []string) error {
	var dur time.Duration
	addFor := func(fs *flag.FlagSet) *flag.FlagSet {
		fs.DurationVar(&dur, "for", 0, "how long provisioning stays open (default: unlock_window)")
		return fs
	}
	return c.deviceOne(ctx, "device unlock", addFor, args, func(cl *admin.Client, m string) (admin.DeviceInfo, error) {
		if dur < 0 {
			return admin.DeviceInfo{}, usagef("--for %s: must be positive", dur)
		}
		return cl.UnlockDevice(ctx, m, dur)
	})
}

func deviceRemove(ctx context.Context, c *cli, args []string) error {
	pos, err := c.parse(c.flags("device rm"), args, 1, 1, "MAC")
	if err != nil {
		return err
	}
	if _, err := provisioning.ParseMAC(pos[0]); err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		if err := cl.RemoveDevice(ctx, pos[0]); err != nil {
			return err
		}
		if c.json {
			return c.printJSON(map[string]string{"removed": pos[0]})
		}
		_, err := fmt.Fprintf(c.stdout, "removed %s\n", pos[0])
		return err
	})
}
