package accessible

import (
	"github.com/tillpair/tillpair/internal/wording"
	"github.com/tillpair/tillpair/providers"
)

// describe words an error from the one catalogue (internal/wording), as
// the screens and the command line do; a provider's setup is named as
// the command that does it, since line mode has no Setup key.
func (s *session) describe(err error) providers.Wording {
	id := s.o.Provider
	if pe, ok := providers.AsError(err); ok && pe.Provider != "" {
		id = pe.Provider
	}
	return wording.Describe(s.o.Service.Registry(), err).WithSetup("`tillpair setup " + id + "`")
}

// descriptor describes provider id.
func (s *session) descriptor(id string) *providers.Descriptor {
	if d, ok := s.o.Service.Descriptor(id); ok {
		return d
	}
	return &providers.Descriptor{ID: id, Name: id, Short: id}
}
