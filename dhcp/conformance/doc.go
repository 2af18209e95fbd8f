// Package conformance is a protocol test suite for DHCPv4 servers, in the
// style of a conformance suite: each test sends exact packets over veth
// pairs in network namespaces it creates and asserts on the reply's fields
// and options, citing the RFC section it checks (RFC 2131, RFC 2132,
// RFC 6842). The package holds tests only.
//
// Every test runs against two servers, as subtests: provbox (the real
// dhcp.Server on the SQLite store, in a helper process inside the server
// namespace) and ISC Kea (kea-dhcp4, Debian package kea-dhcp4-server) as a
// control: a test that Kea fails is a wrong test, not a Kea bug. Kea's
// subtests skip with a message when kea-dhcp4 is not installed; all skip
// when not root.
//
// Topology (addresses from RFC 1918 space, unique namespace names):
//
//	client ns  cli veth (no address)     ── srv veth 10.90.0.1/24  server ns
//	relay ns   rel veth 10.91.0.2/24     ── srv veth 10.91.0.1/24
//	           lo 10.92.0.1/32 (giaddr)     route 10.92.0.0/24 via 10.91.0.2
//
// Served subnets: 10.90.0.0/24 (direct; pool 10.90.0.10-19, or two
// addresses for the exhaustion tests) and 10.92.0.0/24 (relayed; pool
// 10.92.0.10-19); lease time 3600 s, T1 1800 s, T2 3150 s.
//
// Replies are captured with a packet socket on the client's (or relay's)
// veth in promiscuous mode, so a reply is seen whatever its destination
// (broadcast, unicast to yiaddr or ciaddr, or to the relay).
package conformance
