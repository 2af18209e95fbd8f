package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// maxUpload bounds a CSV upload: 10,000 devices are about 1 MB.
const maxUpload = 4 << 20

type importPage struct {
	base
	Columns string
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	s.importPage(w, r, http.StatusOK, nil)
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, code int, err error) {
	p := importPage{base: s.base("Import devices", "devices"), Columns: strings.Join(ops.CSVColumns, ",")}
	if err != nil {
		p.Error = err.Error()
	}
	s.render(w, r, code, "import", p)
}

// importCSV reads the uploaded file like `provbox device import` does
// (ops.ReadDeviceCSV) and adds every device or none; an error names the
// file's line.
func (s *Server) importCSV(w http.ResponseWriter, r *http.Request) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.importPage(w, r, http.StatusBadRequest, ops.Badf("no CSV file in the upload: choose one first"))
		return
	}
	defer f.Close()
	name := filepath.Base(hdr.Filename)
	if name == "" || name == "." || name == "/" {
		name = "upload.csv"
	}
	in, lines, err := ops.ReadDeviceCSV(name, f)
	if err != nil {
		s.importPage(w, r, http.StatusBadRequest, fmt.Errorf("%w; nothing was imported", err))
		return
	}
	out, err := s.ops.ImportDevices(r.Context(), in)
	if err != nil {
		code := s.statusOf(r, err)
		if i, rest, ok := ops.ImportErrorLine(err.Error(), len(in)); ok {
			err = fmt.Errorf("%s:%d: device %s: %s", name, lines[i], in[i].MAC, rest)
		}
		s.importPage(w, r, code, fmt.Errorf("%w; nothing was imported", err))
		return
	}
	s.log.Info("web: devices imported", "devices", len(out), "file", name, "ip", clientIP(r).String())
	seeOther(w, r, "/devices", url.Values{"done": {"imported"}, "n": {strconv.Itoa(len(out))}})
}

// exportColumns are the import columns without the password: an export
// never carries one (an import of it needs the passwords filled in).
var exportColumns = []string{"mac", "account", "vendor", "model", "ip", "extension", "auth_user", "display_name", "label"}

// exportCSV writes the devices the page's filters select (every page),
// one row per line as the import reads them, without passwords.
func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request) {
	rows, err := s.ops.MatchDevices(readListQuery(r.URL.Query()).DeviceQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(exportColumns) //nolint:errcheck // a bytes.Buffer does not fail
	for _, d := range rows {
		ip := ""
		if d.IP.IsValid() {
			ip = d.IP.String()
		}
		dev := []string{d.MAC.String(), d.Account, d.Vendor, d.Model, ip}
		if len(d.Lines) == 0 {
			cw.Write(cells(append(dev, "", "", "", ""))) //nolint:errcheck
		}
		for _, l := range d.Lines {
			cw.Write(cells(append(dev, l.Extension, l.AuthUser, l.DisplayName, l.Label))) //nolint:errcheck
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, errors.New("writing the CSV: "+err.Error()))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="provbox-devices.csv"`)
	w.Write(buf.Bytes()) //nolint:errcheck // the browser went away
}

// cells defuses spreadsheet formulas (see ops.SafeCSVCell). Extensions
// like "-1" are not expected.
func cells(rec []string) []string {
	for i, c := range rec {
		rec[i] = ops.SafeCSVCell(c)
	}
	return rec
}
