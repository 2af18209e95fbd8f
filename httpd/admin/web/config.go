package web

import (
	"crypto/tls"

	"github.com/provbox/provbox/provisioning/setting"
)

// Validate reports the problems of the web UI's keys as provbox.toml
// writes them, each a *setting.Error naming its key: a UI that listens
// needs a usable password file (the same checks New runs), and HTTPS
// needs both a certificate and a key that load. A UI that is off
// (no Addr) has nothing to check.
func (c Config) Validate() error {
	if c.Addr == "" {
		return nil
	}
	if c.PasswordFile == "" {
		return setting.Errorf("admin.web_password_file", "required when admin.web_listen is set: the web UI is never open")
	}
	if _, err := ReadPasswordFile(c.PasswordFile); err != nil {
		return setting.Errorf("admin.web_password_file", "%v", err)
	}
	switch {
	case c.TLSCert == "" && c.TLSKey == "":
	case c.TLSCert == "" || c.TLSKey == "":
		return setting.Errorf("admin.web_tls_cert", "admin.web_tls_cert and admin.web_tls_key are both required for HTTPS on the web UI")
	default:
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			return setting.Errorf("admin.web_tls_cert", "loading certificate and key: %v", err)
		}
	}
	return nil
}
