package provisioning

import "fmt"

// Masked replaces every password in a preview.
const Masked = "********"

// Preview is what a device's phone would get now at its secret URL,
// with its passwords masked.
type Preview struct {
	MAC         MAC
	Vendor      string
	File        string // the file name the phone asks for
	ContentType string
	Body        []byte
}

// Preview renders device m's full config as Fetch would, with every SIP
// password replaced by Masked. It has no side effect: no lock, no
// strike, no audit line, and the real passwords never reach the output.
func (s *Service) Preview(m MAC) (Preview, error) {
	cfg, reg := s.config()
	s.mu.RLock()
	d, ok := s.devices[m]
	var a *Account
	if ok {
		a = s.accounts[d.Account]
	}
	if !ok || a == nil {
		s.mu.RUnlock()
		return Preview{}, notFoundf("device %s", m)
	}
	data := renderData(cfg.BaseURL, d, a)
	s.mu.RUnlock()
	p, ok := reg.Profile(d.Vendor)
	if !ok {
		return Preview{}, invalidf("device %s: unknown vendor %q", m, d.Vendor)
	}
	file, ok := p.PrimaryFile(m)
	if !ok {
		return Preview{}, invalidf("device %s: vendor %s has no MAC-named config file", m, p.Name)
	}
	for i := range data.Lines {
		data.Lines[i].Password = Masked
	}
	body, err := reg.Full(p, file, data)
	if err != nil {
		return Preview{}, fmt.Errorf("rendering the preview of %s: %w", m, err)
	}
	return Preview{MAC: m, Vendor: p.Name, File: file, ContentType: p.ContentType, Body: body}, nil
}
