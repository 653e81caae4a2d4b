package commands_test

import (
	"strings"
	"testing"

	"liaison/bot"
	"liaison/commands"
	"liaison/locale"
)

// TestHelpGroupsByTask: /help lists every route under its task, each with who may use it, in
// the reader's language.
func TestHelpGroupsByTask(t *testing.T) {
	h := newHarness(t, "sqlite")
	tests := []struct {
		locale string
		want   []string // in this order
	}{
		{"en", []string{"**Read**", "`/forces` — Force levels", "· _everyone_", "**Log**", "`/arrival log` — ", "· _moderators_",
			"`/import`", "**Plan flights**", "`/flight schedule`", "`/reminders offsets`", "**Settings**", "`/mission set`", "· _admins_",
			"`/settings share`", "**Records**", "`/history`", "`/export`"}},
		{"fr", []string{"**Consulter**", "`/flight show` — Afficher un vol · _tous les membres_", "**Enregistrer**",
			"`/arrival log` — Enregistrer une arrivée · _modérateurs_", "**Planifier les vols**", "**Paramètres**",
			"`/settings digest` — Heure de publication du point quotidien · _administrateurs_", "**Registres**", "`/history` — "}},
		{"es-419", []string{"**Consultar**", "**Registrar**", "`/departure log` — Registrar una salida · _moderadores_",
			"**Planificar vuelos**", "**Configuración**", "`/mission set` — Modificar la misión · _administradores_", "**Registros**"}},
	}
	for _, tt := range tests {
		out := h.as(tt.locale, "help")
		rest := out
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("/help in %s lacks %q after what came before:\n%s", tt.locale, w, out)
				break
			}
			rest = rest[i+len(w):]
		}
	}
	// Every route's line says who may use it, as the router enforces it.
	out := h.as("en", "help")
	for _, c := range commands.All(commands.Deps{}) {
		if c.Message() {
			continue
		}
		for _, r := range c.Routes {
			line := "`/" + bot.RouteKey(c.Name, r.Name) + "` — "
			i := strings.Index(out, line)
			if i < 0 {
				t.Errorf("/help lacks %s", line)
				continue
			}
			end := strings.IndexByte(out[i:], '\n')
			if want := "· _" + r.Access.String() + "_"; !strings.HasSuffix(out[i:i+end], want) {
				t.Errorf("/help line %q does not end with %q", out[i:i+end], want)
			}
		}
	}
}

// TestHelpCommandPage: /help command:<name> shows one route's purpose, who may use it, its
// options and two examples in the reader's words; a command with subcommands shows each.
func TestHelpCommandPage(t *testing.T) {
	h := newHarness(t, "sqlite")
	tests := []struct {
		locale, command string
		want            []string
	}{
		{"en", "arrival log", []string{"`/arrival log` · Who may use it: moderators", "Log an arrival", "Who may use it: moderators", "**Options**",
			"• `country` (required) — ", "• `when` (optional) — ", "`when:` followed by `yesterday 14:00`", "**Examples**",
			"`/arrival log country:GT personnel:75 role:military when:yesterday 14:00`"}},
		{"fr", "arrival log", []string{"Accès : modérateurs", "• `personnel` (obligatoire) — ", "**Exemples**",
			"`/arrival log country:GT personnel:75 role:militaires when:hier 14h`"}},
		{"es-419", "/settings digest", []string{"Acceso: administradores", "`schedule` (obligatoria)",
			"`/settings digest schedule:lunes a viernes 07:30`"}},
		{"fr", "flights", []string{"Accès : tous les membres", "`status` (facultative) — ", "`à venir`, `atterris`, `annulés`, `tous`",
			"`/flights status:atterris`"}},
		{"es-419", "flight", []string{"/flight schedule", "/flight add", "/flight delay", "/flight land", "/flight cancel",
			"/flight show", "`/flight schedule eta:mañana 9:00 manifest:GT 75 militares; SV 8 personal de sanidad`"}},
		{"en", "settings share", []string{"Who may use it: admins", "`what` (required)", "`/settings share what:force level`"}},
	}
	for _, tt := range tests {
		out := h.as(tt.locale, "help", opt("command", tt.command))
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("/help command:%s in %s lacks %q:\n%s", tt.command, tt.locale, w, out)
			}
		}
	}
}

// TestHelpUnknownCommand: a name that is no command is refused with the closest ones, and an
// example of what to type instead.
func TestHelpUnknownCommand(t *testing.T) {
	h := newHarness(t, "sqlite")
	tests := []struct{ locale, typed, want string }{
		{"en", "arival log", "There is no command \"arival log\". The closest: `arrival log`"},
		{"fr", "flight lnad", "La commande « flight lnad » n’existe pas. Les plus proches : `flight land`"},
		{"es-419", "setings", "El comando «setings» no existe. Los más parecidos: `settings`"},
	}
	for _, tt := range tests {
		out := h.as(tt.locale, "help", opt("command", tt.typed))
		if !strings.Contains(out, "❌") || !strings.Contains(out, tt.want) || !strings.Contains(out, "`/help command:") {
			t.Errorf("/help command:%s in %s = %q, want a refusal with %q and an example", tt.typed, tt.locale, out, tt.want)
		}
	}
}

// TestHelpAutocomplete: the command option offers commands and routes whose name holds what is
// typed, each with its purpose in the reader's language.
func TestHelpAutocomplete(t *testing.T) {
	h := newHarness(t, "sqlite")
	out := h.autocomplete("fr", "help", focused("command", "sett"))
	for _, w := range []string{"settings — Paramètres du serveur", "settings share — Partager hors de Discord", "settings digest — "} {
		if !strings.Contains(out, w) {
			t.Errorf("autocomplete of \"sett\" in French lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "forces") {
		t.Errorf("autocomplete of \"sett\" offers what does not match:\n%s", out)
	}
	out = h.autocomplete("en", "help", focused("command", "arrival l"))
	if !strings.Contains(out, "arrival log — Log an arrival") || strings.Contains(out, "arrivals —") {
		t.Errorf("autocomplete of \"arrival l\":\n%s", out)
	}
}

// TestHelpPagesInFrenchAndSpanish: every command's page, as a French and as a Spanish-speaking
// reader sees it, holds no English outside what is typed as it is.
func TestHelpPagesInFrenchAndSpanish(t *testing.T) {
	h := newHarness(t, "sqlite")
	for _, locale := range []string{"fr", "es-419"} {
		if w := englishInAnswer(h.as(locale, "help")); len(w) > 0 {
			t.Errorf("/help in %s shows English %q", locale, w)
		}
		for _, c := range commands.All(commands.Deps{}) {
			for _, r := range c.Routes {
				key := bot.RouteKey(c.Name, r.Name)
				out := h.as(locale, "help", opt("command", key))
				if strings.Contains(out, "❌") {
					t.Errorf("/help command:%s in %s refused:\n%s", key, locale, out)
				}
				if w := englishInAnswer(out); len(w) > 0 {
					t.Errorf("/help command:%s in %s shows English %q:\n%s", key, locale, w, out)
				}
			}
		}
	}
}

// TestConsoleTakesChoicesInTheReadersWords: the console sends a choice typed by its name in the
// reader's language as its value, as Discord's client does when the choice is picked, so that
// /help's examples work when typed there.
func TestConsoleTakesChoicesInTheReadersWords(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run(`/flight schedule eta:"in 2h" manifest:"GT 5 military"`, `/flight land flight:1`)
	tests := []struct{ locale, line, want string }{
		{"fr", "/flights status:atterris", "#1"},
		{"es-419", "/flights status:aterrizados", "#1"},
		{"fr", "/flights status:landed", "#1"},
		{"fr", "/history kind:paramètres", "Historique — paramètres"},
		{"fr", "/flights status:nulle-part", "❌"},
	}
	for _, tt := range tests {
		out := h.runIn(tt.locale, tt.line)[0]
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s %s:\n%s\nwant %q", tt.locale, tt.line, out, tt.want)
		}
	}
}

// TestHelpExamplesTypeInTheConsole: every example of every command's page, typed in the
// console as it is shown, is read as Discord's client would send it, choices and values with
// spaces included: the only refusals left are those of the records and the server it meets
// (no flight #12 here, no channel to pick, no file attached, no public address).
func TestHelpExamplesTypeInTheConsole(t *testing.T) {
	h := newHarness(t, "sqlite")
	for _, l := range []string{"en", "fr", "es-419"} {
		lang, _ := locale.FromDiscord(l)
		allowed := []string{locale.T(lang, "error.not_found.example"), locale.T(lang, "cmd.settings.choose_channel"),
			locale.T(lang, "cmd.settings.choose_role"), locale.T(lang, "import.no_file"), locale.T(lang, "share.no_public_url"),
			strings.Split(locale.T(lang, "error.below_zero.example"), "`")[0]}
		for _, c := range commands.All(commands.Deps{}) {
			for _, r := range c.Routes {
				page := h.as(l, "help", opt("command", bot.RouteKey(c.Name, r.Name)))
				examples := page[strings.LastIndex(page, "**"):]
				for _, line := range strings.Split(examples, "\n")[1:] {
					parts := strings.Split(line, "`")
					if len(parts) < 3 || !strings.HasPrefix(parts[1], "/") {
						continue
					}
					out := h.runIn(l, parts[1])[0]
					if !strings.Contains(out, "❌") && !strings.Contains(out, "⛔") {
						continue
					}
					ok := false
					for _, a := range allowed {
						ok = ok || strings.Contains(out, a)
					}
					if !ok {
						t.Errorf("%s: the example %s is refused:\n%s", l, parts[1], out)
					}
				}
			}
		}
	}
}
