package main

import (
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// suggestKey returns a hint (quoted key names) for an unknown key: the known key of the same
// table closest in spelling (`advertize` -> `advertise`), else the
// section where a key of exactly that name lives (`lease_time` under
// [server] -> dhcp.lease_time), else "".
func suggestKey(schema any, k toml.Key) string {
	root := reflect.TypeOf(schema)
	last := k[len(k)-1]
	parent := root
	if len(k) > 1 {
		parent = fieldType(root, k[:len(k)-1])
	}
	best, bestDist := "", 0
	for _, name := range tableKeys(parent) {
		if d := editDistance(last, name); best == "" || d < bestDist {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist <= max(1, len(last)/3) {
		return `"` + best + `"`
	}
	var found []string
	walkKeys(root, "", func(path, name string) {
		if name == last {
			found = append(found, `"`+path+`"`)
		}
	})
	return strings.Join(found, " or ")
}

// tableKeys are the keys a table of type t takes, nil if t is no table.
func tableKeys(t reflect.Type) []string {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice) {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		switch {
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			names = append(names, tableKeys(f.Type)...)
		case name != "" && name != "-" && f.IsExported():
			names = append(names, name)
		}
	}
	return names
}

// walkKeys calls fn with every key path of the schema and its last part.
func walkKeys(t reflect.Type, prefix string, fn func(path, name string)) {
	for _, name := range tableKeys(t) {
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		fn(path, name)
		if ft := fieldType(t, toml.Key{name}); ft != nil && !slices.Contains(durationTypes, ft) {
			walkKeys(ft, path, fn)
		}
	}
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
