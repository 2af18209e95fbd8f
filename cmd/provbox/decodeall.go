package main

import (
	"cmp"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// The toml package stops at the first value it cannot decode. To report
// every bad value of a file in one pass, the file is parsed once (a
// syntax error does stop there: nothing after it can be read reliably),
// then decoded key by key: each table is split into its keys, and each
// value that fails is reported with its indexed key path and line while
// the others decode on.

// fileDecoder decodes a parsed file into the schema, collecting errors.
type fileDecoder struct {
	md   *toml.MetaData
	path string // the file as the user named it
	keys *keyIndex
	errs []positioned
}

// positioned is one error with where it sits, for ordering.
type positioned struct {
	line, col int
	err       error
}

var (
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	tomlUnmarshalerType = reflect.TypeOf((*toml.Unmarshaler)(nil)).Elem()
)

// decodeAll decodes text into schema (a pointer to a struct holding the
// defaults). A syntax error is returned alone; otherwise every value
// that does not fit its key is returned, in file order.
func decodeAll(path, text string, keys *keyIndex, schema any) (toml.MetaData, error) {
	var top map[string]toml.Primitive
	md, err := toml.Decode(text, &top)
	if err != nil {
		return md, describeDecodeError(path, keys, err)
	}
	d := &fileDecoder{md: &md, path: path, keys: keys}
	d.table(top, reflect.ValueOf(schema).Elem(), "")
	slices.SortStableFunc(d.errs, func(a, b positioned) int { return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col)) })
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = e.err
	}
	return md, errors.Join(errs...)
}

// table decodes the keys of one table into the struct rv; keys the
// schema does not know are left for unknownKeys.
func (d *fileDecoder) table(tbl map[string]toml.Primitive, rv reflect.Value, path string) {
	for key, prim := range tbl {
		fv, ok := fieldValue(rv, key)
		if !ok {
			continue
		}
		p := key
		if path != "" {
			p = path + "." + key
		}
		d.value(prim, fv, p)
	}
}

// value decodes prim into rv: tables and arrays of tables key by key,
// anything else at once.
func (d *fileDecoder) value(prim toml.Primitive, rv reflect.Value, path string) {
	t := rv.Type()
	switch {
	case isLeaf(t):
		if err := d.md.PrimitiveDecode(prim, rv.Addr().Interface()); err != nil {
			d.fail(path, err)
		}
	case t.Kind() == reflect.Struct:
		var tbl map[string]toml.Primitive
		if err := d.md.PrimitiveDecode(prim, &tbl); err != nil {
			d.fail(path, err)
			return
		}
		d.table(tbl, rv, path)
	default: // an array of tables
		var elems []toml.Primitive
		if err := d.md.PrimitiveDecode(prim, &elems); err != nil {
			d.fail(path, err)
			return
		}
		s := reflect.MakeSlice(t, len(elems), len(elems))
		for i := range elems {
			d.value(elems[i], s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		rv.Set(s)
	}
}

// isLeaf reports whether values of t decode as a whole: everything but
// structs (tables) and slices of structs (arrays of tables) that do not
// parse themselves.
func isLeaf(t reflect.Type) bool {
	parses := func(t reflect.Type) bool {
		pt := reflect.PointerTo(t)
		return pt.Implements(textUnmarshalerType) || pt.Implements(tomlUnmarshalerType)
	}
	switch {
	case parses(t):
		return true
	case t.Kind() == reflect.Struct:
		return false
	case t.Kind() == reflect.Slice:
		return t.Elem().Kind() != reflect.Struct || parses(t.Elem())
	}
	return true
}

// fieldValue finds the field of the struct rv that key decodes into, as
// toml does: by tag (or name), embedded structs included, an exact match
// before one that differs in case.
func fieldValue(rv reflect.Value, key string) (reflect.Value, bool) {
	f, ok := fieldByTag(rv.Type(), key)
	if !ok {
		return reflect.Value{}, false
	}
	v, err := rv.FieldByIndexErr(f.Index)
	return v, err == nil
}

// fail records err, from decoding the value at the indexed path, as
// "FILE:LINE[:COL]: PATH: why".
func (d *fileDecoder) fail(path string, err error) {
	e, known := d.keys.entryAt(path)
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line, col := pe.Position.Line, pe.Position.Col
		if known {
			line, col = e.line, e.col
			if c, ok := e.colOf(quotedIn(pe.Message)); ok {
				col = c
			}
		}
		d.errs = append(d.errs, positioned{line, col, fmt.Errorf("%s:%d:%d: %s: %s", d.path, line, col, path, plainDecodeMessage(pe.Message))})
		return
	}
	msg := err.Error()
	line := 0
	if m := tomlLineErr.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		msg = m[3]
	} else {
		msg = strings.TrimPrefix(msg, "toml: ")
		if _, rest, ok := strings.Cut(msg, "): "); ok && strings.HasPrefix(msg, "(last key") {
			msg = rest
		}
	}
	if known {
		line = e.line
	}
	why := plainDecodeMessage(msg)
	if isTableArray(plainPath(path)) && strings.Contains(msg, "destination has type slice") {
		why = fmt.Sprintf("write each entry as a [[%s]] table (double brackets)", plainPath(path))
	}
	where := d.path
	if line > 0 {
		where = fmt.Sprintf("%s:%d", d.path, line)
	}
	d.errs = append(d.errs, positioned{line, 0, fmt.Errorf("%s: %s: %s", where, path, why)})
}

// plainPath drops the array indexes of an indexed key path.
func plainPath(path string) string { return arrayIndex.ReplaceAllString(path, "") }
