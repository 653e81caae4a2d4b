package jobs

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
)

// langPosts composes, for a guild whose posts are in lang, a flight reminder (24 h before),
// the due-now reminder, the overdue nudge, the 7-day countdown and the digest (with a missed
// post and 2 500 planned), and the flight's Events-tab mirror, all from a known state.
func langPosts(t *testing.T, lang string) (map[string]Message, Event, storage.Flight) {
	t.Helper()
	f := newFixture(t, storage.DriverSQLite)
	ctx := context.Background()
	now := f.clock.Now()
	end := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	g := f.setGuild(t, "G", func(g *storage.Guild) {
		g.Language = lang
		g.Planned = 2500
		g.Digest = "0 16 * * *"
		g.MissionName = "MSS"
		g.MandateEnd = &end
	})
	a := storage.Actor{GuildID: "G", UserID: "mod"}
	if _, err := f.store.LogArrival(ctx, a, storage.Arrival{Country: "SV", Personnel: 1200, Role: "military", ArrivedAt: now.Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	fl := f.flight(t, 24*time.Hour)
	missed := storage.Reminder{GuildID: "G", Kind: mission.ReminderFlight, FlightID: &fl.ID, DedupeKey: "missed", DueAt: now.Add(-time.Hour),
		Status: mission.ReminderMissed, LastError: "offline", Nonce: "missed", CreatedAt: now, UpdatedAt: now}
	if err := f.store.DB().Create(&missed).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]Message{}
	compose := func(name string, r storage.Reminder, late bool) {
		r.GuildID = "G"
		m, err := f.sched.compose(ctx, g, r, now, late)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = m
	}
	compose("flight", storage.Reminder{Kind: mission.ReminderFlight, FlightID: &fl.ID, OffsetSecs: 86400, DueAt: fl.ETA.Add(-24 * time.Hour)}, true)
	compose("due", storage.Reminder{Kind: mission.ReminderFlight, FlightID: &fl.ID, DueAt: fl.ETA}, false)
	compose("overdue", storage.Reminder{Kind: mission.ReminderOverdue, FlightID: &fl.ID, DueAt: fl.ETA.Add(storage.OverdueAfter)}, false)
	compose("countdown", storage.Reminder{Kind: mission.ReminderCountdown, OffsetSecs: 7 * 86400, DueAt: end.AddDate(0, 0, -7)}, false)
	compose("digest", storage.Reminder{Kind: mission.ReminderDigest, DedupeKey: "digest:2025-01-01", DueAt: now.Add(-time.Minute)}, false)
	return out, event(postLang(g), fl), fl
}

// TestPostsInFrenchAndSpanish: a server set to French or Spanish reads every post in its
// language, numbers and country names included, and no English word leaks into them.
func TestPostsInFrenchAndSpanish(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want map[string][]string
	}{
		{"fr", map[string][]string{
			"flight": {"⏰ *Publié après l’heure prévue : <t:", "✈️ **Vol #%[1]d** à destination de **PAP** : arrivée <t:%[2]d:R>, prévue <t:%[2]d:F>.",
				"Vol #%[1]d → PAP", "Arrivée prévue", "Appareil", "Manifeste", "🇸🇻 Salvador — 8 personnels médicaux", "Source\npress"},
			"due":       {"🛬 **Vol #%[1]d** attendu maintenant à **PAP** : arrivée prévue <t:%[2]d:F> (<t:%[2]d:R>)."},
			"overdue":   {"⚠️ <@&R1> : le **vol #%[1]d** à destination de **PAP** était attendu <t:%[2]d:F>", "n’est ni arrivé ni annulé", "Vol #%[1]d : heure prévue dépassée"},
			"countdown": {"📅 **7 jours** avant la fin du mandat de **MSS** : <t:"},
			"digest": {"📋 Point quotidien · mercredi 1er janvier 2025", "**1\u202f200** déployés sur **2\u202f500** prévus",
				"Vols des prochaines 48 h", "Arrivées des dernières 24 h", "**1\u202f200** personnes en 1 arrivée",
				"🇸🇻 Salvador — 1\u202f200 militaires", "Publications manquées", "Rappel du vol #%[1]d, prévu <t:", " — manqué : offline"},
		}},
		{"es", map[string][]string{
			"flight": {"⏰ *Publicado después de la hora prevista: <t:", "✈️ **Vuelo #%[1]d** con destino **PAP**: llegada <t:%[2]d:R>, prevista <t:%[2]d:F>.",
				"Vuelo #%[1]d → PAP", "Llegada prevista", "Aeronave", "Manifiesto", "🇸🇻 El Salvador — 8 efectivos de sanidad", "Fuente\npress"},
			"due":       {"🛬 **Vuelo #%[1]d** previsto ahora en **PAP**: llegada prevista <t:%[2]d:F> (<t:%[2]d:R>)."},
			"overdue":   {"⚠️ <@&R1>: el **vuelo #%[1]d** con destino **PAP** estaba previsto <t:%[2]d:F>", "Vuelo #%[1]d: hora prevista superada"},
			"countdown": {"📅 **7 días** para el fin del mandato de **MSS**: <t:"},
			"digest": {"📋 Resumen diario · miércoles, 1 de enero de 2025", "**1200** desplegados de **2500** previstos",
				"Vuelos de las próximas 48 h", "Llegadas de las últimas 24 h", "**1200** efectivos en 1 llegada",
				"🇸🇻 El Salvador — 1200 militares", "Publicaciones omitidas", "Recordatorio del vuelo #%[1]d, previsto <t:", " — omitido: offline"},
		}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			posts, ev, fl := langPosts(t, tc.lang)
			for _, name := range []string{"flight", "due", "overdue", "countdown", "digest"} {
				t.Logf("%s:\n%s", name, text(posts[name]))
			}
			for name, wants := range tc.want {
				got := text(posts[name])
				for _, w := range wants {
					if strings.Contains(w, "%[") {
						w = fmt.Sprintf(w, fl.ID, fl.ETA.Unix())
					}
					if !strings.Contains(got, w) {
						t.Errorf("%s post lacks %q:\n%s", name, w, got)
					}
				}
			}
			for name, m := range posts {
				if leak := englishLeak(text(m)); leak != "" {
					t.Errorf("%s post has the English %q:\n%s", name, leak, text(m))
				}
			}
			if leak := englishLeak(ev.Name + "\n" + ev.Description + "\n" + ev.Location); leak != "" {
				t.Errorf("event has the English %q: %+v", leak, ev)
			}
		})
	}
}

// englishWords are words of the English posts that no French or Spanish post contains
// ("Destination" and "Source" are French words too; command names stay English).
var englishWords = regexp.MustCompile(`\b(deployed|planned|Flight|flight #|arrivals?|Arrivals|Manifest|Daily digest|Aircraft|due|personnel in|Posts missed|Reminder|Moderators|until|days?|none|more|January|Monday|Wednesday)\b`)

func englishLeak(s string) string {
	// Command names stay English in every language (SPEC): /flight land is not a leak.
	s = regexp.MustCompile("`[^`]*`").ReplaceAllString(s, "")
	return englishWords.FindString(s)
}

// TestEventInFrenchAndSpanish: the Events-tab mirror is written in the guild's language.
func TestEventInFrenchAndSpanish(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	f := storage.Flight{ID: 7, GuildID: "G", ETA: now.Add(18 * time.Hour), Status: mission.FlightDelayed, Reason: "météo", Aircraft: "C-17", Origin: "GUA",
		Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 2500, Role: "military"}}}}
	for _, tc := range []struct{ lang, name, location, desc string }{
		{"en", "✈️ Flight #7", "destination to be confirmed", "Manifest: 🇸🇻 El Salvador — 2,500 military\nAircraft: C-17\nFrom: GUA\nDelayed: météo"},
		{"fr", "✈️ Vol #7", "destination à confirmer", "Manifeste : 🇸🇻 Salvador — 2\u202f500 militaires\nAppareil : C-17\nProvenance : GUA\nRetardé : météo"},
		{"es", "✈️ Vuelo #7", "destino por confirmar", "Manifiesto: 🇸🇻 El Salvador — 2500 militares\nAeronave: C-17\nOrigen: GUA\nRetrasado: météo"},
	} {
		client, store := &fakeEvents{}, &fakeEventStore{lang: tc.lang}
		(&FlightEvents{Client: client, Store: store, Now: func() time.Time { return now }}).FlightChanged(context.Background(), f)
		if len(client.calls) != 1 || client.calls[0] != "create G" {
			t.Fatalf("%s: calls %q, want one create", tc.lang, client.calls)
		}
		e := client.last
		if e.Name != tc.name || e.Location != tc.location || e.Description != tc.desc {
			t.Errorf("%s event = %q, %q, %q; want %q, %q, %q", tc.lang, e.Name, e.Location, e.Description, tc.name, tc.location, tc.desc)
		}
	}
}

// TestLongPostsFitInEveryLanguage: in every language a digest with very many countries,
// flights and missed posts, and a reminder of a flight with a full manifest, fit Discord's
// limits (French and Spanish words are longer than English ones).
func TestLongPostsFitInEveryLanguage(t *testing.T) {
	for _, lang := range []string{"en", "fr", "es"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, storage.DriverSQLite)
			ctx := context.Background()
			now := f.clock.Now()
			g := f.setGuild(t, "G", func(g *storage.Guild) { g.Language = lang; g.Planned = 250000; g.Digest = "0 16 * * *" })
			a := storage.Actor{GuildID: "G", UserID: "mod"}
			codes := []string{"GT", "SV", "KE", "JM", "BZ", "BS", "BJ", "TD", "US", "FR", "ES", "CA", "MX", "BR", "AR", "CL", "PE", "CO", "EC", "BO", "PY", "UY", "CR", "PA", "HN", "NI", "DO", "CU", "TT", "BB"}
			var manifest []storage.ManifestLine
			for i, c := range codes {
				if _, err := f.store.LogArrival(ctx, a, storage.Arrival{Country: c, Personnel: 1000 + i, Role: "support", ArrivedAt: now.Add(-time.Duration(i+1) * time.Minute)}); err != nil {
					t.Fatal(err)
				}
				manifest = append(manifest, storage.ManifestLine{ManifestLine: mission.ManifestLine{Country: c, Personnel: 99999, Role: "medical"}})
			}
			var fl storage.Flight
			for i := range 30 {
				var err error
				fl, err = f.store.ScheduleFlight(ctx, a, storage.Flight{ETA: now.Add(time.Duration(i+1) * time.Hour), Destination: "MTPP",
					Aircraft: strings.Repeat("A", mission.MaxShortText), Origin: strings.Repeat("O", mission.MaxShortText),
					Source: strings.Repeat("S", mission.MaxLongText), Manifest: manifest})
				if err != nil {
					t.Fatal(err)
				}
				missed := storage.Reminder{GuildID: "G", Kind: mission.ReminderCountdown, OffsetSecs: 30 * 86400, DedupeKey: fmt.Sprintf("m%d", i),
					DueAt: now.Add(-time.Duration(i+1) * time.Minute), Status: mission.ReminderFailed, LastError: strings.Repeat("e", 300),
					Nonce: fmt.Sprintf("m%d", i), CreatedAt: now, UpdatedAt: now}
				if err := f.store.DB().Create(&missed).Error; err != nil {
					t.Fatal(err)
				}
			}
			for name, r := range map[string]storage.Reminder{
				"digest": {Kind: mission.ReminderDigest, DedupeKey: "digest:2025-01-01", DueAt: now.Add(-time.Minute)},
				"flight": {Kind: mission.ReminderFlight, FlightID: &fl.ID, OffsetSecs: 3600, DueAt: fl.ETA.Add(-time.Hour)},
			} {
				r.GuildID = "G"
				m, err := f.sched.compose(ctx, g, r, now, true)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if n := utf8.RuneCountInString(m.Content); n > discordtext.MaxContent {
					t.Errorf("%s content is %d characters", name, n)
				}
				for _, e := range m.Embeds {
					if n := discordtext.EmbedSize(e); n > discordtext.MaxEmbedTotal {
						t.Errorf("%s embed is %d characters, limit %d", name, n, discordtext.MaxEmbedTotal)
					}
					if len(e.Fields) > discordtext.MaxFields {
						t.Errorf("%s has %d fields", name, len(e.Fields))
					}
					for _, fd := range e.Fields {
						if n := utf8.RuneCountInString(fd.Value); n > discordtext.MaxFieldValue || utf8.RuneCountInString(fd.Name) > discordtext.MaxFieldName {
							t.Errorf("%s field %q is %d characters", name, fd.Name, n)
						}
					}
				}
			}
		})
	}
}
