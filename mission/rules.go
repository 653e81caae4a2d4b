package mission

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The rules below are the checks every door applies to the same value: a slash command, a
// button, a file imported with /import or `liaison import`, a report's draft. Each names the
// value as the reader typed it (field: an option such as "when", or a file's column such as
// "time"), so that one rule gives one refusal, in the reader's language, whichever door the
// value came through. Storage calls them again when it writes a record (see storage's
// normalise methods), so that no door can skip them.

// MaxMandateAhead bounds how far ahead a mandate may end or a flight be expected: a mandate
// runs for months or a few years, and an end in 9999 is a typo that would stretch every
// chart and countdown.
const MaxMandateAhead = 20 * 365 * 24 * time.Hour

// MaxZoneName bounds a time zone name; the longest IANA name is 32 characters.
const MaxZoneName = 64

// shownTime is how a refusal writes a time: a Moment, which each reader sees as a Discord
// timestamp in their own zone and language, with how far it lies from now.
func shownTime(t time.Time) Moment { return Moment(t) }

// CheckHappened refuses a time that cannot be when something already happened: later than now
// beyond ClockLeeway (phones' clocks drift; a future arrival would count as deployed today),
// or before EarliestYear (a typo such as 0001-01-01, which would make every chart span two
// thousand years).
func CheckHappened(field string, t, now time.Time) error {
	if t.After(now.Add(ClockLeeway)) {
		return Refuse(EInvalid, "cmd.opt.future", "Option", field, "Time", shownTime(t))
	}
	return CheckNotTooEarly(field, t)
}

// CheckNotTooEarly refuses a time before EarliestYear.
func CheckNotTooEarly(field string, t time.Time) error {
	if t.Year() < EarliestYear {
		return Refuse(EInvalid, "cmd.opt.too_early", "Option", field, "Time", shownTime(t), "Year", EarliestYear)
	}
	return nil
}

// CheckAhead refuses a time that lies more than MaxMandateAhead after now, or before
// EarliestYear: a mandate end or a flight's ETA.
func CheckAhead(field string, t, now time.Time) error {
	if t.After(now.Add(MaxMandateAhead)) {
		return Refuse(EInvalid, "rule.too_far", "Option", field, "Time", shownTime(t), "Years", int(MaxMandateAhead/(365*24*time.Hour)))
	}
	return CheckNotTooEarly(field, t)
}

// CheckPersonnel refuses a count of people outside MinPersonnel..MaxPersonnel: one arrival,
// departure, pledge or manifest line.
func CheckPersonnel(n int) error {
	if n < MinPersonnel || n > MaxPersonnel {
		return Refuse(EInvalid, "cmd.opt.personnel_range", "Min", MinPersonnel, "Max", Figure(MaxPersonnel), "Value", n)
	}
	return nil
}

// CheckPlanned refuses a planned strength outside 0..MaxPlanned (0 means not set).
func CheckPlanned(n int) error {
	if n < 0 || n > MaxPlanned {
		return Refuse(EInvalid, "cmd.mission.planned_range", "Max", Figure(MaxPlanned), "Value", n)
	}
	return nil
}

// CheckLength refuses text that cannot be stored or misleads (CheckText) and text longer than
// max characters.
func CheckLength(field, s string, max int, multiline bool) error {
	if err := CheckText(s, multiline); err != nil {
		return Refuse(EInvalid, "error.option_text", "Option", field, "Reason", TextOf(err))
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Refuse(EInvalid, "cmd.opt.too_long", "Option", field, "Length", n, "Max", max)
	}
	return nil
}

// LoadZone checks an IANA time zone name and loads it. "Local" (the machine's zone, which
// differs between the bot's instances) and "" are refused, as are names longer than
// MaxZoneName.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") || utf8.RuneCountInString(name) > MaxZoneName {
		return nil, Refuse(EInvalid, "cmd.mission.timezone_required").WithExample("cmd.mission.timezone.example")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		e := Refuse(EInvalid, "cmd.mission.timezone_unknown", "Name", inputQuote(name)).
			WithExample("cmd.mission.timezone.example")
		e.Cause = err
		return nil, e
	}
	return loc, nil
}
