package profile

import "testing"

// Snom: the registrar host alone in user_host, the transport in
// user_outbound as host:port;transport=x; the time zone as Snom's code;
// language names as the firmware spells them.
func TestSnomLineAndLocale(t *testing.T) {
	r := newTestRegistry(t)
	p, _ := r.Profile("snom")
	d := SampleData("snom")
	d.SIPTransport, d.SIPPort, d.Language, d.TimeZone = "tls", 0, "fr", "Europe/Paris"
	kv, err := readLeaves(must(t)(r.Full(p, "snomD785.htm", d)), "settings", "phone-settings")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"user_host[1]":     "pbx.example.org",
		"user_outbound[1]": "pbx.example.org:5061;transport=tls",
		"timezone":         "FRA+1",
		"language":         "Français",
	}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("%s = %q, want %q", k, kv[k], v)
		}
	}
	// A zone Snom's table lacks, and a language it lacks, are left to the phone.
	d.TimeZone, d.Language = "Asia/Kolkata", "pl"
	kv, _ = readLeaves(must(t)(r.Full(p, "snomD785.htm", d)), "settings", "phone-settings")
	if _, ok := kv["timezone"]; ok {
		t.Errorf("timezone written for a zone without a Snom code: %q", kv["timezone"])
	}
	if _, ok := kv["language"]; ok {
		t.Errorf("language written for Polish: %q", kv["language"])
	}
}
