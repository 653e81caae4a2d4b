// Package render writes each fact Liaison shows — a country, a manifest line, a manifest, a
// flight line, the force summary — in one place, so that a reply to /forces and the morning
// digest say the same thing in the same words. Every function takes the reader's language: a
// reply is written in the reader's, a scheduled post in the server's.
package render

import (
	"fmt"
	"strings"

	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
)

// Lang is a language Liaison writes in, as a BCP 47 base tag.
type Lang string

// English is the source language of every text.
const English Lang = "en"

// Country is a stored alpha-2 code as readers recognise it: flag and name ("🇬🇹 Guatemala"),
// or the code itself when it is not a known country.
func Country(lang Lang, code string) string { return mission.CountryName(code) }

// ManifestLine is one line of a manifest: "🇬🇹 Guatemala — 75 military".
func ManifestLine(lang Lang, l mission.ManifestLine) string {
	return fmt.Sprintf("%s — %s %s", Country(lang, l.Country), discordtext.Thousands(int64(l.Personnel)), l.Role)
}

// Manifest is a flight's manifest one line per country, with the total when there are several
// lines, or says that it was not reported.
func Manifest(lang Lang, lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return "manifest not reported"
	}
	out := make([]string, 0, len(lines)+1)
	var total int64
	for _, l := range lines {
		out = append(out, ManifestLine(lang, l.ManifestLine))
		total += int64(l.Personnel)
	}
	if len(lines) > 1 {
		out = append(out, fmt.Sprintf("**%s** personnel in all", discordtext.Thousands(total)))
	}
	return strings.Join(out, "\n")
}

// ManifestShort is a manifest on one line, for lists and autocomplete: "GT 75, SV 8".
func ManifestShort(lang Lang, lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return "manifest not reported"
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.Country + " " + discordtext.Thousands(int64(l.Personnel))
	}
	return strings.Join(parts, ", ")
}

// FlightLine is a flight on one line, for lists and posts: "#12 · <date> · PAP · GT 75, SV 8",
// the ETA as a Discord timestamp so that each reader sees it in their own time zone.
func FlightLine(lang Lang, f storage.Flight) string {
	return fmt.Sprintf("#%d · %s (%s) · %s · %s", f.ID, discordtext.Timestamp(f.ETA, "f"), discordtext.Timestamp(f.ETA, "R"),
		orUnset(f.Destination), ManifestShort(lang, f.Manifest))
}

// FlightLabel is a flight as an autocomplete choice, where Discord shows plain text only, so the
// ETA is written out in the guild's zone: "#12 · 4 Jan 2025 14:00 · PAP · GT 75, SV 8".
func FlightLabel(lang Lang, f storage.Flight, g storage.Guild) string {
	return fmt.Sprintf("#%d · %s · %s · %s", f.ID, f.ETA.In(g.Location()).Format("2 Jan 2006 15:04"), orUnset(f.Destination), ManifestShort(lang, f.Manifest))
}

func orUnset(airport string) string {
	if airport == "" {
		return "destination not set"
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
		b.WriteString("_nothing logged yet: /arrival log or /pledge set_\n")
	}
	for i, l := range levels {
		if i == maxCountries {
			fmt.Fprintf(&b, "… and %d more countries: see `/forces`\n", len(levels)-i)
			break
		}
		b.WriteString(CountryLevel(lang, l) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// ByCountry is the heading of the force summary's country lines, and of /forces' further pages.
func ByCountry(lang Lang) string { return "**By country** — deployed · pledged · gap" }

// CountryLevel is one country's line of the force summary: "🇰🇪 Kenya — 400 · pledged 1,000 ·
// gap 600".
func CountryLevel(lang Lang, l storage.CountryForce) string {
	return fmt.Sprintf("%s — %s · %s", Country(lang, l.Country), discordtext.Thousands(l.Deployed), Pledge(lang, l))
}

// Deployed is the headline of the force level: "**483** deployed of **2,500** planned (19.3 %)"
// with a progress bar, or the deployed strength alone while the planned one is not set.
func Deployed(lang Lang, g storage.Guild, deployed int64) string {
	if g.Planned > 0 {
		return fmt.Sprintf("**%s** deployed of **%s** planned (%s)\n%s", discordtext.Thousands(deployed), discordtext.Thousands(int64(g.Planned)),
			discordtext.Percent(deployed, int64(g.Planned)), discordtext.ProgressBar(deployed, int64(g.Planned)))
	}
	return fmt.Sprintf("**%s** deployed (planned strength not set: `/mission set planned:2500`)", discordtext.Thousands(deployed))
}

// Pledge is a country's pledge beside its deployed strength, and the gap between them.
func Pledge(lang Lang, l storage.CountryForce) string {
	switch {
	case l.Pledges == 0:
		return "no pledge"
	case l.PledgeUnknown && l.Pledged == 0:
		return "pledged (size not reported)"
	}
	s := "pledged " + discordtext.Thousands(l.Pledged)
	if l.PledgeUnknown {
		s += "+ (some sizes not reported)"
	}
	if gap := l.Pledged - l.Deployed; gap > 0 {
		s += " · gap " + discordtext.Thousands(gap)
	} else {
		s += " · pledge met"
	}
	return s
}
