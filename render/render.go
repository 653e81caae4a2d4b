// Package render writes each fact Liaison shows — a country, a manifest line, a manifest, a
// flight line, the force summary — in one place, so that a reply to /forces and the morning
// digest say the same thing in the same words. Every function takes the reader's language: a
// reply is written in the reader's, a scheduled post in the server's.
package render

import (
	"fmt"
	"strings"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Lang is the language a rendering is written in.
type Lang = locale.Lang

// English is the source language of every text.
const English = locale.English

// Country is a stored alpha-2 code as readers of lang recognise it: flag and name
// ("🇺🇸 États-Unis"), or the code itself when it is not a known country.
func Country(lang Lang, code string) string { return locale.Country(lang, code) }

// Number is a whole number as lang writes it.
func Number(lang Lang, n int64) string { return locale.Number(lang, n) }

// Role is a personnel type in lang ("militaires", "policía"); a count picks the plural form.
func Role(lang Lang, r mission.Role, count int64) string {
	return locale.T(lang, "role."+string(r), "Count", count)
}

// ManifestLine is one line of a manifest: "🇬🇹 Guatemala — 75 military", and "· 12 women"
// when women are recorded.
func ManifestLine(lang Lang, l mission.ManifestLine) string {
	return locale.T(lang, "render.manifest_line", "Country", Country(lang, l.Country), "Personnel", Number(lang, int64(l.Personnel)),
		"Role", Role(lang, l.Role, int64(l.Personnel))) + Women(lang, int64(l.Female))
}

// Women is the women among a record's personnel, to follow its count: " · 12 women", or ""
// when none is recorded (most sources give no figure, and a line of zeros says nothing).
func Women(lang Lang, women int64) string {
	if women <= 0 {
		return ""
	}
	return " · " + locale.T(lang, "women.count", "Count", women)
}

// WomenShare is the women among a force and their share of it: " · 12 women (16.0 %)", or ""
// when none is recorded. The share is of the personnel deployed, women recorded or not, so it
// is a lower bound when some records leave the women's count out.
func WomenShare(lang Lang, women, deployed int64) string {
	if women <= 0 || deployed <= 0 {
		return ""
	}
	return " · " + locale.T(lang, "women.share", "Count", women, "Percent", locale.Percent(lang, women, deployed))
}

// Manifest is a flight's manifest one line per country, with the total when there are several
// lines, or says that it was not reported.
func Manifest(lang Lang, lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return locale.T(lang, "render.manifest_none")
	}
	out := make([]string, 0, len(lines)+1)
	var total int64
	for _, l := range lines {
		out = append(out, ManifestLine(lang, l.ManifestLine))
		total += int64(l.Personnel)
	}
	if len(lines) > 1 {
		out = append(out, locale.T(lang, "render.manifest_total", "Count", total))
	}
	return strings.Join(out, "\n")
}

// ManifestShort is a manifest on one line, for lists and autocomplete: "GT 75, SV 8".
func ManifestShort(lang Lang, lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return locale.T(lang, "render.manifest_none")
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.Country + " " + Number(lang, int64(l.Personnel))
	}
	return strings.Join(parts, ", ")
}

// FlightLine is a flight on one line, for lists and posts: "#12 · <date> · PAP · GT 75, SV 8",
// the ETA as a Discord timestamp so that each reader sees it in their own time zone.
func FlightLine(lang Lang, f storage.Flight) string {
	return fmt.Sprintf("#%d · %s (%s) · %s · %s", f.ID, discordtext.Timestamp(f.ETA, "f"), discordtext.Timestamp(f.ETA, "R"),
		orUnset(lang, f.Destination), ManifestShort(lang, f.Manifest))
}

// FlightLabel is a flight as an autocomplete choice, where Discord shows plain text only, so the
// ETA is written out in the guild's zone, in lang's date layout: "#12 · 4 Jan 2025 14:00 · PAP ·
// GT 75, SV 8".
func FlightLabel(lang Lang, f storage.Flight, g storage.Guild) string {
	return fmt.Sprintf("#%d · %s · %s · %s", f.ID, f.ETA.In(g.Location()).Format(locale.T(lang, "layout.date_time")),
		orUnset(lang, f.Destination), ManifestShort(lang, f.Manifest))
}

func orUnset(lang Lang, airport string) string {
	if airport == "" {
		return locale.T(lang, "render.no_destination")
	}
	return airport
}

// ForceSummary is the force level: deployed of planned with a percentage and a bar, then per
// country (levels, in storage.ForceLevels' order, at most maxCountries of them) deployed,
// pledged and the gap.
func ForceSummary(lang Lang, g storage.Guild, levels []storage.CountryForce, deployed int64, maxCountries int) string {
	var b strings.Builder
	b.WriteString(Deployed(lang, g, deployed))
	b.WriteString("\n\n" + ByCountry(lang) + "\n")
	if len(levels) == 0 {
		b.WriteString(locale.T(lang, "render.nothing_logged") + "\n")
	}
	for i, l := range levels {
		if i == maxCountries {
			b.WriteString(locale.T(lang, "render.more_countries", "Count", len(levels)-i) + "\n")
			break
		}
		b.WriteString(CountryLevel(lang, l) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// ByCountry is the heading of the force summary's country lines, and of /forces' further pages.
func ByCountry(lang Lang) string { return locale.T(lang, "render.by_country") }

// CountryLevel is one country's line of the force summary: "🇰🇪 Kenya — 400 · pledged 1,000 ·
// gap 600", with "· 40 women (10.0 %)" after the strength when women are recorded.
func CountryLevel(lang Lang, l storage.CountryForce) string {
	return fmt.Sprintf("%s — %s%s · %s", Country(lang, l.Country), Number(lang, l.Deployed), WomenShare(lang, l.Women, l.Deployed), Pledge(lang, l))
}

// Deployed is the headline of the force level: "**483** deployed of **2,500** planned (19.3 %)"
// with a progress bar, or the deployed strength alone while the planned one is not set.
func Deployed(lang Lang, g storage.Guild, deployed int64) string {
	if g.Planned > 0 {
		return locale.T(lang, "render.deployed_of_planned", "Deployed", Number(lang, deployed), "Planned", Number(lang, int64(g.Planned)),
			"Percent", locale.Percent(lang, deployed, int64(g.Planned))) + "\n" + discordtext.ProgressBar(deployed, int64(g.Planned))
	}
	return locale.T(lang, "render.deployed_unplanned", "Deployed", Number(lang, deployed))
}

// Pledge is a country's pledge beside its deployed strength, and the gap between them.
func Pledge(lang Lang, l storage.CountryForce) string {
	switch {
	case l.Pledges == 0:
		return locale.T(lang, "render.no_pledge")
	case l.PledgeUnknown && l.Pledged == 0:
		return locale.T(lang, "render.pledge_unknown")
	}
	key := "render.pledged"
	if l.PledgeUnknown {
		key = "render.pledged_partly_unknown"
	}
	s := locale.T(lang, key, "Pledged", Number(lang, l.Pledged))
	if gap := l.Pledged - l.Deployed; gap > 0 {
		return s + " · " + locale.T(lang, "render.gap", "Gap", Number(lang, gap))
	}
	return s + " · " + locale.T(lang, "render.pledge_met")
}
