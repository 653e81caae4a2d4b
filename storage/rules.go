package storage

import (
	"strings"
	"time"

	"liaison/mission"
)

// The rules of each kind of record, applied by every write of that kind whatever door it came
// through: a slash command, a button, an import (Bulk) or a report's draft. Each checks the
// record with the rule functions of package mission and normalises it (a country typed as a
// name becomes its alpha-2 code, times are UTC). The doors check their input first with the
// same functions, naming the option or column the reader typed; these calls are the guarantee
// that no door can store what cannot be true. A refusal is a *mission.Error, so the reader gets
// a sentence in their language rather than a database constraint.

// normaliseContingent checks and normalises what arrivals, departures and pledges share.
func normaliseContingent(country *string, role *mission.Role) error {
	c, err := mission.LookupCountry(*country)
	if err != nil {
		return err
	}
	*country = c.Alpha2
	if !role.Valid() {
		r, err := mission.ParseRole(string(*role))
		if err != nil {
			return err
		}
		*role = r
	}
	if *role == "" {
		// Every write resolves a left-out role first (resolveRole); a door that did not is
		// refused rather than let it store a record of no role.
		return mission.Refuse(mission.EInvalid, "held.role_required", "Country", mission.CountryCode(c.Alpha2))
	}
	return nil
}

// normalisePeople checks what arrivals, departures and manifest lines share: a known country
// and role, 1..100000 personnel, and the women within them.
func normalisePeople(country *string, role *mission.Role, personnel, female int) error {
	if err := normaliseContingent(country, role); err != nil {
		return err
	}
	if err := mission.CheckPersonnel(personnel); err != nil {
		return err
	}
	return mission.CheckFemaleOption(personnel, female)
}

// checkTexts applies mission.CheckLength to each (field, value, max) of a record; only a note
// may hold line breaks.
func checkTexts(texts ...textField) error {
	for _, t := range texts {
		if err := mission.CheckLength(t.field, t.value, t.max, t.field == "note"); err != nil {
			return err
		}
	}
	return nil
}

type textField struct {
	field, value string
	max          int
}

func short(field, v string) textField { return textField{field, v, mission.MaxShortText} }
func long(field, v string) textField  { return textField{field, v, mission.MaxLongText} }

// normalise checks an arrival: a known country and role, 1..100000 personnel, women within
// them, a time that has happened (not in the future, not before 1990), and texts within their
// lengths.
func (in *Arrival) normalise(now time.Time) error {
	if err := normalisePeople(&in.Country, &in.Role, in.Personnel, in.Female); err != nil {
		return err
	}
	in.ArrivedAt = utc(in.ArrivedAt)
	if err := mission.CheckHappened("when", in.ArrivedAt, now); err != nil {
		return err
	}
	return checkTexts(short("unit", in.Unit), long("source", in.Source), long("note", in.Note))
}

// normalise checks a departure as an arrival is checked, and its reason (other when empty).
func (in *Departure) normalise(now time.Time) error {
	if err := normalisePeople(&in.Country, &in.Role, in.Personnel, in.Female); err != nil {
		return err
	}
	if in.Reason == "" {
		in.Reason = mission.ReasonOther
	}
	if !in.Reason.Valid() {
		reasons := mission.DepartureReasons()
		return mission.Refuse(mission.EInvalid, "import.err.reason", "Input", string(in.Reason),
			"Reasons", mission.Choices(mission.Strings(reasons[:]...)))
	}
	in.DepartedAt = utc(in.DepartedAt)
	if err := mission.CheckHappened("when", in.DepartedAt, now); err != nil {
		return err
	}
	return checkTexts(long("source", in.Source), long("note", in.Note))
}

// normalise checks a pledge: a known country and role, a size within 1..100000 when reported,
// an as-of that has happened, a source within its length.
func (in *Pledge) normalise(now time.Time) error {
	if err := normaliseContingent(&in.Country, &in.Role); err != nil {
		return err
	}
	if in.Personnel != nil {
		if err := mission.CheckPersonnel(*in.Personnel); err != nil {
			return err
		}
	}
	in.AsOf = utc(in.AsOf)
	if err := mission.CheckHappened("as_of", in.AsOf, now); err != nil {
		return err
	}
	return checkTexts(long("source", in.Source))
}

// normalise checks a flight as scheduled or changed: an ETA from 1990 to MaxMandateAhead after
// now, a landing that has happened, a manifest of at most MaxManifestLines good lines, a known
// airport, and texts within their lengths.
func (f *Flight) normalise(now time.Time) error {
	f.ETA = utc(f.ETA)
	if err := mission.CheckAhead("eta", f.ETA, now); err != nil {
		return err
	}
	if f.LandedAt != nil {
		t := utc(*f.LandedAt)
		f.LandedAt = &t
		if err := mission.CheckHappened("at", t, now); err != nil {
			return err
		}
	}
	if f.Destination != "" {
		ap, err := mission.ParseAirport(f.Destination)
		if err != nil {
			return err
		}
		f.Destination = ap
	}
	if len(f.Manifest) > mission.MaxManifestLines {
		return mission.Refuse(mission.EConflict, "error.manifest_too_long", "Max", mission.MaxManifestLines)
	}
	for i := range f.Manifest {
		if err := f.Manifest[i].normalise(); err != nil {
			return err
		}
	}
	return checkTexts(short("aircraft", f.Aircraft), short("origin", f.Origin), short("reason", f.Reason),
		long("source", f.Source), long("note", f.Note))
}

// normalise checks one manifest line: a known country and role, 1..100000 personnel, women
// within them.
func (l *ManifestLine) normalise() error {
	return normalisePeople(&l.Country, &l.Role, l.Personnel, l.Female)
}

// normalise checks a guild's mission and settings: a real IANA time zone (not the machine's
// Local), a planned strength within 0..MaxPlanned, a mandate end from 1990 to
// MaxMandateAhead after now, a known lead nation and airport, a name within its length.
func (g *Guild) normalise(now time.Time) error {
	if g.Timezone != "" { // "" is a store opened without defaults: UTC
		if _, err := mission.LoadZone(g.Timezone); err != nil {
			return err
		}
	}
	if err := mission.CheckPlanned(g.Planned); err != nil {
		return err
	}
	if g.MandateEnd != nil {
		t := utc(*g.MandateEnd)
		g.MandateEnd = &t
		if err := mission.CheckAhead("mandate_end", t, now); err != nil {
			return err
		}
	}
	if g.MissionLead != "" {
		c, err := mission.LookupCountry(g.MissionLead)
		if err != nil {
			return err
		}
		g.MissionLead = c.Alpha2
	}
	if g.Host != "" {
		c, err := mission.LookupCountry(g.Host)
		if err != nil {
			return err
		}
		g.Host = c.Alpha2
	}
	if g.Airport != "" {
		ap, err := mission.ParseAirport(g.Airport)
		if err != nil {
			return err
		}
		g.Airport = ap
	}
	return checkTexts(short("name", g.MissionName))
}

// owned sets what every new record carries, whatever door it came through: no ID until the
// database gives one, the actor's guild, and who logged it (an import's logged_by column, else
// the actor).
func owned(id *int64, guild, loggedBy *string, a Actor) {
	*id, *guild = 0, a.GuildID
	if *loggedBy == "" {
		*loggedBy = a.UserID
	}
}

// prepare is a new arrival as every door stores it: checked, normalised and owned.
func (in *Arrival) prepare(a Actor, now time.Time) error {
	if err := in.normalise(now); err != nil {
		return err
	}
	owned(&in.ID, &in.GuildID, &in.LoggedBy, a)
	return nil
}

// prepare is a new departure as every door stores it: checked, normalised and owned.
func (in *Departure) prepare(a Actor, now time.Time) error {
	if err := in.normalise(now); err != nil {
		return err
	}
	owned(&in.ID, &in.GuildID, &in.LoggedBy, a)
	return nil
}

// prepare is a new pledge as every door stores it: checked, normalised and owned.
func (in *Pledge) prepare(a Actor, now time.Time) error {
	if err := in.normalise(now); err != nil {
		return err
	}
	owned(&in.ID, &in.GuildID, &in.LoggedBy, a)
	return nil
}

// normalise checks a reported figure: a known figure and qualifier (deployed and exact when
// left out), a value from 0 to MaxPlanned, a known country and role when given (none: the whole
// mission, every role), an as-of that has happened, a source (required: a figure without one
// cannot be weighed) and a note within their lengths.
func (in *Report) normalise(now time.Time) error {
	var err error
	if in.Figure, err = mission.ParseFigure(string(in.Figure)); err != nil {
		return err
	}
	if in.Qualifier, err = mission.ParseQualifier(string(in.Qualifier)); err != nil {
		return err
	}
	if in.Value < 0 || in.Value > mission.MaxPlanned {
		return mission.Refuse(mission.EInvalid, "report.err.value", "Max", mission.Figure(mission.MaxPlanned), "Value", in.Value)
	}
	if in.Country != "" {
		c, err := mission.LookupCountry(in.Country)
		if err != nil {
			return err
		}
		in.Country = c.Alpha2
	}
	if in.Role != "" && !in.Role.Valid() {
		if in.Role, err = mission.ParseRole(string(in.Role)); err != nil {
			return err
		}
	}
	in.AsOf = utc(in.AsOf)
	if err := mission.CheckHappened("as_of", in.AsOf, now); err != nil {
		return err
	}
	if strings.TrimSpace(in.Source) == "" {
		return mission.Refuse(mission.EInvalid, "report.err.source")
	}
	return checkTexts(long("source", in.Source), long("note", in.Note))
}

// prepare is a new reported figure as every door stores it: checked, normalised and owned.
func (in *Report) prepare(a Actor, now time.Time) error {
	if err := in.normalise(now); err != nil {
		return err
	}
	owned(&in.ID, &in.GuildID, &in.LoggedBy, a)
	return nil
}
