package render

import (
	"strconv"
	"strings"
	"time"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
)

// maxShownValue bounds one value of a change on screen: a note may hold 500 characters, and a
// change of several long fields must still fit, whole, on one page of /history.
const maxShownValue = 100

// FieldChange is one field of a change as /history shows it: "personnel 22 → 210", the field
// named in lang and each value written as its kind is written everywhere else. A creation or
// a deletion (action) shows the one value the record had ("personnel 22").
func FieldChange(lang Lang, action mission.AuditAction, c mission.FieldChange) string {
	name := "**" + locale.T(lang, "cmd.history.field."+string(c.Field)) + "**"
	switch action {
	case mission.ActionCreate:
		return name + " " + FieldValue(lang, c.Kind, c.After)
	case mission.ActionDelete:
		return name + " " + FieldValue(lang, c.Kind, c.Before)
	}
	return name + " " + FieldValue(lang, c.Kind, c.Before) + " → " + FieldValue(lang, c.Kind, c.After)
}

// FieldValue is one value of a change, given in its machine form, as readers of lang know
// it: a count with lang's grouping, an instant as a Discord timestamp (each reader sees their
// own zone), a country, role or status in lang's words; "—" for none.
func FieldValue(lang Lang, kind mission.ValueKind, v string) string {
	if v == "" {
		return "—"
	}
	switch kind {
	case mission.ValueCount:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return Number(lang, n)
		}
	case mission.ValueTime:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return discordtext.Timestamp(t, "f")
		}
	case mission.ValueCountry:
		return Country(lang, v)
	case mission.ValueRole:
		if r := mission.Role(v); r.Valid() {
			return Role(lang, r, 2)
		}
	case mission.ValueFlightStatus:
		return locale.T(lang, "cmd.flight.status."+v)
	case mission.ValueReason:
		return locale.T(lang, "choice.reason."+v)
	case mission.ValueFigure:
		return locale.T(lang, "choice.figure."+v)
	case mission.ValueQualifier:
		return locale.T(lang, "choice.qualifier."+v)
	case mission.ValueLanguage:
		return locale.T(lang, "choice.language."+v)
	case mission.ValueFlight:
		return "#" + v
	case mission.ValueChannel:
		return "<#" + v + ">"
	case mission.ValueDiscordRole:
		return "<@&" + v + ">"
	case mission.ValueManifest:
		if lines, err := mission.ParseManifest(v); err == nil {
			out := make([]string, len(lines))
			for i, l := range lines {
				out[i] = ManifestLine(lang, l)
			}
			return discordtext.Truncate(strings.Join(out, locale.T(lang, "render.list_separator")), maxShownValue)
		}
	case mission.ValueText:
		return locale.T(lang, "parse.quote", "Text", discordtext.Truncate(v, maxShownValue))
	}
	return "`" + discordtext.Truncate(v, maxShownValue) + "`"
}
