package dhcp

// WithLiveness gives the server a check made just before each reply is
// written: when it says no, the reply is withheld. A failover node passes
// its term of leadership, so a process that resumes after a pause (GC,
// SIGSTOP, a suspended VM) answers nothing once its term may have ended,
// even before the timer that stops it has fired.
func WithLiveness(live func() bool) Option { return func(s *Server) { s.live = live } }

// mayReply reports whether a reply may leave now.
func (s *Server) mayReply() bool {
	if s.live == nil || s.live() {
		return true
	}
	s.log.Debug("reply withheld: this node's term of DHCP service has ended")
	return false
}
