// Package crosscheck connects the integrity check (package verify) to the office's
// registry: verify asks plain questions — this card, this policy — and this adapter
// answers them from a registry.Store, so neither package depends on the other.
package crosscheck

import (
	"context"
	"errors"
	"fmt"

	"omsdesk/cardio/registry"
	"omsdesk/cardio/verify"
)

// Registry adapts a registry to verify.RegistryLookup. ctx bounds every lookup.
func Registry(ctx context.Context, store registry.Store) verify.RegistryLookup {
	return lookup{ctx: ctx, store: store}
}

type lookup struct {
	ctx   context.Context
	store registry.Store
}

func (l lookup) CardBySerial(serial string) (verify.RegistryCard, bool, error) {
	c, err := l.store.Card(l.ctx, serial)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return verify.RegistryCard{}, false, nil
	case err != nil:
		return verify.RegistryCard{}, false, fmt.Errorf("looking up card: %w", err)
	}
	return verify.RegistryCard{Serial: c.Serial, Status: string(c.Status), ENP: c.ENP}, true, nil
}

func (l lookup) PolicyByENP(enp string) (verify.RegistryPolicy, bool, error) {
	p, err := l.store.Policy(l.ctx, enp)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return verify.RegistryPolicy{}, false, nil
	case err != nil:
		return verify.RegistryPolicy{}, false, fmt.Errorf("looking up policy: %w", err)
	}
	out := verify.RegistryPolicy{ENP: p.ENP, Surname: p.Person.Surname, FirstName: p.Person.FirstName,
		Patronymic: p.Person.Patronymic, BirthDate: p.Person.BirthDate}
	recs, err := l.store.InsurerRecords(l.ctx, enp)
	if err != nil {
		return verify.RegistryPolicy{}, false, fmt.Errorf("looking up insurer records: %w", err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].End.IsZero() {
			out.OGRN, out.OKATO, out.InsurerStart = recs[i].OGRN, recs[i].OKATO, recs[i].Start
			break
		}
	}
	return out, true, nil
}
