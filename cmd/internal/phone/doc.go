// Package phone emulates SIP desk phones of every vendor provbox supports,
// the way each one really boots: a broadcast DHCP DORA with the vendor's
// option 60 and parameter request list, the bootstrap location read from the
// option that vendor uses, its file names in its order over TFTP or HTTP with
// its own User-Agent, then the redirect config, the secret URL and the full
// config. It also plays the attackers the lab throws at the daemon.
//
// The readers of redirect and full configs are written here from the vendor
// documentation, independently of provisioning/profile, so that a template
// that renders something a real phone would not understand fails the lab
// instead of being checked against itself.
package phone
