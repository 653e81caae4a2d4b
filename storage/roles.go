package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// RoleQuestion is the answer to a change whose role was left out when its country has not
// exactly one role on record: Liaison asks rather than guesses. Choices are the roles on record
// when there are several, every role when there is none. Entry is the manifest entry asked
// about (1-based), 0 for an arrival, a departure or a pledge.
type RoleQuestion struct {
	Country string
	Choices []mission.Role
	Entry   int
}

// Error is the question for logs.
func (q *RoleQuestion) Error() string {
	return fmt.Sprintf("role of %s left out: one of %v", q.Country, q.Choices)
}

// Unwrap is the question as a refusal in the reader's language, naming the choices: what an
// import row, a manifest or any door without buttons shows.
func (q *RoleQuestion) Unwrap() error {
	roles := roleChoices(q.Choices)
	if q.Entry > 0 {
		return mission.Refuse(mission.EInvalid, "held.role_ask_entry", "Entry", q.Entry, "Country", mission.CountryCode(q.Country),
			"Roles", roles).WithExample("held.role_ask.example", "Code", q.Country)
	}
	return mission.Refuse(mission.EInvalid, "held.role_ask", "Country", mission.CountryCode(q.Country), "Roles", roles).
		WithExample("held.role_ask.example", "Code", q.Country)
}

// roleChoices are roles as a question names them: as the reader's Discord client lists the role
// option's choices (`militaires`, `militares`), each of which the role rule reads back, so that
// a French or Spanish reader is not asked in English.
func roleChoices(roles []mission.Role) mission.OptionChoices {
	return mission.OptionChoices{Option: "role", Values: mission.Strings(roles...)}
}

// RoleQuestions is the question of a manifest with more than one entry whose role was left out.
type RoleQuestions []*RoleQuestion

// Error is the questions for logs.
func (qs RoleQuestions) Error() string { return fmt.Sprintf("%d roles left out", len(qs)) }

// Unwrap is the questions as one refusal naming each entry and its choices.
func (qs RoleQuestions) Unwrap() error {
	entries := make(mission.Texts, len(qs))
	for i, q := range qs {
		entries[i] = mission.T("held.role_entry", "Entry", q.Entry, "Country", mission.CountryCode(q.Country),
			"Roles", roleChoices(q.Choices))
	}
	q := qs[0]
	return mission.Refuse(mission.EInvalid, "held.role_ask_entries", "Entries", entries).
		WithExample("held.role_ask.example", "Code", q.Country)
}

// rolesOnRecord returns the roles country (alpha-2) has on record in the guild, in display
// order: deployed (a running total above zero) or pledged (any pledge not deleted).
func rolesOnRecord(db *gorm.DB, guildID, country string) ([]mission.Role, error) {
	var found []mission.Role
	err := db.Raw(`SELECT role FROM force_totals WHERE guild_id = ? AND country = ? AND deployed > 0
		UNION SELECT role FROM pledges WHERE guild_id = ? AND country = ? AND deleted_at IS NULL`,
		guildID, country, guildID, country).Scan(&found).Error
	if err != nil {
		return nil, fmt.Errorf("roles on record: %w", err)
	}
	var out []mission.Role
	for _, r := range mission.Roles() {
		if slices.Contains(found, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// resolveRole is the one rule for a left-out role, whatever door the change came through: the
// country's only role on record. With none or several it returns a *RoleQuestion and the
// change is not stored. A given role, or a country that is not one (the record's own check
// refuses it), is left as it is.
func resolveRole(db *gorm.DB, guildID, country string, role *mission.Role) error {
	if *role != "" {
		return nil
	}
	c, err := mission.LookupCountry(country)
	if err != nil {
		return nil
	}
	on, err := rolesOnRecord(db, guildID, c.Alpha2)
	if err != nil {
		return err
	}
	if len(on) == 1 {
		*role = on[0]
		return nil
	}
	if len(on) == 0 {
		all := mission.Roles()
		on = all[:]
	}
	return &RoleQuestion{Country: c.Alpha2, Choices: on}
}

// ResolveRole returns role, or when it is left out the country's only role on record, or a
// *RoleQuestion: the rule every write applies, for a door that must know the role before it
// writes (to look for a repeat of the change).
func (s *Store) ResolveRole(ctx context.Context, guildID, country string, role mission.Role) (mission.Role, error) {
	err := resolveRole(s.read.WithContext(ctx), guildID, country, &role)
	return role, err
}

// resolveManifest resolves each manifest line's left-out role and returns every question at
// once, each naming its entry, so that a moderator answers them in one go.
func resolveManifest(db *gorm.DB, guildID string, lines []ManifestLine) error {
	var qs RoleQuestions
	for i := range lines {
		err := resolveRole(db, guildID, lines[i].Country, &lines[i].Role)
		var q *RoleQuestion
		switch {
		case errors.As(err, &q):
			q.Entry = i + 1
			qs = append(qs, q)
		case err != nil:
			return err
		}
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return qs
}

// RepeatWindow is how close in time two records of the same country, role and personnel must
// be for the second to look like the first logged again.
const RepeatWindow = 24 * time.Hour

// Match is a record that a new change looks like a mistake against: the arrival or departure
// it repeats, or the pledge in force that a back-dated one would not replace.
type Match struct {
	Kind     mission.RecordKind
	ID       int64
	LoggedBy string
	// At is the record's time: when the personnel arrived or left, or the pledge's as-of.
	At time.Time
	// FlightID is the landed flight an arriving match came with, if any.
	FlightID *int64
	// UID is where the matched record was imported from ("" when logged here).
	UID string
}

// matches is the one rule of likely mistakes, for the command's check and the import's
// preview alike: for an arrival or a departure, the records of the same country, role and
// personnel less than RepeatWindow from its time (an arrival a landing logged is a landed
// flight's manifest line); for a pledge, the pledge in force for its country and role when the
// new one is older, since it would be stored and never be in force. The record must be
// normalised (its country a code, its role resolved).
func matches(db *gorm.DB, guildID string, rec any) ([]Match, error) {
	switch r := rec.(type) {
	case *Arrival:
		var found []Arrival
		err := db.Where("guild_id = ? AND country = ? AND role = ? AND personnel = ? AND arrived_at > ? AND arrived_at < ?",
			guildID, r.Country, r.Role, r.Personnel, utc(r.ArrivedAt.Add(-RepeatWindow)), utc(r.ArrivedAt.Add(RepeatWindow))).
			Order("arrived_at, id").Limit(mission.MaxMatches).Find(&found).Error
		if err != nil {
			return nil, fmt.Errorf("find repeated arrivals: %w", err)
		}
		out := make([]Match, len(found))
		for i, a := range found {
			out[i] = Match{Kind: mission.KindArrival, ID: a.ID, LoggedBy: a.LoggedBy, At: a.ArrivedAt, FlightID: a.FlightID, UID: a.UID}
		}
		return out, nil
	case *Departure:
		var found []Departure
		err := db.Where("guild_id = ? AND country = ? AND role = ? AND personnel = ? AND departed_at > ? AND departed_at < ?",
			guildID, r.Country, r.Role, r.Personnel, utc(r.DepartedAt.Add(-RepeatWindow)), utc(r.DepartedAt.Add(RepeatWindow))).
			Order("departed_at, id").Limit(mission.MaxMatches).Find(&found).Error
		if err != nil {
			return nil, fmt.Errorf("find repeated departures: %w", err)
		}
		out := make([]Match, len(found))
		for i, d := range found {
			out[i] = Match{Kind: mission.KindDeparture, ID: d.ID, LoggedBy: d.LoggedBy, At: d.DepartedAt, UID: d.UID}
		}
		return out, nil
	case *Pledge:
		var p Pledge
		err := db.Where("guild_id = ? AND country = ? AND role = ?", guildID, r.Country, r.Role).
			Order("as_of DESC, id DESC").Limit(1).Find(&p).Error
		if err != nil {
			return nil, fmt.Errorf("find pledge in force: %w", err)
		}
		if p.ID == 0 || !r.AsOf.Before(p.AsOf) {
			return nil, nil
		}
		return []Match{{Kind: mission.KindPledge, ID: p.ID, LoggedBy: p.LoggedBy, At: p.AsOf, UID: p.UID}}, nil
	}
	return nil, fmt.Errorf("no likely mistakes are known for %T", rec)
}

// Matches returns what rec (an *Arrival, *Departure or *Pledge about to be stored in the
// guild) looks like a mistake against; none when it looks right. The record is normalised
// first, as its write would, so that a name and a code find the same records.
func (s *Store) Matches(ctx context.Context, guildID string, rec any) ([]Match, error) {
	if err := normaliseCandidate(rec, s.now()); err != nil {
		return nil, err
	}
	return matches(s.read.WithContext(ctx), guildID, rec)
}

// normaliseCandidate applies a record's own check before it is compared.
func normaliseCandidate(rec any, now time.Time) error {
	switch r := rec.(type) {
	case *Arrival:
		return r.normalise(now)
	case *Departure:
		return r.normalise(now)
	case *Pledge:
		return r.normalise(now)
	}
	return fmt.Errorf("no likely mistakes are known for %T", rec)
}
