package phone

import "testing"

// The ipv6-thief finds the secret path in any vendor's redirect and aims
// it at the server's IPv6 address.
func TestSecretRef(t *testing.T) {
	const a, d = "KG7g4nAAAAAAAAAAAAAAAAAA", "epfFzZBBBBBBBBBBBBBBBBBB"
	for body, want := range map[string]Target{
		`include:config "http://10.1.2.1/` + a + `/` + d + `/805ec0200007.cfg"`:    {File: "http://[fe80::1%25eth0]/" + a + "/" + d + "/805ec0200007.cfg"},
		`<Profile_Rule>http://10.1.2.1/` + a + `/` + d + `/$MA.xml</Profile_Rule>`: {Base: "http://[fe80::1%25eth0]/" + a + "/" + d + "/"},
		`<APP_FILE_PATH>tftp://10.1.2.1/` + a + `/` + d + `/</APP_FILE_PATH>`:      {Base: "http://[fe80::1%25eth0]/" + a + "/" + d + "/"},
	} {
		m := secretRef.FindSubmatch([]byte(body))
		if m == nil {
			t.Errorf("no secret URL found in %s", body)
			continue
		}
		if got := secretTarget("http://[fe80::1%25eth0]/", string(m[1])); got != want {
			t.Errorf("%s: target %+v, want %+v", body, got, want)
		}
	}
	if secretRef.MatchString(`http://10.1.2.1/short/` + d + `/x.cfg`) {
		t.Error("a path that is not two hashes matched")
	}
}
