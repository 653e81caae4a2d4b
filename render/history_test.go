package render

import (
	"testing"

	"liaison/locale"
	"liaison/mission"
)

// TestFieldChange: each kind of value is written as it is written elsewhere, in the reader's
// language; an edit shows before → after, a creation or deletion the one value, none "—".
func TestFieldChange(t *testing.T) {
	for _, c := range []struct {
		lang   Lang
		action mission.AuditAction
		change mission.FieldChange
		want   string
	}{
		{English, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldPersonnel, Kind: mission.ValueCount, Before: "22", After: "2100"}, "**personnel** 22 → 2,100"},
		{locale.French, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldPersonnel, Kind: mission.ValueCount, Before: "22", After: "2100"}, "**effectif** 22 → 2\u202f100"},
		{English, mission.ActionDelay, mission.FieldChange{Field: mission.FieldETA, Kind: mission.ValueTime, Before: "2025-01-04T19:00:00Z", After: "2025-01-04T23:00:00Z"},
			"**ETA** <t:1736017200:f> → <t:1736031600:f>"},
		{locale.Spanish, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldRole, Kind: mission.ValueRole, Before: "military", After: "police"}, "**categoría** militares → policías"},
		{locale.French, mission.ActionLand, mission.FieldChange{Field: mission.FieldStatus, Kind: mission.ValueFlightStatus, Before: "delayed", After: "landed"}, "**statut** retardé → atterri"},
		{locale.French, mission.ActionCreate, mission.FieldChange{Field: mission.FieldCountry, Kind: mission.ValueCountry, After: "SV"}, "**pays** 🇸🇻 Salvador"},
		{English, mission.ActionDelete, mission.FieldChange{Field: mission.FieldPersonnel, Kind: mission.ValueCount, Before: "5"}, "**personnel** 5"},
		{English, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldPersonnel, Kind: mission.ValueCount, After: "200"}, "**personnel** — → 200"},
		{locale.French, mission.ActionCreate, mission.FieldChange{Field: mission.FieldReason, Kind: mission.ValueReason, After: "rotation"}, "**motif** relève"},
		{locale.French, mission.ActionCreate, mission.FieldChange{Field: mission.FieldFigure, Kind: mission.ValueFigure, After: "deployed"}, "**chiffre** déployés"},
		{locale.French, mission.ActionCreate, mission.FieldChange{Field: mission.FieldQualifier, Kind: mission.ValueQualifier, After: "about"}, "**précision** environ"},
		{English, mission.ActionCreate, mission.FieldChange{Field: mission.FieldFlight, Kind: mission.ValueFlight, After: "3"}, "**flight** #3"},
		{English, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldChannel, Kind: mission.ValueChannel, After: "12"}, "**announcement channel** — → <#12>"},
		{English, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldModeratorRole, Kind: mission.ValueDiscordRole, Before: "1", After: "2"}, "**moderator role** <@&1> → <@&2>"},
		{locale.Spanish, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldLanguage, Kind: mission.ValueLanguage, Before: "en", After: "fr"}, "**idioma de las publicaciones** English → Français"},
		{English, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldPoliceType, Kind: mission.ValueCode, Before: "KE:formed_police_units", After: "KE:individual_police"},
			"**police type** `KE:formed_police_units` → `KE:individual_police`"},
		{locale.French, mission.ActionUpdate, mission.FieldChange{Field: mission.FieldNote, Kind: mission.ValueText, Before: "a", After: ""}, "**note** « a » → —"},
		{locale.Spanish, mission.ActionAdd, mission.FieldChange{Field: mission.FieldManifest, Kind: mission.ValueManifest, Before: "SV 8 medical", After: "SV 8 medical; GT 75 military"},
			"**manifiesto** 🇸🇻 El Salvador — 8 efectivos de sanidad → 🇸🇻 El Salvador — 8 efectivos de sanidad; 🇬🇹 Guatemala — 75 militares"},
		{locale.French, mission.ActionCreate, mission.FieldChange{Field: mission.FieldManifest, Kind: mission.ValueManifest, After: "SV 8 medical; GT 75 military"},
			"**manifeste** 🇸🇻 Salvador — 8 personnels médicaux ; 🇬🇹 Guatemala — 75 militaires"},
	} {
		if got := FieldChange(c.lang, c.action, c.change); got != c.want {
			t.Errorf("FieldChange(%s, %s, %+v) = %q, want %q", c.lang, c.action, c.change, got, c.want)
		}
	}
}
