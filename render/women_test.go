package render

import (
	"testing"

	"liaison/mission"
	"liaison/storage"
)

// TestWomen: the women follow a count only when recorded, their share is of the personnel
// deployed, and the manifest line and the force summary's country line use them.
func TestWomen(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"none", Women(English, 0), ""},
		{"one", Women(English, 1), " · 1 woman"},
		{"many", Women(English, 1200), " · 1,200 women"},
		{"no share", WomenShare(English, 0, 75), ""},
		{"nobody deployed", WomenShare(English, 3, 0), ""},
		{"share", WomenShare(English, 12, 75), " · 12 women (16.0 %)"},
		{"share in French", WomenShare(Lang("fr"), 1, 3), " · 1 femme (33,3\u202f%)"},
		{"manifest line", ManifestLine(English, mission.ManifestLine{Country: "GT", Personnel: 75, Role: "military", Female: 12}),
			"🇬🇹 Guatemala — 75 military · 12 women"},
		{"manifest line without women", ManifestLine(English, mission.ManifestLine{Country: "GT", Personnel: 75, Role: "military"}),
			"🇬🇹 Guatemala — 75 military"},
		{"country level", CountryLevel(English, storage.CountryForce{Country: "KE", Deployed: 400, Women: 40, Pledged: 1000, Pledges: 1}),
			"🇰🇪 Kenya — 400 · 40 women (10.0 %) · pledged 1,000 · gap 600"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
