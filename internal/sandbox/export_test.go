package sandbox

// FaultCount is how many faults are installed, for the external tests.
func (s *Sandbox) FaultCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}
