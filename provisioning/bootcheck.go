package provisioning

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/setting"
)

// Validate reports every problem of the bootstrap keys of [dhcp] (the
// protocol and the [[dhcp.class]] rules) as provbox.toml writes them,
// each a *setting.Error naming its key. That a class names a known vendor
// is checked against the registry, where it is loaded.
func (b BootConfig) Validate() error {
	var errs []error
	if b.Proto != ProtoHTTP && b.Proto != ProtoTFTP {
		errs = append(errs, setting.Errorf("dhcp.bootstrap", "%q: want \"http\" or \"tftp\"", b.Proto))
	}
	for i, c := range b.Classes {
		errs = append(errs, c.check(fmt.Sprintf("dhcp.class[%d]", i))...)
	}
	return errors.Join(errs...)
}

// optionForms are the encodings a [[dhcp.class.option]] may ask for.
var optionForms = []profile.OptionForm{profile.FormURL, profile.FormHost, profile.FormIPList, profile.FormBootFile, profile.FormVendorSub}

// managedOptions are set by the DHCP server from other keys (or by the
// protocol itself); a class may not override them.
var managedOptions = map[uint8]string{0: "pad", 1: "dhcp.subnet.cidr", 3: "dhcp.subnet.router",
	6: "dhcp.subnet.dns", 15: "dhcp.subnet.domain", 42: "dhcp.subnet.ntp", 50: "the protocol",
	51: "dhcp.lease_time", 52: "the protocol", 53: "the protocol", 54: "the protocol", 55: "the protocol",
	56: "the protocol", 57: "the protocol", 58: "dhcp.lease_time", 59: "dhcp.lease_time",
	61: "the protocol", 82: "the relay agent", 255: "end"}

func (c BootClass) check(key string) []error {
	var errs []error
	fail := func(key, format string, args ...any) { errs = append(errs, setting.Errorf(key, format, args...)) }
	if c.Vendor == "" {
		fail(key+".vendor", "required: the vendor profile this class selects")
	}
	for j, s := range append(slices.Clone(c.ClassPrefixes), c.ClassContains...) {
		if s == "" {
			fail(key, "empty string in option60_prefix/option60_contains (entry %d) would match every client", j+1)
		}
	}
	for j, o := range c.Options {
		errs = append(errs, checkOption(fmt.Sprintf("%s.option[%d]", key, j), o)...)
	}
	return errs
}

func checkOption(key string, o profile.BootOption) []error {
	var errs []error
	fail := func(key, format string, args ...any) { errs = append(errs, setting.Errorf(key, format, args...)) }
	if o.Code < 1 || o.Code > 254 {
		fail(key+".code", "must be 1-254, got %d", o.Code)
	} else if by, ok := managedOptions[o.Code]; ok {
		fail(key+".code", "option %d is set by %s, not by a class", o.Code, by)
	}
	if !slices.Contains(optionForms, o.Form) {
		forms := make([]string, len(optionForms))
		for i, f := range optionForms {
			forms[i] = string(f)
		}
		fail(key+".form", "%q: want one of %s", o.Form, strings.Join(forms, ", "))
	}
	vendorSub, bootfile := o.Form == profile.FormVendorSub, o.Form == profile.FormBootFile
	switch {
	case vendorSub && (o.SubCode < 1 || o.SubCode > 254):
		fail(key+".sub_code", "must be 1-254 with form = \"vendor-sub\", got %d", o.SubCode)
	case !vendorSub && o.SubCode != 0:
		fail(key+".sub_code", "only means something with form = \"vendor-sub\"")
	case bootfile && o.Value == "":
		fail(key+".value", "required with form = \"bootfile\": the file name")
	case !bootfile && o.Form != profile.FormURL && o.Value != "":
		fail(key+".value", "only means something with form = \"bootfile\" (the file) or \"url\" (a path after the bootstrap URL)")
	}
	return errs
}
