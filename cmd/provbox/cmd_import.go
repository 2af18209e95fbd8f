package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/httpd/admin/ops"
)

func deviceImport(ctx context.Context, c *cli, args []string) error {
	pos, err := c.parse(c.flags("device import"), args, 1, 1, "FILE.csv")
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	ds, lines, err := readDeviceCSV(pos[0], f)
	if err != nil {
		return err
	}
	return c.withClient(func(cl *admin.Client) error {
		out, err := cl.ImportDevices(ctx, ds)
		if err != nil {
			return importError(pos[0], ds, lines, err)
		}
		return c.show(out, func() error {
			fmt.Fprintf(c.stdout, "imported %s\n", plural(len(out), "device"))
			return c.deviceTable(out)
		})
	})
}

// readDeviceCSV reads an import file (ops.ReadDeviceCSV, the format the
// web UI's upload reads too) into the API's input.
func readDeviceCSV(name string, r io.Reader) ([]admin.DeviceInput, []int, error) {
	in, lines, err := ops.ReadDeviceCSV(name, r)
	if err != nil {
		return nil, nil, err
	}
	ds := make([]admin.DeviceInput, len(in))
	for i, d := range in {
		ds[i] = admin.DeviceInput{MAC: d.MAC, Account: d.Account, Vendor: d.Vendor, Model: d.Model, IP: d.IP}
		for _, l := range d.Lines {
			ds[i].Lines = append(ds[i].Lines, admin.LineInput{Extension: l.Extension, AuthUser: l.AuthUser,
				Password: l.Password, DisplayName: l.DisplayName, Label: l.Label})
		}
	}
	return ds, lines, nil
}

func importError(name string, ds []admin.DeviceInput, lines []int, err error) error {
	var ae *admin.APIError
	if !errors.As(err, &ae) {
		return err
	}
	i, rest, ok := ops.ImportErrorLine(ae.Message, len(ds))
	if !ok {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fmt.Errorf("%s:%d: device %s: %s; nothing was imported", name, lines[i], ds[i].MAC, rest)
}

// plural is "1 device", "2 devices".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
