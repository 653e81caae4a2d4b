package render

import (
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// ReportLine is a reported figure beside the ledger of its day, on one line, with its #ID:
// "#3 · 400 deployed — HNP spokesperson, 3 Jan 2025 · ledger 483, +83 / +20.8 %". /forces,
// /reports and the answers to /report write it alike.
func ReportLine(lang Lang, r storage.ReportView) string {
	return locale.T(lang, "report.line", "ID", r.ID, "Amount", ReportAmount(lang, r.Report), "Source", r.Source,
		"Date", discordtext.Timestamp(r.AsOf, "d"), "Agreement", Agreement(lang, r.Agreement))
}

// ReportAmount is what the source said, with its qualifier and scope: "about 400 police
// deployed", "🇰🇪 Kenya: 200 deployed".
func ReportAmount(lang Lang, r storage.Report) string {
	value := Number(lang, int64(r.Value))
	if r.Role != "" {
		value += " " + Role(lang, r.Role, int64(r.Value))
	}
	amount := locale.T(lang, "report.amount."+string(r.Qualifier), "Value", value,
		"Figure", locale.T(lang, "report.figure."+string(r.Figure)))
	if r.Country != "" {
		return locale.T(lang, "report.scope_country", "Country", Country(lang, r.Country), "Amount", amount)
	}
	return amount
}

// Agreement is how a reported figure stands against the ledger: "agrees with the ledger (483)"
// or "ledger 483, +83 / +20.8 %", with a true minus sign for a ledger below the figure.
func Agreement(lang Lang, a mission.Agreement) string {
	ledger := Number(lang, a.Ledger)
	switch {
	case a.Agrees:
		return locale.T(lang, "report.agrees", "Ledger", ledger)
	case a.HasPercent:
		return locale.T(lang, "report.differs", "Ledger", ledger, "Diff", signed(lang, a.Diff),
			"Percent", sign(a.Diff)+locale.Percent(lang, abs(a.Diff), a.Reported))
	}
	return locale.T(lang, "report.differs_plain", "Ledger", ledger, "Diff", signed(lang, a.Diff))
}

// signed is n with its sign always written, "+83" or "−17" (U+2212, not a hyphen).
func signed(lang Lang, n int64) string {
	if n < 0 {
		return locale.Figure(lang, n)
	}
	return "+" + Number(lang, n)
}

func sign(n int64) string {
	if n < 0 {
		return "\u2212"
	}
	return "+"
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
