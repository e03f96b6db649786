package accessible

import (
	"context"
	"strings"

	"github.com/tillpair/tillpair/internal/pairing"
)

// otherProviders names the providers besides the current one.
func (s *session) otherProviders() []string {
	var out []string
	for _, p := range s.o.Service.Providers() {
		if p.ID() != s.o.Provider {
			out = append(out, p.ID()+" ("+s.descriptor(p.ID()).Name+")")
		}
	}
	return out
}

// matchProvider reads an answer as a provider id.
func (s *session) matchProvider(a string) (string, bool) {
	for _, p := range s.o.Service.Providers() {
		if strings.EqualFold(strings.TrimSpace(a), p.ID()) {
			return p.ID(), true
		}
	}
	return "", false
}

// ensureRegister shows the register identity a provider pairs by
// (SmartConnect's), or asks for one when none is set up.
func (s *session) ensureRegister(ctx context.Context) error {
	if d := s.ps.Descriptor(); !d.Register.Asks() {
		// Known by a generated id alone (Linkly's POS ID): made once.
		id, created, err := s.o.Service.EnsureRegisterID()
		if err != nil {
			return s.fail(err)
		}
		verb := "This register's"
		if created {
			verb = "Made this register's"
		}
		s.printf("%s %s %s: %s.\n", verb, d.Short, label(d.Register.IDLabel, "register ID"), id.RegisterID)
		return nil
	}
	id, ok, err := s.o.Service.Register()
	if err != nil {
		return s.fail(err)
	}
	if ok {
		s.printf("Register: %s (business %s, vendor %s), Register ID %s.\n", id.RegisterName, id.BusinessName, id.VendorName, id.RegisterID)
		return nil
	}
	short := s.ps.Descriptor().Short
	s.printf("This register has no %s identity yet. %s knows this register by these values.\n", short, short)
	var in pairing.RegisterInput
	for _, f := range []struct {
		label string
		dst   *string
	}{{"Register name", &in.RegisterName}, {"Business name", &in.BusinessName}, {"Vendor name", &in.VendorName}} {
		v, err := s.ask(ctx, f.label+": ")
		if err != nil {
			return err
		}
		*f.dst = v
	}
	ch, err := s.o.Service.SaveRegister(in)
	if err != nil {
		return s.fail(err)
	}
	s.printf("Saved. Register ID %s.\n", ch.Identity.RegisterID)
	return nil
}
