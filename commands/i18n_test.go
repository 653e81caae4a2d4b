package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/storage"
)

// replyText is everything a reader sees in an answer: content, embeds, buttons and files' names.
func replyText(r *discordgo.InteractionResponse) string {
	if r.Data == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(bot.MessageText(r.Data.Content, r.Data.Embeds) + "\n")
	for _, btn := range buttonsOf(r.Data.Components) {
		b.WriteString("[" + btn.Label + "]\n")
	}
	for _, f := range r.Data.Files {
		b.WriteString(f.Name + "\n")
	}
	for _, c := range r.Data.Choices {
		b.WriteString(c.Name + "\n")
	}
	return b.String()
}

func buttonsOf(comps []discordgo.MessageComponent) []discordgo.Button {
	var out []discordgo.Button
	for _, c := range comps {
		if row, ok := c.(discordgo.ActionsRow); ok {
			for _, x := range row.Components {
				if btn, ok := x.(discordgo.Button); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}

// as sends an interaction from a client set to locale, as an admin of guild 100.
func (h *harness) as(locale, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) string {
	h.t.Helper()
	i := command("100", discordgo.PermissionManageGuild, nil, name, opts...)
	i.Locale = discordgo.Locale(locale)
	return replyText(h.call(i))
}

// autocomplete sends an autocomplete interaction for the focused option from locale.
func (h *harness) autocomplete(locale, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) string {
	h.t.Helper()
	i := command("100", discordgo.PermissionManageGuild, nil, name, opts...)
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	i.Locale = discordgo.Locale(locale)
	return replyText(h.call(i))
}

func focused(name string, v any) *discordgo.ApplicationCommandInteractionDataOption {
	o := opt(name, v)
	o.Focused = true
	return o
}

// demoGuild is guild 100 with the planned strength set and 483 personnel deployed.
func demoGuild(t *testing.T) *harness {
	h := newHarness(t, "sqlite")
	h.run("/mission set planned:2500", "/arrival log country:KE personnel:400 role:police",
		"/arrival log country:GT personnel:75 role:military", "/arrival log country:SV personnel:8 role:medical")
	return h
}

func TestRepliesFollowTheReader(t *testing.T) {
	h := demoGuild(t)
	tests := []struct {
		locale string
		want   []string
	}{
		{"fr", []string{"**483** déployés sur **2\u202f500** prévus (19,3\u202f%)", "Effectifs", "Prochain vol", "🇰🇪 Kenya — 400"}},
		{"es-419", []string{"**483** desplegados de **2500** previstos (19,3\u00a0%)", "Próximo vuelo", "Llegadas de los últimos 7 días"}},
		{"es-ES", []string{"**483** desplegados de **2500** previstos", "483 personas"}},
		{"en-GB", []string{"**483** deployed of **2,500** planned (19.3 %)", "Next flight"}},
		{"de", []string{"**483** deployed of **2,500** planned", "Force levels"}}, // Liaison speaks no German; the server has no language
	}
	for _, tt := range tests {
		out := h.as(tt.locale, "forces")
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("/forces from %s lacks %q:\n%s", tt.locale, w, out)
			}
		}
	}
	// A server set to French answers a German client in French.
	if _, err := h.store.UpdateGuild(context.Background(), storage.Actor{GuildID: "100"}, func(g *storage.Guild) error {
		g.Language = "fr"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if out := h.as("de", "forces"); !strings.Contains(out, "déployés sur") {
		t.Errorf("/forces from de in a French server:\n%s", out)
	}
}

func TestRefusalsHelpAndAutocompleteInTheReadersLanguage(t *testing.T) {
	h := newHarness(t, "sqlite")
	out := h.as("fr", "arrival", sub("log", opt("country", "GT"), opt("personnel", 0.0)))
	for _, w := range []string{"❌ l’effectif doit être compris entre 1 et 100 000, et non 0", "Exemple : `personnel:75` (un nombre entier de 1 à 100 000)"} {
		if !strings.Contains(out, w) {
			t.Errorf("French refusal lacks %q:\n%s", w, out)
		}
	}
	out = h.as("es-419", "help")
	for _, w := range []string{"`/arrival log` — Registrar una llegada · _moderadores_", "`/settings language` — Idioma de los recordatorios",
		"· _administradores_", "`/forces` — Efectivos: desplegados, comprometidos y previstos, por país", "· _todos los miembros_", "**Planificar vuelos**", "Liaison — efectivos, llegadas y vuelos"} {
		if !strings.Contains(out, w) {
			t.Errorf("/help in Spanish lacks %q:\n%s", w, out)
		}
	}
	if out := h.autocomplete("fr", "forces", focused("country", "Esta")); !strings.Contains(out, "🇺🇸 États-Unis (US)") {
		t.Errorf("autocomplete of \"Esta\" in French:\n%s", out)
	}
	if out := h.autocomplete("es-ES", "forces", focused("country", "Unit")); !strings.Contains(out, "🇺🇸 Estados Unidos (US)") {
		t.Errorf("autocomplete of \"Unit\" in Spanish:\n%s", out)
	}
}

// TestNoEnglishLeaksIntoFrenchOrSpanish runs a session of every kind of answer in French and in
// Spanish and looks for English words a reader would notice. Options, values and command
// names typed in backticks are English by design and are left out.
func TestNoEnglishLeaksIntoFrenchOrSpanish(t *testing.T) {
	english := []string{" deployed", "Arrival", "arrival", "logged", "Example:", "Flight ", "flight #", "Next flight", "Previous",
		"Next", "Page 1 of", "in all", "pledged", "Pledge", "source:", "no source", "not set", "Settings", "History", "by ",
		"scheduled", "landed", "cancelled", "Mission updated", "personnel", "Status", "▸ Manifest\n", " ago", "requested"}
	for _, locale := range []string{"fr", "es-419"} {
		h := newHarness(t, "sqlite")
		var out strings.Builder
		say := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) {
			out.WriteString(h.as(locale, name, opts...))
		}
		say("mission", sub("set", opt("planned", 2500.0), opt("lead", "KE")))
		say("mission", sub("show"))
		for i := 0; i < 12; i++ { // different personnel: the same arrival twice in a day is held as a repeat
			say("arrival", sub("log", opt("country", "GT"), opt("personnel", float64(5+i)), opt("role", "military"), opt("source", "ONU")))
		}
		say("arrival", sub("edit", opt("id", 1.0), opt("personnel", 6.0)))
		say("arrival", sub("delete", opt("id", 2.0)))
		say("arrivals")
		say("departure", sub("log", opt("country", "GT"), opt("personnel", 2.0), opt("role", "military"), opt("reason", "rotation")))
		say("pledge", sub("set", opt("country", "JM"), opt("personnel", 200.0), opt("role", "police")))
		say("pledge", sub("set", opt("country", "BJ"), opt("role", "police")))
		say("pledge", sub("list"))
		say("flight", sub("schedule", opt("eta", "in 2h"), opt("manifest", "KE 100 police")))
		say("flight", sub("delay", opt("flight", 1.0), opt("eta", "in 3h"), opt("reason", "météo")))
		say("flight", sub("show", opt("flight", 1.0)))
		say("flights")
		say("forces")
		say("forces", opt("country", "GT"))
		say("reminders", sub("list"))
		say("settings", sub("show"))
		say("settings", sub("timezone", opt("timezone", "America/Port-au-Prince")))
		say("history")
		say("export", opt("kind", "arrivals"))
		say("help")
		say("arrival", sub("log", opt("country", "GT"), opt("personnel", 0.0)))
		say("flights", opt("status", "nowhere"))
		text := stripCode(out.String())
		for _, w := range english {
			if i := strings.Index(text, w); i >= 0 {
				t.Errorf("%s session shows English %q: …%s…", locale, w, text[max(0, i-60):min(len(text), i+60)])
			}
		}
	}
}

// stripCode drops `code` spans (typed options and values stay English) and the CSV itself.
func stripCode(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if r == '`' {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}
