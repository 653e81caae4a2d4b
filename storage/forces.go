package storage

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"liaison/mission"
)

// CountryForce is one country's force level and pledge: a row of /forces and of the digest.
type CountryForce struct {
	Country  string
	Deployed int64 // personnel on the ground, over every role
	Women    int64 // of Deployed, the women recorded
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
		get(t.Country).Women += t.Women
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

// SetPoliceType marks how a contributor's police are reported in the UN export: formed police
// units or individual police officers. Marking a country formed removes its row, since formed
// units are the default. The change is audited as a settings change of the guild.
func (s *Store) SetPoliceType(ctx context.Context, a Actor, country string, t mission.PersonnelType) (PoliceType, error) {
	row := PoliceType{GuildID: a.GuildID, Country: country, PersonnelType: t, UpdatedAt: s.now()}
	if t != mission.TypeFormedPolice && t != mission.TypeIndividualPolice {
		return row, mission.Refuse(mission.EInvalid, "women.parse.police_type", "Input", fmt.Sprintf("%q", t))
	}
	if _, ok := mission.CountryByAlpha2(country); !ok {
		return row, mission.Refuse(mission.EInvalid, "women.error.unknown_country", "Input", fmt.Sprintf("%q", country))
	}
	// Police types are records of the guild's contributors, not its settings: the digests do
	// not depend on them.
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		before := PoliceType{GuildID: a.GuildID, Country: country, PersonnelType: mission.DefaultPoliceType}
		if err := tx.Where("guild_id = ? AND country = ?", a.GuildID, country).Limit(1).Find(&before).Error; err != nil {
			return fmt.Errorf("read police type: %w", err)
		}
		var err error
		if t == mission.DefaultPoliceType {
			err = tx.Where("guild_id = ? AND country = ?", a.GuildID, country).Delete(&PoliceType{}).Error
		} else {
			err = tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "guild_id"}, {Name: "country"}},
				DoUpdates: clause.AssignmentColumns([]string{"personnel_type", "updated_at"}),
			}).Create(&row).Error
		}
		if err != nil {
			return fmt.Errorf("set police type: %w", err)
		}
		return s.audit(tx, a, mission.KindSettings, 0, mission.ActionUpdate, before, row)
	})
	return row, err
}

// PoliceTypes returns the guild's contributors whose police are marked, alpha-2 → personnel
// type; a country not in it reports formed police units (mission.DefaultPoliceType).
func (s *Store) PoliceTypes(ctx context.Context, guildID string) (map[string]mission.PersonnelType, error) {
	var rows []PoliceType
	if err := s.read.WithContext(ctx).Where("guild_id = ?", guildID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("police types: %w", err)
	}
	out := make(map[string]mission.PersonnelType, len(rows))
	for _, r := range rows {
		out[r.Country] = r.PersonnelType
	}
	return out, nil
}
