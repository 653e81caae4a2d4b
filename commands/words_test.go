package commands_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"liaison/locale"
)

// TestRefusedTimesAreTimestamps: a time refused as in the future, too early or too far ahead is
// shown as a Discord timestamp, which each reader sees in their zone and language, and how far
// it lies from now, never as an ISO string with an offset.
func TestRefusedTimesAreTimestamps(t *testing.T) {
	h := newHarness(t, "sqlite")
	haiti, err := time.LoadLocation("America/Port-au-Prince")
	if err != nil {
		t.Fatal(err)
	}
	tomorrow9 := time.Date(2025, 1, 4, 9, 0, 0, 0, haiti).Unix()
	tests := []struct {
		locale, command string
		sub             *discordgo.ApplicationCommandInteractionDataOption
		want            string
	}{
		{"fr", "arrival", sub("log", opt("country", "GT"), opt("personnel", 5.0), opt("when", "demain 9h")),
			fmt.Sprintf("La date indiquée (`when` : <t:%d:F>, <t:%d:R>) est dans le futur", tomorrow9, tomorrow9)},
		{"es-419", "pledge", sub("set", opt("country", "JM"), opt("as_of", "mañana 9:00")),
			fmt.Sprintf("La fecha de `as_of` (<t:%d:F>, <t:%d:R>) está en el futuro", tomorrow9, tomorrow9)},
		{"en", "mission", sub("set", opt("mandate_end", "2200-01-01")),
			"The date given (`mandate_end`: <t:7258136400:F>, <t:7258136400:R>) is more than 20 years ahead"},
	}
	for _, tt := range tests {
		out := h.as(tt.locale, tt.command, tt.sub)
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s %s:\n%s\nwant %q", tt.locale, tt.command, out, tt.want)
		}
		for _, iso := range []string{"-05:00", "+00:00", "2025-01-04 09:00"} {
			if strings.Contains(out, iso) {
				t.Errorf("%s %s shows %q:\n%s", tt.locale, tt.command, iso, out)
			}
		}
	}
}

// exampleHeadings are the headings of an example under a refusal, in each language.
var exampleHeadings = []string{"Example:", "Exemple :", "Ejemplo:"}

// TestNextStepsAreNotExamples: under the "Example:" heading of any refusal, in every language,
// stands something to type; a next step where there is nothing to retype (ask an admin, find
// the #ID first, leave the option out) is a sentence of its own.
func TestNextStepsAreNotExamples(t *testing.T) {
	for _, locale := range []string{"en", "fr", "es-419"} {
		h := newHarness(t, "sqlite")
		h.run(`/arrival log country:GT personnel:30 role:military`, `/flight schedule eta:"in 2h" manifest:"GT 5"`,
			`/flight schedule eta:"in 3h" manifest:"SV 5"`, `/flight land flight:2`, `/settings moderator-role role:555`)
		answers := h.runIn(locale, refusals...)
		for _, d := range deniedRefusals {
			answers = append(answers, h.runInAs(locale, d.as, d.line)...)
		}
		answers = append(answers, h.runIn(locale, `/pledge set country:JM as_of:"in 3d"`, `/arrival delete id:99`, `/settings share what:forces`)...)
		for _, out := range answers {
			for _, line := range strings.Split(out, "\n") {
				for _, heading := range exampleHeadings {
					if rest, ok := strings.CutPrefix(line, heading); ok && !strings.HasPrefix(strings.TrimSpace(rest), "`") {
						t.Errorf("%s: %q shows a next step as an example:\n%s", locale, line, out)
					}
				}
			}
		}
	}
}

// TestSettingsAnswersSayOneThing: a settings change reads as one statement in French and
// Spanish, not "Paramètres : salon des annonces : #123".
func TestSettingsAnswersSayOneThing(t *testing.T) {
	tests := []struct{ locale, colon string }{{"fr", " :"}, {"es-419", ": "}}
	for _, tt := range tests {
		h := newHarness(t, "sqlite")
		outs := h.runIn(tt.locale, "/settings channel channel:123", "/settings moderator-role role:555",
			"/settings timezone timezone:Africa/Nairobi", "/settings language language:es", `/settings digest schedule:"08:00"`,
			"/settings digest schedule:off")
		for _, out := range outs {
			first, _, _ := strings.Cut(out, "\n")
			if !strings.HasPrefix(first, "✅") || strings.Count(first, tt.colon) != 1 {
				t.Errorf("%s: %q, want one statement with one colon", tt.locale, first)
			}
		}
	}
}

// TestChoicesAreNamedInTheReadersWords: a refusal listing an option's choices names them as
// the reader's list in Discord does, and the example it shows is typed the same way.
func TestChoicesAreNamedInTheReadersWords(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run(`/arrival log country:GT personnel:30 role:military`)
	tests := []struct{ locale, line, want string }{
		{"fr", `/departure log country:GT personnel:1 reason:vacances`, "Exemple : `reason:relève` (parmi `relève`, `rapatriement`, `perte`, `autre`)"},
		{"es-419", `/departure log country:GT personnel:1 reason:vacaciones`, "Ejemplo: `reason:relevo` (uno de `relevo`, `repatriación`, `baja`, `otro`)"},
		{"fr", `/history kind:rien`, "(parmi `arrivée`, `départ`, `contribution annoncée`, `vol`, `paramètres`, `chiffre rapporté`)"},
		{"en", `/history kind:nothing`, "(one of `arrival`, `departure`, `pledge`, `flight`, `settings`, "},
		{"fr", `/departure log country:GT personnel:1 reason:relève`, "relève"},
	}
	for _, tt := range tests {
		if out := h.runIn(tt.locale, tt.line)[0]; !strings.Contains(out, tt.want) {
			t.Errorf("%s %s:\n%s\nwant %q", tt.locale, tt.line, out, tt.want)
		}
	}
}

// TestEveryExampleIsSomethingToType reads every refusal Liaison's code builds with a literal
// catalog key: what WithExample (or InvalidWith, inputExample) shows under "Example:" begins
// with something to type, in every language, and what WithHint (or HintWith, nextStep) shows
// is a sentence of its own, with a capital and a full stop. It catches a next step filed as an
// example by a route no played session reaches.
func TestEveryExampleIsSomethingToType(t *testing.T) {
	example := regexp.MustCompile(`(?:WithExample|inputExample|InvalidWith\([^,()]+,)\s*\(?"([a-z0-9_.-]+)"`)
	hint := regexp.MustCompile(`(?:WithHint|nextStep|HintWith\([^,()]+,)\s*\(?"([a-z0-9_.-]+)"`)
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != ".." && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir // .git and the like hold no code of Liaison's
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, l := range []locale.Lang{locale.English, locale.French, locale.Spanish} {
			for _, m := range example.FindAllStringSubmatch(string(src), -1) {
				seen++
				if text := locale.T(l, m[1]); !strings.HasPrefix(text, "`") {
					t.Errorf("%s: %s example %s is no input to type: %q", path, l, m[1], text)
				}
			}
			for _, m := range hint.FindAllStringSubmatch(string(src), -1) {
				seen++
				text := []rune(locale.T(l, m[1]))
				if len(text) == 0 || unicode.IsLower(text[0]) || !strings.HasSuffix(string(text), ".") {
					t.Errorf("%s: %s next step %s is not a sentence: %q", path, l, m[1], string(text))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Errorf("read only %d examples and next steps: the reading is broken", seen)
	}
}
