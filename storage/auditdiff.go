package storage

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"liaison/mission"
)

// auditField is one field of a record as its audit entry's JSON holds it: the key the model's
// field marshals under, the field's name and the kind of its value.
type auditField struct {
	key   string
	field mission.Field
	kind  mission.ValueKind
	// none is the machine form that means "nothing recorded" besides "" (a women's count of
	// 0): a creation or deletion leaves such a field out.
	none string
	// read, when set, takes the value from the whole record instead of from key.
	read func(rec map[string]json.RawMessage) string
}

// auditFields are the fields each kind of record shows in its history, in the order they are
// shown; identity and bookkeeping (ID, GuildID, UID, LoggedBy, CreatedAt, UpdatedAt,
// DeletedAt, EventID) are not fields a reader changes and are never shown.
var auditFields = map[mission.RecordKind][]auditField{
	mission.KindArrival: {
		{key: "Country", field: mission.FieldCountry, kind: mission.ValueCountry},
		{key: "Personnel", field: mission.FieldPersonnel, kind: mission.ValueCount},
		{key: "Female", field: mission.FieldFemale, kind: mission.ValueCount, none: "0"},
		{key: "Role", field: mission.FieldRole, kind: mission.ValueRole},
		{key: "ArrivedAt", field: mission.FieldArrivedAt, kind: mission.ValueTime},
		{key: "FlightID", field: mission.FieldFlight, kind: mission.ValueFlight},
		{key: "Unit", field: mission.FieldUnit},
		{key: "Source", field: mission.FieldSource},
		{key: "Note", field: mission.FieldNote},
	},
	mission.KindDeparture: {
		{key: "Country", field: mission.FieldCountry, kind: mission.ValueCountry},
		{key: "Personnel", field: mission.FieldPersonnel, kind: mission.ValueCount},
		{key: "Female", field: mission.FieldFemale, kind: mission.ValueCount, none: "0"},
		{key: "Role", field: mission.FieldRole, kind: mission.ValueRole},
		{key: "DepartedAt", field: mission.FieldDepartedAt, kind: mission.ValueTime},
		{key: "Reason", field: mission.FieldReason, kind: mission.ValueReason},
		{key: "Source", field: mission.FieldSource},
		{key: "Note", field: mission.FieldNote},
	},
	mission.KindPledge: {
		{key: "Country", field: mission.FieldCountry, kind: mission.ValueCountry},
		{key: "Personnel", field: mission.FieldPersonnel, kind: mission.ValueCount},
		{key: "Role", field: mission.FieldRole, kind: mission.ValueRole},
		{key: "AsOf", field: mission.FieldAsOf, kind: mission.ValueTime},
		{key: "Source", field: mission.FieldSource},
	},
	mission.KindFlight: {
		{key: "ETA", field: mission.FieldETA, kind: mission.ValueTime},
		{key: "Status", field: mission.FieldStatus, kind: mission.ValueFlightStatus},
		{key: "Aircraft", field: mission.FieldAircraft},
		{key: "Origin", field: mission.FieldOrigin},
		{key: "Destination", field: mission.FieldDestination},
		{key: "LandedAt", field: mission.FieldLandedAt, kind: mission.ValueTime},
		{key: "Manifest", field: mission.FieldManifest, kind: mission.ValueManifest},
		{key: "Reason", field: mission.FieldReason},
		{key: "Source", field: mission.FieldSource},
		{key: "Note", field: mission.FieldNote},
	},
	mission.KindReport: {
		{key: "Figure", field: mission.FieldFigure, kind: mission.ValueFigure},
		{key: "Value", field: mission.FieldValue, kind: mission.ValueCount},
		{key: "Qualifier", field: mission.FieldQualifier, kind: mission.ValueQualifier},
		{key: "Country", field: mission.FieldCountry, kind: mission.ValueCountry},
		{key: "Role", field: mission.FieldRole, kind: mission.ValueRole},
		{key: "AsOf", field: mission.FieldAsOf, kind: mission.ValueTime},
		{key: "Source", field: mission.FieldSource},
		{key: "Note", field: mission.FieldNote},
	},
	// A settings entry holds the guild's row, a contributor's police type or the share's
	// state; each shows the fields its JSON has.
	mission.KindSettings: {
		{key: "MissionName", field: mission.FieldMissionName},
		{key: "MissionLead", field: mission.FieldLead, kind: mission.ValueCountry},
		{key: "Host", field: mission.FieldHost, kind: mission.ValueCountry},
		{key: "Planned", field: mission.FieldPlanned, kind: mission.ValueCount},
		{key: "MandateEnd", field: mission.FieldMandateEnd, kind: mission.ValueTime},
		{key: "Timezone", field: mission.FieldTimezone, kind: mission.ValueCode},
		{key: "Airport", field: mission.FieldAirport},
		{key: "ChannelID", field: mission.FieldChannel, kind: mission.ValueChannel},
		{key: "ModeratorRoleID", field: mission.FieldModeratorRole, kind: mission.ValueDiscordRole},
		{key: "PingRoleID", field: mission.FieldPingRole, kind: mission.ValueDiscordRole},
		{key: "Language", field: mission.FieldLanguage, kind: mission.ValueLanguage},
		{key: "ReminderOffsets", field: mission.FieldOffsets, kind: mission.ValueCode},
		{key: "Digest", field: mission.FieldDigest, kind: mission.ValueCode},
		// A police type is about one contributor: its value names the country with the type
		// ("KE:individual_police"), so that the change says whose it is.
		{key: "PersonnelType", field: mission.FieldPoliceType, kind: mission.ValueCode, read: func(rec map[string]json.RawMessage) string {
			t := rawValue(rec["PersonnelType"], mission.ValueCode)
			if t == "" {
				return ""
			}
			return rawValue(rec["Country"], mission.ValueCountry) + ":" + t
		}},
		{key: "Share", field: mission.FieldShare, kind: mission.ValueCode},
		{key: "Link", field: mission.FieldShareLink, kind: mission.ValueCount, none: "0"},
	},
}

// Changes is what e changed, field by field: for an edit (or a delay, a landing, …) each field
// whose value differs; for a creation each field the new record has, and for a deletion each
// field the deleted record had. It is the one reading of an audit entry's JSON, used by
// /history and the audit export alike. An entry whose JSON does not read (written by hand, or
// cut short) gives no fields rather than an error: the entry itself is still shown.
func (e AuditEntry) Changes() []mission.FieldChange {
	before, after := auditRecord(e.Before), auditRecord(e.After)
	var out []mission.FieldChange
	for _, f := range auditFields[e.Kind] {
		_, inBefore := before[f.key]
		_, inAfter := after[f.key]
		if !inBefore && !inAfter {
			continue
		}
		c := mission.FieldChange{Field: f.field, Kind: f.kind, Before: f.value(before), After: f.value(after)}
		switch {
		case before == nil || after == nil:
			// A creation or a deletion: the record's values, none left out but the empty ones.
			if v := c.Before + c.After; v == "" || v == f.none {
				continue
			}
		case c.Before == c.After:
			continue
		}
		out = append(out, c)
	}
	return out
}

// value is f's machine form in rec ("" when rec has none).
func (f auditField) value(rec map[string]json.RawMessage) string {
	if rec == nil {
		return ""
	}
	if f.read != nil {
		return f.read(rec)
	}
	return rawValue(rec[f.key], f.kind)
}

// auditRecord reads an entry's before or after JSON as its fields, nil when there is none or it
// does not read as an object.
func auditRecord(s string) map[string]json.RawMessage {
	if s == "" {
		return nil
	}
	var rec map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &rec) != nil {
		return nil
	}
	return rec
}

// rawValue is one JSON value in its machine form: strings as they are (times in RFC 3339, UTC,
// to the second), numbers as digits, a manifest as ParseManifest reads it; null, a zero time
// and what does not read are "".
func rawValue(raw json.RawMessage, kind mission.ValueKind) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	switch kind {
	case mission.ValueManifest:
		var lines []mission.ManifestLine
		if json.Unmarshal(raw, &lines) != nil {
			return ""
		}
		parts := make([]string, len(lines))
		for i, l := range lines {
			parts[i] = l.String()
		}
		return strings.Join(parts, "; ")
	case mission.ValueTime:
		var t time.Time
		if json.Unmarshal(raw, &t) != nil || t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	return string(raw)
}
