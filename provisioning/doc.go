// Package provisioning is provbox's core: MACs, accounts, devices, leases,
// locks, the audit trail, and the decisions the protocol servers ask for
// (Boot for DHCP, Fetch for TFTP and HTTP).
//
// It imports only the standard library and its own stdlib-only
// sub-packages; persistence sits behind the Store interface, implemented in
// provisioning/store. Hot-path lookups are served from memory kept in step
// with the store: every write goes to the store first and reaches memory
// only once the store has acknowledged it.
package provisioning
