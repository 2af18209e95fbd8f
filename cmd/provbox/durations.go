package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/provbox/provbox/provisioning/setting"
)

// durationTypes are the schema's duration types: toml reads a bare
// number into each as nanoseconds.
var durationTypes = []reflect.Type{reflect.TypeOf(time.Duration(0)), reflect.TypeOf(setting.Timeout(0))}

// unitlessDurations reports every duration key written as a bare number.
// toml reads `ban_time = 3600` into a time.Duration as 3600 ns, so a
// forgotten unit would silently mean "nothing": a ban of 0 s, a device
// locked the moment it is added. Every time.Duration field of the schema
// is covered, whatever its section.
func unitlessDurations(path string, keys *keyIndex, md toml.MetaData, schema any) error {
	var errs []error
	seen := map[string]int{}
	for _, k := range md.Keys() {
		name := k.String()
		n := seen[name]
		seen[name]++
		if md.Type(k...) != "Integer" || !slices.Contains(durationTypes, fieldType(reflect.TypeOf(schema), k)) {
			continue
		}
		const msg = `a duration needs a unit, e.g. "24h", "30m" or "90s"`
		if e, ok := keys.entry(name, n); ok {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %s", path, e.line, e.path, msg))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s: %s", path, name, msg))
		}
	}
	return errors.Join(errs...)
}

// fieldType follows a TOML key through struct fields by their toml tags
// (through slices for arrays of tables) and returns the type it lands on,
// or nil when the key is not part of the schema.
func fieldType(t reflect.Type, key toml.Key) reflect.Type {
	for _, part := range key {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := fieldByTag(t, part)
		if !ok {
			return nil
		}
		t = f.Type
	}
	return t
}

// fieldByTag finds the field toml decodes part into, embedded structs
// included; like toml, it prefers an exact match to one that differs only
// in case. The field's Index leads from t to it.
func fieldByTag(t reflect.Type, part string) (reflect.StructField, bool) {
	if f, ok := fieldMatching(t, func(name string) bool { return name == part }); ok {
		return f, true
	}
	return fieldMatching(t, func(name string) bool { return strings.EqualFold(name, part) })
}

func fieldMatching(t reflect.Type, match func(name string) bool) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue // toml cannot set it: a key of that name is unknown
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if g, ok := fieldMatching(f.Type, match); ok {
				g.Index = append([]int{i}, g.Index...)
				return g, true
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name != "-" && match(name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
