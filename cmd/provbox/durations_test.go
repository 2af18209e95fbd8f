package main

import (
	"encoding"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// durationKeys lists every duration key of the schema (the sections the
// packages own included) as its table path, its key, and whether the
// table is an array of tables.
func durationKeys(t reflect.Type, table []string, array bool) (out [][3]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if f.Anonymous && name == "" {
			out = append(out, durationKeys(f.Type, table, array)...)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		isSlice := ft.Kind() == reflect.Slice
		for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case slices.Contains(durationTypes, ft):
			out = append(out, [3]string{strings.Join(table, "."), name, fmt.Sprint(array)})
		case ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(textUnmarshaler):
			out = append(out, durationKeys(ft, append(append([]string{}, table...), name), isSlice)...)
		}
	}
	return out
}

var textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()

// Every duration key, in every section, refuses a bare number with the
// key, the line and an example; the same value with a unit passes.
func TestUnitlessDurations(t *testing.T) {
	keys := durationKeys(reflect.TypeOf(fileConfig{}), nil, false)
	if len(keys) < 14 {
		t.Fatalf("found only %d duration keys in the schema: %v", len(keys), keys)
	}
	for _, k := range keys {
		table, key, array := k[0], k[1], k[2] == "true"
		full := key
		header := ""
		if table != "" {
			full = table + "." + key
			header = "[" + table + "]\n"
			if array {
				header = "[[" + table + "]]\n"
				full = table + "[0]." + key
			}
		}
		t.Run(full, func(t *testing.T) {
			p := writeConfig(t, "# a comment\n"+header+key+" = 24\n")
			_, err := decodeConfig(p)
			if err == nil {
				t.Fatalf("%s = 24 accepted", full)
			}
			line := 2
			if header != "" {
				line = 3
			}
			msg := strings.ReplaceAll(err.Error(), filepath.Dir(p)+string(filepath.Separator), "")
			want := fmt.Sprintf(`cfg.toml:%d: %s: a duration needs a unit, e.g. "24h"`, line, full)
			if !strings.Contains(msg, want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", msg, want)
			}
			p = writeConfig(t, "# a comment\n"+header+key+" = \"24h\"\n")
			if _, err := decodeConfig(p); err != nil {
				t.Errorf("%s = \"24h\": %v", full, err)
			}
		})
	}
}

// A bare number in the second element of an array of tables names that
// element's line; other errors of the same file are reported with it.
func TestUnitlessDurationSecondSubnet(t *testing.T) {
	text := validBase + "[[dhcp.subnet]]\ncidr = \"10.30.0.0/24\"\nlease_time = 3600\n[bans]\nban_time = 3600\n"
	_, _, err := loadConfig(writeConfig(t, text), noEnv)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{`cfg.toml:20: dhcp.subnet[1].lease_time: a duration needs a unit`,
		`cfg.toml:22: bans.ban_time: a duration needs a unit`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n  %s\nwant it to contain\n  %s", err, want)
		}
	}
}
