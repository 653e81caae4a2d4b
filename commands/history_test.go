package commands_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/exchange"
	"liaison/storage"
)

// hist is /history's options for one record.
func hist(kind string, id float64) []*discordgo.ApplicationCommandInteractionDataOption {
	return []*discordgo.ApplicationCommandInteractionDataOption{opt("kind", kind), opt("id", id)}
}

// TestHistoryFieldByField: /history shows each change field by field in the reader's language
// (field names from the catalog, roles, statuses and countries translated, times as Discord
// timestamps), a creation its main fields, a deletion what was deleted; a delay's answer names
// the old and the new ETA.
func TestHistoryFieldByField(t *testing.T) {
	h := newHarness(t, "sqlite")
	eta := time.Date(2025, 1, 4, 14, 0, 0, 0, time.FixedZone("EST", -5*3600)) // the guild's zone, Port-au-Prince
	ts := func(t time.Time) string { return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":f>" }
	h.run("/arrival log country:GT personnel:22 role:military", "/arrival edit id:1 personnel:210 role:police",
		`/flight schedule eta:"2025-01-04 14:00" manifest:"SV 8 medical"`, "/arrival log country:JM personnel:5 role:military", "/arrival delete id:2")
	delayed := h.as("en", "flight", sub("delay", opt("flight", 1.0), opt("eta", "+4h")))
	if want := "Flight **#1** delayed: **ETA** " + ts(eta) + " → " + ts(eta.Add(4*time.Hour)); !strings.Contains(delayed, want) {
		t.Errorf("delay's answer:\n%s\nwant it to contain %q", delayed, want)
	}
	for _, c := range []struct {
		locale string
		opts   []*discordgo.ApplicationCommandInteractionDataOption
		want   []string
	}{
		{"en", hist("arrival", 1), []string{
			"**arrival #1** — edited · <@42> · `/arrival edit`\n· **personnel** 22 → 210\n· **role** military → police\n",
			"**arrival #1** — created · <@42> · `/arrival log`\n· **country** 🇬🇹 Guatemala\n· **personnel** 22\n· **role** military\n· **arrived** "}},
		{"fr", hist("arrival", 1), []string{"· **effectif** 22 → 210\n· **catégorie** militaires → policiers\n", "— création"}},
		{"es", hist("arrival", 1), []string{"· **efectivos** 22 → 210\n· **categoría** militares → policías\n", "— alta"}},
		{"en", hist("arrival", 2), []string{"— deleted · <@42> · `/arrival delete`\n· **country** 🇯🇲 Jamaica\n· **personnel** 5\n"}},
		{"en", hist("flight", 1), []string{
			"— delayed · <@7> · `/flight delay`\n· **ETA** " + ts(eta) + " → " + ts(eta.Add(4*time.Hour)) + "\n· **status** scheduled → delayed\n",
			"· **manifest** 🇸🇻 El Salvador — 8 medical"}},
		{"fr", hist("flight", 1), []string{"· **arrivée prévue** " + ts(eta) + " → " + ts(eta.Add(4*time.Hour)) + "\n· **statut** programmé → retardé"}},
	} {
		got := h.as(c.locale, "history", c.opts...)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s /history %v:\n%s\nwant it to contain %q", c.locale, c.opts, got, w)
			}
		}
	}
}

// TestExportAudit: the audit export has one row per changed field under the columns
// time,who,action,kind,id,field,before,after, values in their machine form (ISO times in UTC,
// role codes), and none of the records' internal names or JSON; its HXL form tags every column;
// /import refuses it.
func TestExportAudit(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run("/arrival log country:GT personnel:22 role:military", "/arrival edit id:1 personnel:210 role:police",
		`/flight schedule eta:"2025-01-04 14:00"`, "/flight delay flight:1 eta:+4h", "/mission set planned:2500", "/mission set planned:2500")
	ctx := context.Background()
	var buf bytes.Buffer
	n, err := exchange.ExportCSV(ctx, h.store, "100", "audit", exchange.FormatLiaison, &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"time,who,action,kind,id,field,before,after",
		"2025-01-03T20:00:00Z,42,create,arrival,1,country,,GT",
		"2025-01-03T20:00:00Z,42,create,arrival,1,personnel,,22",
		"2025-01-03T20:00:00Z,42,create,arrival,1,role,,military",
		"2025-01-03T20:00:00Z,42,create,arrival,1,arrived_at,,2025-01-03T20:00:00Z",
		"2025-01-03T20:00:00Z,42,update,arrival,1,personnel,22,210",
		"2025-01-03T20:00:00Z,42,update,arrival,1,role,military,police",
		"2025-01-03T20:00:00Z,42,create,flight,1,eta,,2025-01-04T19:00:00Z",
		"2025-01-03T20:00:00Z,42,create,flight,1,status,,scheduled",
		"2025-01-03T20:00:00Z,42,create,flight,1,destination,,PAP",
		"2025-01-03T20:00:00Z,42,delay,flight,1,eta,2025-01-04T19:00:00Z,2025-01-04T23:00:00Z",
		"2025-01-03T20:00:00Z,42,delay,flight,1,status,scheduled,delayed",
		"2025-01-03T20:00:00Z,42,update,settings,,planned,0,2500",
		"2025-01-03T20:00:00Z,42,update,settings,,,,", // the same value again: a change that changed no field keeps its row
	}, "\n") + "\n"
	if got := buf.String(); got != want {
		t.Errorf("audit export:\n%s\nwant\n%s", got, want)
	}
	if n != strings.Count(want, "\n")-1 {
		t.Errorf("ExportCSV counted %d rows, want %d", n, strings.Count(want, "\n")-1)
	}
	for _, internal := range []string{"GuildID", "DeletedAt", "CreatedAt", "UpdatedAt", "LoggedBy", "{", "\"ID\""} {
		if strings.Contains(buf.String(), internal) {
			t.Errorf("audit export shows %q:\n%s", internal, buf.String())
		}
	}
	buf.Reset()
	if _, err := exchange.ExportCSV(ctx, h.store, "100", "audit", exchange.FormatHXL, &buf); err != nil {
		t.Fatal(err)
	}
	head, tags, _ := hxlRows(t, buf.Bytes())
	if len(tags) != len(head) || slices.Contains(tags, "") {
		t.Errorf("audit HXL: tags %q for columns %q", tags, head)
	}
	if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "200", UserID: "op"}, strings.NewReader(want)); err == nil {
		t.Error("importing an audit export: no refusal")
	}
}
