package ops

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/provbox/provbox/provisioning"
)

// CSVColumns are the columns a device import file may have, in the
// documented order; the first three are required. A device with several
// lines takes one row per line, repeating its MAC (the device columns
// may then be left empty). The CLI's `device import` and the web UI's
// upload read the same format with ReadDeviceCSV.
var CSVColumns = []string{"mac", "account", "vendor", "model", "ip", "extension", "password", "auth_user", "display_name", "label"}

// csvRow is one record with its line in the file.
type csvRow struct {
	line int
	get  func(col string) string
}

// ReadDeviceCSV reads an import file into devices, with the line each
// device starts on. Every error names FILE:LINE.
func ReadDeviceCSV(name string, r io.Reader) ([]DeviceInput, []int, error) {
	br, comma, err := sniffCSV(r)
	if err != nil {
		return nil, nil, csvErr(name, err, "reading the header")
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, csvErr(name, err, "reading the header")
	}
	cols, err := csvHeader(header)
	if err != nil {
		return nil, nil, fmt.Errorf("%s:1: %w", name, err)
	}
	var ds []DeviceInput
	var lines []int
	byMAC := map[provisioning.MAC]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvErr(name, err, "")
		}
		line, _ := cr.FieldPos(0)
		row := csvRow{line: line, get: func(col string) string {
			if i, ok := cols[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}}
		if ds, lines, err = addCSVRow(ds, lines, byMAC, row); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	if len(ds) == 0 {
		return nil, nil, fmt.Errorf("%s: no devices", name)
	}
	return ds, lines, nil
}

// sniffCSV skips a UTF-8 byte-order mark (Excel's "CSV UTF-8" writes one)
// and picks the delimiter from the header: ';' where Excel's locale uses
// the comma as decimal separator, ',' otherwise. CRLF is csv's own.
func sniffCSV(r io.Reader) (io.Reader, rune, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); string(b) == "\ufeff" {
		br.Discard(3)
	}
	head, err := br.Peek(4096) // a header line is far shorter
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, 0, err
	}
	first, _, _ := strings.Cut(string(head), "\n")
	if strings.Contains(first, ";") && !strings.Contains(first, ",") {
		return br, ';', nil
	}
	return br, ',', nil
}

func csvErr(name string, err error, doing string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	if doing != "" {
		return fmt.Errorf("%s: %s: %w", name, doing, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

func csvHeader(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(CSVColumns, h) {
			return nil, fmt.Errorf("unknown column %q (columns: %s)", h, strings.Join(CSVColumns, ","))
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		cols[h] = i
	}
	for _, req := range CSVColumns[:3] {
		if _, ok := cols[req]; !ok {
			return nil, fmt.Errorf("missing column %q (required: mac,account,vendor)", req)
		}
	}
	return cols, nil
}

// addCSVRow adds a row as a new device, or as one more line of a device
// seen before.
func addCSVRow(ds []DeviceInput, lines []int, byMAC map[provisioning.MAC]int, row csvRow) ([]DeviceInput, []int, error) {
	m, err := provisioning.ParseMAC(row.get("mac"))
	if err != nil {
		return ds, lines, err
	}
	sip, hasLine, err := csvLine(row)
	if err != nil {
		return ds, lines, fmt.Errorf("device %s: %w", m, err)
	}
	i, seen := byMAC[m]
	if !seen {
		d := DeviceInput{MAC: m.String(), Account: row.get("account"), Vendor: row.get("vendor"),
			Model: row.get("model"), IP: row.get("ip")}
		if d.Account == "" || d.Vendor == "" {
			return ds, lines, fmt.Errorf("device %s: account and vendor are required", m)
		}
		byMAC[m] = len(ds)
		ds, lines, i = append(ds, d), append(lines, row.line), len(ds)
	} else if err := sameDevice(ds[i], lines[i], row); err != nil {
		return ds, lines, fmt.Errorf("device %s: %w", m, err)
	}
	if hasLine {
		ds[i].Lines = append(ds[i].Lines, sip)
	}
	return ds, lines, nil
}

func csvLine(row csvRow) (provisioning.Line, bool, error) {
	l := provisioning.Line{Extension: row.get("extension"), Password: row.get("password"),
		AuthUser: row.get("auth_user"), DisplayName: row.get("display_name"), Label: row.get("label")}
	switch {
	case l == (provisioning.Line{}):
		return l, false, nil
	case l.Extension == "":
		return l, false, errors.New("a line without an extension")
	case l.Password == "":
		return l, false, fmt.Errorf("line %s: the password is empty", l.Extension)
	}
	return l, true, nil
}

// sameDevice checks that a continuation row does not contradict the row
// that created the device.
func sameDevice(d DeviceInput, first int, row csvRow) error {
	for _, f := range []struct{ col, want string }{{"account", d.Account}, {"vendor", d.Vendor}, {"model", d.Model}, {"ip", d.IP}} {
		if v := row.get(f.col); v != "" && v != f.want {
			return fmt.Errorf("%s %q differs from line %d's %q", f.col, v, first, f.want)
		}
	}
	return nil
}

// importDevice matches the core's, the operations' and the API's
// "device N (MAC): ..." and "device MAC: ..." so an import error can
// name the CSV line.
var importDevice = regexp.MustCompile(`^device (?:(\d+)(?: \([^)]*\))?|([0-9a-f:]{17})): (.*)$`)

// ImportErrorLine finds the device an import error message names among
// the n imported: its index and the rest of the message; ok is false
// when the message names none.
func ImportErrorLine(msg string, n int) (i int, rest string, ok bool) {
	m := importDevice.FindStringSubmatch(msg)
	if m == nil {
		return 0, "", false
	}
	i = -1
	if m[1] != "" {
		k, _ := strconv.Atoi(m[1])
		i = k - 1
	} else if n == 1 {
		i = 0
	}
	if i < 0 || i >= n {
		return 0, "", false
	}
	return i, m[3], true
}
