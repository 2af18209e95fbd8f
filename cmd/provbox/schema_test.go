package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

var tomlUnmarshaler = reflect.TypeOf((*toml.Unmarshaler)(nil)).Elem()

// The sections the packages own are their Config types, which carry
// fields that are not keys (clocks, callbacks, tuning for tests). toml
// decodes an untagged exported field by its Go name, so such a field
// would silently become a key: every exported field of the schema must
// say what it is, a key name or "-".
func TestSchemaFieldsTagged(t *testing.T) {
	var untagged []string
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag, hasTag := f.Tag.Lookup("toml")
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch {
			case f.Anonymous && !hasTag:
				walk(ft, path)
				continue
			case !hasTag || name == "":
				untagged = append(untagged, path+t.Name()+"."+f.Name)
				continue
			case name == "-":
				continue
			}
			if ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(textUnmarshaler) &&
				!reflect.PointerTo(ft).Implements(tomlUnmarshaler) {
				walk(ft, path+name+".")
			}
		}
	}
	walk(reflect.TypeOf(fileConfig{}), "")
	if len(untagged) > 0 {
		t.Errorf("exported fields without a toml tag (give each its key, or `toml:\"-\"`): %v", untagged)
	}
}
