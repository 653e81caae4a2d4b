package render

import (
	"strings"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
)

func line(c string, n int, r mission.Role) storage.ManifestLine {
	return storage.ManifestLine{ManifestLine: mission.ManifestLine{Country: c, Personnel: n, Role: r}}
}

func TestPledge(t *testing.T) {
	tests := []struct {
		name string
		in   storage.CountryForce
		want string
	}{
		{"none", storage.CountryForce{Deployed: 75}, "no pledge"},
		{"unknown size", storage.CountryForce{Pledges: 1, PledgeUnknown: true}, "pledged (size not reported)"},
		{"gap", storage.CountryForce{Deployed: 400, Pledged: 1000, Pledges: 1}, "pledged 1,000 · gap 600"},
		{"met", storage.CountryForce{Deployed: 1000, Pledged: 1000, Pledges: 1}, "pledged 1,000 · pledge met"},
		{"exceeded", storage.CountryForce{Deployed: 1200, Pledged: 1000, Pledges: 1}, "pledged 1,000 · pledge met"},
		{"partly unknown", storage.CountryForce{Deployed: 10, Pledged: 200, Pledges: 2, PledgeUnknown: true},
			"pledged 200+ (some sizes not reported) · gap 190"},
	}
	for _, tt := range tests {
		if got := Pledge(English, tt.in); got != tt.want {
			t.Errorf("%s: Pledge(%+v) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestForceSummary(t *testing.T) {
	g := storage.Guild{Planned: 2500}
	levels := []storage.CountryForce{{Country: "KE", Deployed: 400, Pledged: 1000, Pledges: 1}, {Country: "GT", Deployed: 75},
		{Country: "SV", Deployed: 8}}
	got := ForceSummary(English, g, levels, 483, 2)
	for _, want := range []string{"**483** deployed of **2,500** planned (19.3 %)", "🇰🇪 Kenya — 400 · pledged 1,000 · gap 600",
		"🇬🇹 Guatemala — 75 · no pledge", "… and 1 more country"} {
		if !strings.Contains(got, want) {
			t.Errorf("ForceSummary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "El Salvador") {
		t.Errorf("ForceSummary shows more than 2 countries:\n%s", got)
	}
	if got, want := CountryLevel(English, levels[0]), "🇰🇪 Kenya — 400 · pledged 1,000 · gap 600"; got != want {
		t.Errorf("CountryLevel(%+v) = %q, want %q", levels[0], got, want)
	}
	if got := Deployed(English, storage.Guild{}, 5); !strings.Contains(got, "planned strength not set") {
		t.Errorf("Deployed without a plan = %q", got)
	}
}

func TestManifest(t *testing.T) {
	tests := []struct {
		lines       []storage.ManifestLine
		full, short string
	}{
		{nil, "manifest not reported", "manifest not reported"},
		{[]storage.ManifestLine{line("GT", 75, mission.RoleMilitary)}, "🇬🇹 Guatemala — 75 military", "GT 75"},
		{[]storage.ManifestLine{line("GT", 75, mission.RoleMilitary), line("SV", 8, mission.RoleMedical)},
			"🇬🇹 Guatemala — 75 military\n🇸🇻 El Salvador — 8 medical\n**83** personnel in all", "GT 75, SV 8"},
		{[]storage.ManifestLine{line("KE", 1200, mission.RolePolice)}, "🇰🇪 Kenya — 1,200 police", "KE 1,200"},
	}
	for _, tt := range tests {
		if got := Manifest(English, tt.lines); got != tt.full {
			t.Errorf("Manifest(%v) = %q, want %q", tt.lines, got, tt.full)
		}
		if got := ManifestShort(English, tt.lines); got != tt.short {
			t.Errorf("ManifestShort(%v) = %q, want %q", tt.lines, got, tt.short)
		}
	}
}

func TestFlightLines(t *testing.T) {
	eta := time.Date(2025, 1, 4, 19, 0, 0, 0, time.UTC)
	f := storage.Flight{ID: 12, ETA: eta, Destination: "PAP", Manifest: []storage.ManifestLine{line("GT", 75, mission.RoleMilitary)}}
	if got, want := FlightLine(English, f), "#12 · <t:1736017200:f> (<t:1736017200:R>) · PAP · GT 75"; got != want {
		t.Errorf("FlightLine = %q, want %q", got, want)
	}
	g := storage.Guild{Timezone: "America/Port-au-Prince"}
	if got, want := FlightLabel(English, f, g), "#12 · 4 Jan 2025 14:00 · PAP · GT 75"; got != want {
		t.Errorf("FlightLabel = %q, want %q", got, want)
	}
	f.Destination = ""
	if got := FlightLine(English, f); !strings.Contains(got, "destination not set") {
		t.Errorf("FlightLine without destination = %q", got)
	}
}
