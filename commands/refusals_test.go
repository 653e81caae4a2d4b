package commands_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode"

	"liaison/bot"
)

// runIn types lines into a console whose user reads locale, one line at a time, and returns
// each line's answer.
func (h *harness) runIn(locale string, lines ...string) []string {
	h.t.Helper()
	return h.runInAs(locale, 0, lines...)
}

// runInAs is runIn as a member (bot.Everyone), a moderator or, for 0, an admin.
func (h *harness) runInAs(locale string, as bot.Access, lines ...string) []string {
	h.t.Helper()
	out := make([]string, len(lines))
	for i, line := range lines {
		var b bytes.Buffer
		c := &bot.Console{Router: h.router, GuildID: "100", UserID: "42", Locale: locale, As: as, In: strings.NewReader(line), Out: &b, FileDir: h.t.TempDir()}
		if err := c.Run(context.Background()); err != nil {
			h.t.Fatalf("console: %v", err)
		}
		out[i] = b.String()
	}
	return out
}

// englishInAnswer returns English words of an answer outside code spans, quotations, Discord
// timestamps and command names: what a French or Spanish reader would notice.
func englishInAnswer(s string) []string {
	markers := map[string]bool{}
	for _, w := range strings.Fields(`the is are was were must should with and not only you your example missing unknown
		found above below range expected failed written saved deployed pledged logged forbidden internal server record
		constraint duplicate violates syntax invalid beginning field parse timeout exceeded connection refused context
		canceled request ago tomorrow yesterday today next soldiers troops arrival arrivals departure flights scheduled
		landed cancelled overdue delayed digest weekdays daily every this that would leave cannot already has neither than
		maximum minimum end`) {
		markers[w] = true
	}
	var b strings.Builder
	code, quote := false, 0
	for _, r := range s {
		switch {
		case r == '`':
			code = !code
			continue
		case r == '«':
			quote++
		case r == '»':
			quote = max(0, quote-1)
		}
		if !code && quote == 0 {
			b.WriteRune(r)
		}
	}
	var found []string
	rs := []rune(b.String())
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			j++
		}
		if w := string(rs[i:j]); markers[strings.ToLower(w)] && (i == 0 || rs[i-1] != '/' && rs[i-1] != ':') {
			found = append(found, w)
		}
		i = j
	}
	return found
}

// refusals are the lines a French or Spanish officer can type to be refused: every parser's
// refusal, every rule, every record's state, the console's own, and the refusals whose reason
// comes from a library (cron).
var refusals = []string{
	`/arrival log country:Atlantide personnel:5 role:military`,
	`/arrival log country:GT personnel:0 role:military`,
	`/arrival log country:GT personnel:5 role:pilotes`,
	`/arrival log country:GT personnel:5 when:bientôt role:military`,
	`/arrival log country:GT personnel:5 when:"demain 9h" role:military`,
	`/arrival log country:GT personnel:5 when:"dans 2h" role:military`,
	`/arrival log country:GT personnel:5 when:1850-01-01 role:military`,
	`/arrival log country:GT personnel:5 when:2300-01-01 role:military`,
	`/arrival log country:GT personnel:5 when:"09:00 CST" role:military`,
	`/arrival log country:GT personnel:5 when:"31 février 10h" role:military`,
	`/arrival log country:GT personnel:5 when:"hier 25h" role:military`,
	`/arrival log country:GT personnel:5 when:"hier 9h Mars/Olympus" role:military`,
	`/arrival log country:GT personnel:5 when:"2025-01-02T10:00+25:00" role:military`,
	`/arrival log country:GT personnel:5 female:9 role:military`,
	`/arrival log country:GT personnel:5 flight:99 role:military`,
	`/arrival log country:GT personnel:5 role:military unit:"a` + "\u202e" + `b"`,
	`/arrival edit id:99 personnel:5`,
	`/arrival edit id:1`,
	`/arrival edit id:1 female:40`,
	`/arrival delete id:99`,
	`/departure log country:GT personnel:500 role:military`,
	`/departure log country:GT personnel:1 reason:vacances role:military`,
	`/departure log country:GT personnel:1 when:"dans 2h" role:military`,
	`/departure log country:GT personnel:1 female:1 role:military`,
	`/flight schedule eta:bientôt manifest:"GT 5"`,
	`/flight schedule eta:"demain 9h" manifest:"GT 5 pilotes"`,
	`/flight schedule eta:"demain 9h" manifest:"XX 5"`,
	`/flight schedule eta:"demain 9h" manifest:"GT"`,
	`/flight schedule eta:"demain 9h" manifest:"5 soldats"`,
	`/flight schedule eta:"demain 9h" manifest:"GT 0"`,
	`/flight schedule eta:"demain 9h" manifest:"GT 5 9f"`,
	`/flight schedule eta:"demain 9h" destination:PAPX1`,
	`/flight schedule eta:"dans 99999d"`,
	`/flight delay flight:1 eta:+2x`,
	`/flight delay flight:99 eta:+2h`,
	`/flight land flight:1 at:"demain 9h"`,
	`/flight land flight:1 at:"2025-01-01 10:00"`,
	`/flight cancel flight:2`,
	`/flight add flight:2 country:GT personnel:5 role:military`,
	`/flight show flight:99`,
	`/flights status:nulle-part`,
	`/history kind:rien`,
	`/history id:3`,
	`/export kind:rien`,
	`/export kind:arrivals format:pdf`,
	`/mission set planned:0`,
	`/mission set mandate_end:bientôt`,
	`/mission set lead:Atlantide`,
	`/mission set`,
	`/settings timezone timezone:Mars/Olympus`,
	`/settings digest schedule:"61 8 * * *"`,
	`/settings digest schedule:"0 25 * * *"`,
	`/settings digest schedule:"0 8 32 * *"`,
	`/settings digest schedule:"0 8 * 13 *"`,
	`/settings digest schedule:"0 8 * * 9"`,
	`/settings digest schedule:@daily`,
	`/settings digest schedule:"tous les jours 25h"`,
	`/settings digest schedule:"0 8 * *"`,
	`/settings digest schedule:"CRON_TZ=Europe/Paris 0 8 * * *"`,
	`/settings language language:de`,
	`/reminders offsets value:31d`,
	`/reminders offsets value:","`,
	`/reminders offsets value:1s,2s,3s,4s,5s,6s`,
	`/reminders offsets value:-1h`,
	`/reminders offsets value:2x`,
	`/reminders offsets value:90`,
	`/arrivals since:bientôt`,
	`/arrivals since:demain until:hier`,
	`/pledge set country:JM personnel:0 role:military`,
	`/pledge set country:JM as_of:"dans 2 jours" role:military`,
	`/forces country:Atlantide`,
	`/import`,
	`/inconnue`,
	`/arrival`,
	`/arrival danse`,
	`/arrival log pays`,
	`/arrival log country:GT personnel:beaucoup role:military`,
	`/arrival log country:GT role:military`,
	`/arrival log country:"GT role:military`,
	`/arrival log bogus:1 country:GT personnel:1 role:military`,
}

// deniedRefusals are the lines a member or a moderator types to be refused access: a member
// running a moderator's or an admin's route, a moderator running an admin's.
var deniedRefusals = []struct {
	as   bot.Access
	line string
}{
	{bot.Everyone, `/arrival log country:GT personnel:5`},
	{bot.Everyone, `/history`},
	{bot.Everyone, `/export kind:arrivals`},
	{bot.Everyone, `/settings show`},
	{bot.Moderator, `/settings show`},
	{bot.Moderator, `/mission set planned:10`},
	{bot.Moderator, `/settings language language:fr`},
}

// TestEveryRefusalInFrenchAndSpanish plays every refusal in the console as a French and as a
// Spanish-speaking officer (Discord's es-419), and the access refusals as a member and as a
// moderator, and fails on English in any answer.
func TestEveryRefusalInFrenchAndSpanish(t *testing.T) {
	for _, locale := range []string{"fr", "es-419"} {
		h := newHarness(t, "sqlite")
		h.run(`/arrival log country:GT personnel:30 role:military`, `/flight schedule eta:"in 2h" manifest:"GT 5"`,
			`/flight schedule eta:"in 3h" manifest:"SV 5"`, `/flight land flight:2`, `/settings moderator-role role:555`)
		for i, out := range h.runIn(locale, refusals...) {
			if !strings.Contains(out, "❌") && !strings.Contains(out, "⛔") {
				t.Errorf("%s %s: not refused:\n%s", locale, refusals[i], out)
			}
			if w := englishInAnswer(out); len(w) > 0 {
				t.Errorf("%s %s shows English %q:\n%s", locale, refusals[i], w, out)
			}
		}
		for _, d := range deniedRefusals {
			out := h.runInAs(locale, d.as, d.line)[0]
			if !strings.Contains(out, "⛔") {
				t.Errorf("%s %s as %s: not refused access:\n%s", locale, d.line, d.as, out)
			}
			if w := englishInAnswer(out); len(w) > 0 {
				t.Errorf("%s %s as %s shows English %q:\n%s", locale, d.line, d.as, w, out)
			}
		}
	}
}
