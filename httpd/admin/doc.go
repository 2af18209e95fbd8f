// Package admin is provbox's admin API: JSON over HTTP on the daemon's
// unix socket (mode 0660, so members of the daemon's group may use it),
// and the Client the provbox CLI uses to call it. The daemon is the only
// writer of the state database; every change an admin makes goes through
// here to the provisioning core.
//
// Routes (all JSON; errors are {"error": "..."} with 400 for bad input,
// 404 for something unknown, 409 for a duplicate):
//
//	GET    /v1/status                  Status
//	GET    /v1/accounts                []Account
//	POST   /v1/accounts                AccountInput -> Account
//	GET    /v1/accounts/{name}         Account
//	POST   /v1/accounts/{name}/rekey   [RekeyInput] -> Account
//	GET    /v1/devices                 []DeviceInfo
//	POST   /v1/devices                 DeviceInput -> DeviceInfo
//	POST   /v1/devices/import          []DeviceInput -> []DeviceInfo (all or none)
//	GET    /v1/devices/{mac}           DeviceInfo
//	DELETE /v1/devices/{mac}
//	POST   /v1/devices/{mac}/lock      DeviceInfo
//	POST   /v1/devices/{mac}/unlock    UnlockInput -> DeviceInfo
//	POST   /v1/devices/{mac}/rekey     [RekeyInput] -> DeviceInfo
//	GET    /v1/leases                  []Lease
//	GET    /v1/events?mac=&since=&limit=  []Event (newest first); also
//	       ip=, outcome=, reason= and actor= (prefixes), until=, offset=, before= (an ID)
//	GET    /v1/events.csv?(the same)   text/csv, at most ops.MaxEvents lines
//	PATCH  /v1/accounts/{name}         AccountEditInput -> Account
//	DELETE /v1/accounts/{name}?force=  AccountRemoved (refused while used, unless force)
//	PATCH  /v1/devices/{mac}           DeviceEditInput -> DeviceInfo
//	POST   /v1/devices/{mac}/replace   ReplaceInput -> DeviceInfo
//	GET    /v1/devices/{mac}/preview   PreviewInfo (passwords masked, no side effect)
//	GET    /v1/pending                 []PendingInfo
//	POST   /v1/pending/{mac}/adopt     AdoptInput -> DeviceInfo
//	GET    /v1/bans                    []Ban
//	POST   /v1/bans                    BanInput -> Ban
//	DELETE /v1/bans/{ip}
//
// Every change is audited with its actor: on the unix socket, the peer's
// user (SO_PEERCRED).
//
// The API is consumed only by the CLI of the same build; it is versioned
// in the path so a second client can rely on it. Its wire types are its
// own (wire.go converts the core's), so a core rename does not change
// /v1. Parsing, validation and the status of an error live in
// httpd/admin/ops, which the web UI (httpd/admin/web) uses too.
package admin
