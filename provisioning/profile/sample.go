package profile

// SampleData is a complete, valid Data for a device of the named vendor
// (MAC from its first OUI), with two lines whose display names need
// escaping. New renders every template against it; tests use it too.
func SampleData(vendor string) Data {
	mac := [6]byte{0x02, 0, 0, 0x11, 0x22, 0x33}
	for _, p := range builtins() {
		if p.Name == vendor && len(p.DHCP.OUIs) > 0 {
			copy(mac[:3], p.DHCP.OUIs[0][:])
		}
	}
	const acct, dev = "k3Jq0vZ8-pTs2YbWnRc4LmXe", "Qw7_Ha9dZr1UfYp5NcT0sBgK"
	return Data{
		MAC: mac, Vendor: vendor, Model: "",
		ProvisionURL:    "https://prov.example.org/" + acct + "/" + dev + "/",
		ProvisionScheme: "https", ProvisionHost: "prov.example.org",
		ProvisionPath: "/" + acct + "/" + dev + "/",
		SIPServer:     "pbx.example.org", SIPPort: 0, SIPTransport: "udp",
		NTPServer: "pool.ntp.org", TimeZone: "Europe/Berlin", Language: "en",
		Lines: []Line{
			{Index: 1, Extension: "201", AuthUser: "201", Password: `s3cr3t&<pw>"'`, DisplayName: `Anna & "Bo" <Sales>`, Label: "Anna"},
			{Index: 2, Extension: "299", AuthUser: "", Password: "queue-pw-299", DisplayName: "Queue", Label: "Queue 299"},
		},
	}
}
