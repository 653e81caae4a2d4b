package mission

// Field names one field of a record as a change shows it: the audit export's field column
// writes it as it is, and /history labels it with the catalog's word for it (cmd.history.field).
// The names are the same in every language and stable from one version to the next, so that a
// spreadsheet of the audit keeps working.
type Field string

// Fields of arrivals, departures, pledges, flights, reported figures and the settings.
const (
	FieldCountry     Field = "country"
	FieldPersonnel   Field = "personnel"
	FieldFemale      Field = "female"
	FieldRole        Field = "role"
	FieldArrivedAt   Field = "arrived_at"
	FieldDepartedAt  Field = "departed_at"
	FieldReason      Field = "reason"
	FieldFlight      Field = "flight"
	FieldUnit        Field = "unit"
	FieldSource      Field = "source"
	FieldNote        Field = "note"
	FieldAsOf        Field = "as_of"
	FieldETA         Field = "eta"
	FieldStatus      Field = "status"
	FieldAircraft    Field = "aircraft"
	FieldOrigin      Field = "origin"
	FieldDestination Field = "destination"
	FieldLandedAt    Field = "landed_at"
	FieldManifest    Field = "manifest"
	FieldFigure      Field = "figure"
	FieldValue       Field = "value"
	FieldQualifier   Field = "qualifier"

	FieldChannel       Field = "channel"
	FieldModeratorRole Field = "moderator_role"
	FieldPingRole      Field = "ping_role"
	FieldTimezone      Field = "timezone"
	FieldAirport       Field = "airport"
	FieldOffsets       Field = "reminder_offsets"
	FieldDigest        Field = "digest"
	FieldLanguage      Field = "language"
	FieldMissionName   Field = "mission_name"
	FieldLead          Field = "lead"
	FieldHost          Field = "host"
	FieldPlanned       Field = "planned"
	FieldMandateEnd    Field = "mandate_end"
	FieldPoliceType    Field = "police_type"
	FieldShare         Field = "share"
	FieldShareLink     Field = "share_link"
)

// ValueKind says what a field's value is, so that each is written the one way its kind is
// written everywhere else: a count with the reader's digit grouping, an instant as a time, a
// role or status in the reader's words.
type ValueKind int

// Value kinds. ValueText is the zero value: a value of no known kind is shown as it is.
const (
	ValueText         ValueKind = iota // free text: unit, source, note, aircraft
	ValueCount                         // a whole number, "1000"
	ValueTime                          // an instant, RFC 3339 in UTC
	ValueCountry                       // an alpha-2 code
	ValueRole                          // a Role
	ValueFlightStatus                  // a FlightStatus
	ValueReason                        // a DepartureReason
	ValueFigure                        // a FigureKind
	ValueQualifier                     // a Qualifier
	ValueFlight                        // a flight's number
	ValueManifest                      // manifest entries as ParseManifest reads them, "; " between
	ValueChannel                       // a Discord channel ID
	ValueDiscordRole                   // a Discord role ID
	ValueLanguage                      // a language code
	ValueCode                          // a machine word shown as code: offsets, a digest schedule, a share scope
)

// FieldChange is one field of one audited change: its value before and after, each in its
// plain machine form (RFC 3339 times in UTC, role codes, alpha-2 codes, digits) and "" for
// none. A creation has only After, a deletion only Before. The audit export writes the machine
// form as it is; /history writes it in the reader's language (render.FieldChange).
type FieldChange struct {
	Field         Field
	Kind          ValueKind
	Before, After string
}
