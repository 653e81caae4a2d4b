package storage

import (
	"context"
	"sort"
)

// CountryForce is one country's force level and pledge: a row of /forces and of the digest.
type CountryForce struct {
	Country  string
	Deployed int64 // personnel on the ground, over every role
	Pledged  int64 // the sum of the current pledges of known size
	Pledges  int   // the number of current pledges (one per role), sized or not
	// PledgeUnknown is set when a current pledge has no reported size, so Pledged is a lower
	// bound (or, with Pledged 0, no figure at all).
	PledgeUnknown bool
}

// ForceLevels returns the guild's force level per country, from ForceTotals and CurrentPledges:
// every country with personnel deployed or a current pledge, by deployed (most first) then
// country code, and the total deployed.
func (s *Store) ForceLevels(ctx context.Context, guildID string) ([]CountryForce, int64, error) {
	totals, err := s.ForceTotals(ctx, guildID)
	if err != nil {
		return nil, 0, err
	}
	pledges, err := s.CurrentPledges(ctx, guildID)
	if err != nil {
		return nil, 0, err
	}
	byCountry := map[string]*CountryForce{}
	get := func(c string) *CountryForce {
		if byCountry[c] == nil {
			byCountry[c] = &CountryForce{Country: c}
		}
		return byCountry[c]
	}
	var deployed int64
	for _, t := range totals {
		get(t.Country).Deployed += t.Deployed
		deployed += t.Deployed
	}
	for _, p := range pledges {
		f := get(p.Country)
		f.Pledges++
		if p.Personnel == nil {
			f.PledgeUnknown = true
		} else {
			f.Pledged += int64(*p.Personnel)
		}
	}
	out := make([]CountryForce, 0, len(byCountry))
	for _, f := range byCountry {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Deployed != out[j].Deployed {
			return out[i].Deployed > out[j].Deployed
		}
		return out[i].Country < out[j].Country
	})
	return out, deployed, nil
}
