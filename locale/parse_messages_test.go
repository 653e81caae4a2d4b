package locale

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liaison/mission"
)

// parseErrors is one refused input for every parser and every message it can give, each
// as a function so that the table reads as what a user typed.
var parseErrors = []struct {
	name string
	err  func() error
}{
	{"airport", func() error { _, err := mission.ParseAirport("PAPX1"); return err }},
	{"country_missing", func() error { _, err := mission.LookupCountry(" "); return err }},
	{"country_unknown", func() error { _, err := mission.LookupCountry("XX"); return err }},
	{"country_suggest", func() error { _, err := mission.LookupCountry("Nigera"); return err }},
	{"country_suggest/manifest", func() error { _, err := mission.ParseManifest("GT 1,000; Guatamala 8"); return err }},
	{"digest_zone", func() error { _, err := mission.ParseDigest("CRON_TZ=Europe/Paris 0 8 * * *"); return err }},
	{"digest_cron", func() error { _, err := mission.ParseDigest("0 25 * * *"); return err }},
	{"digest_fields", func() error { _, err := mission.ParseDigest("0 8 * *"); return err }},
	{"digest_words", func() error { _, err := mission.ParseDigest("@every 1h"); return err }},
	{"digest_field.day", func() error { _, err := mission.ParseDigest("0 8 32 * *"); return err }},
	{"digest_field.month", func() error { _, err := mission.ParseDigest("0 8 * 13 *"); return err }},
	{"digest_field.weekday", func() error { _, err := mission.ParseDigest("0 8 * * 9"); return err }},
	{"digest_field.minute", func() error { _, err := mission.ParseDigest("61 8 * * *"); return err }},
	{"duration_missing", func() error { _, err := mission.ParseDuration(""); return err }},
	{"duration_negative", func() error { _, err := mission.ParseDuration("-1h"); return err }},
	{"duration_bad", func() error { _, err := mission.ParseDuration("2x"); return err }},
	{"duration_unit", func() error { _, err := mission.ParseDuration("90"); return err }},
	{"duration_too_long", func() error { _, err := mission.ParseDuration("3651d"); return err }},
	{"offset_too_far", func() error { _, err := mission.ParseOffsets("31d"); return err }},
	{"offsets_missing", func() error { _, err := mission.ParseOffsets(" , "); return err }},
	{"offsets_too_many", func() error { _, err := mission.ParseOffsets("1s,2s,3s,4s,5s,6s"); return err }},
	{"manifest_too_long", func() error { _, err := mission.ParseManifest(strings.Repeat("GT 1;", 51)); return err }},
	{"manifest_entry", func() error { _, err := mission.ParseManifest("GT 75; XX 8"); return err }},
	{"manifest_shape", func() error { _, err := mission.ParseManifest("GT military"); return err }},
	{"manifest_no_country", func() error { _, err := mission.ParseManifest("75 military"); return err }},
	{"personnel", func() error { _, err := mission.ParseManifest("GT 0"); return err }},
	{"role_unknown", func() error { _, err := mission.ParseRole("soldierz"); return err }},
	{"when_day", func() error { _, err := mission.ParseWhen("31 février 10h", parseNow, time.UTC); return err }},
	{"when_zone_unknown", func() error { _, err := mission.ParseWhen("09:00 Africa/Narobi", parseNow, time.UTC); return err }},
	{"when_zone_ambiguous", func() error { _, err := mission.ParseWhen("09:00 CST", parseNow, time.UTC); return err }},
	{"when_missing", func() error { _, err := mission.ParseWhen("", parseNow, time.UTC); return err }},
	{"when_in", func() error { _, err := mission.ParseWhen("in 2x", parseNow, time.UTC); return err }},
	{"when_year", func() error { _, err := mission.ParseWhen("2300-01-01", parseNow, time.UTC); return err }},
	{"when_unknown", func() error { _, err := mission.ParseWhen("soon", parseNow, time.UTC); return err }},
	{"when_clock", func() error { _, err := mission.ParseWhen("tomorrow 25:00", parseNow, time.UTC); return err }},
	{"when_date", func() error { _, err := mission.ParseWhen("2025-02-30", parseNow, time.UTC); return err }},
	{"when_offset", func() error { _, err := mission.ParseWhen("2025-01-04T14:00:00+25:00", parseNow, time.UTC); return err }},
}

var parseNow = time.Date(2025, 1, 3, 15, 4, 0, 0, time.UTC)

// textKeys adds t's key and those of the texts nested in its variables to keys.
func textKeys(t mission.Text, keys map[string]bool) map[string]bool {
	keys[t.Key] = true
	for _, a := range t.Args {
		if inner, ok := a.(mission.Text); ok {
			textKeys(inner, keys)
		}
	}
	return keys
}

// TestParseErrorsInEveryLanguage: every parser's refusal is a catalog text that each language
// writes in full (no key, no missing variable, nested texts written in the same language) and
// short enough to stand in a reply; the table covers every parse.* message.
func TestParseErrorsInEveryLanguage(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range parseErrors {
		err := tc.err()
		var e *mission.Error
		if !errors.As(err, &e) || e.Kind != mission.EInvalid || !textKeys(e.Text, map[string]bool{})["parse."+strings.TrimSuffix(tc.name, "/manifest")] {
			t.Errorf("%s: error %v, want an invalid-input error with text parse.%s", tc.name, err, tc.name)
			continue
		}
		textKeys(e.Text, covered)
		for _, l := range Languages() {
			got := Error(l, err)
			if strings.Contains(got, "parse.") || strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
				t.Errorf("%s in %s = %q: not written in full", tc.name, l, got)
			}
			if n := utf8.RuneCountInString(got); n > 300 {
				t.Errorf("%s in %s is %d characters long, want a short sentence: %q", tc.name, l, n, got)
			}
		}
	}
	// parse.quote writes every quoted input rather than being a text of its own; cron refuses
	// no five fields that it accepts one by one, so parse.digest_field.any is a fallback no
	// input reaches.
	covered["parse.quote"], covered["parse.digest_field.any"] = true, true
	for id := range readCatalog(t, English) {
		if strings.HasPrefix(id, "parse.") && !covered[id] {
			t.Errorf("no parser test gives %s", id)
		}
	}
}

// TestParseErrorsRead: a sample of refusals as readers of each language read them, nested
// ones included.
func TestParseErrorsRead(t *testing.T) {
	tests := []struct {
		name       string
		en, fr, es string
	}{
		{"manifest_entry",
			`entry 2 ("XX 8"): unknown country "XX"`,
			`ligne 2 (« XX 8 ») : pays inconnu : « XX »`,
			`línea 2 («XX 8»): país desconocido: «XX»`},
		{"country_suggest",
			`unknown country "Nigera"; did you mean Niger (NE), Nigeria (NG)?`,
			`pays inconnu : « Nigera » ; vouliez-vous dire Niger (NE), Nigéria (NG) ?`,
			`país desconocido: «Nigera»; ¿quiso decir Níger (NE), Nigeria (NG)?`},
		{"country_suggest/manifest",
			`entry 2 ("Guatamala 8"): unknown country "Guatamala"; did you mean Guatemala (GT)?`,
			`ligne 2 (« Guatamala 8 ») : pays inconnu : « Guatamala » ; vouliez-vous dire Guatemala (GT) ?`,
			`línea 2 («Guatamala 8»): país desconocido: «Guatamala»; ¿quiso decir Guatemala (GT)?`},
		{"personnel",
			`entry 1 ("GT 0"): personnel must be between 1 and 100,000, not "0"`,
			`ligne 1 (« GT 0 ») : l’effectif doit être compris entre 1 et 100 000, et non « 0 »`,
			`línea 1 («GT 0»): el número de efectivos debe estar entre 1 y 100.000, no «0»`},
		{"when_in",
			`"in 2x": "2x" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`,
			`« in 2x » : « 2x » n’est pas une durée ; utilisez par exemple 20s, 90m, 2h, 3j ou 1h30m`,
			`«in 2x»: «2x» no es una duración; use por ejemplo 20s, 90m, 2h, 3d o 1h30m`},
		{"when_unknown",
			`"soon" is not a time I understand; try 2025-01-04 14:00, tomorrow 09:00, friday 10:00, Jan 9 14:00, in 2h or now`,
			"« soon » n’est pas une heure reconnue ; essayez `2025-01-04 14:00`, `demain 9h`, `vendredi 10h`, `9 janvier 14h`, `dans 2h` ou `maintenant`",
			"«soon» no es una hora reconocible; pruebe `2025-01-04 14:00`, `mañana 9:00`, `viernes 10:00`, `9 de enero 14:00`, `en 2h` o `ahora`"},
		{"role_unknown",
			`unknown role "soldierz"; use one of military (troops, soldiers), police, medical (medics), staff (staff officers), support, other`,
			`catégorie inconnue : « soldierz » ; utilisez l’une des suivantes : militaires (troupes, soldats), policiers (gendarmes), personnel médical (médecins), officiers d’état-major, soutien, autre`,
			`categoría desconocida: «soldierz»; use una de estas: militares (tropas, soldados), policías, personal de sanidad (médicos), oficiales de estado mayor, apoyo, otro`},
		{"airport",
			`"PAPX1" is not an airport code (3 letters IATA like PAP, or 4 letters ICAO like MTPP)`,
			`« PAPX1 » n’est pas un code d’aéroport (3 lettres IATA comme PAP, ou 4 lettres OACI comme MTPP)`,
			`«PAPX1» no es un código de aeropuerto (3 letras IATA como PAP, o 4 letras OACI como MTPP)`},
		{"digest_fields",
			`"0 8 * *" is not a schedule I understand: give a time (08:00, daily 08:00) or 5 cron fields: minute hour day-of-month month day-of-week`,
			"« 0 8 * * » n’est pas un horaire reconnu : donnez une heure (`8h`, `tous les jours 8h`) ou 5 champs cron : minute heure jour-du-mois mois jour-de-la-semaine",
			"«0 8 * *» no es un horario reconocible: indique una hora (`08:00`, `todos los días 8:00`) o 5 campos cron: minuto hora día-del-mes mes día-de-la-semana"},
	}
	errs := map[string]error{}
	for _, tc := range parseErrors {
		errs[tc.name] = tc.err()
	}
	for _, tt := range tests {
		for l, want := range map[Lang]string{English: tt.en, French: tt.fr, Spanish: tt.es} {
			if got := Error(l, errs[tt.name]); got != want {
				t.Errorf("Error(%s, %s)\n got %q\nwant %q", l, tt.name, got, want)
			}
		}
	}
}

// TestErrorKeepsContext: an example and the context wrapped around a mission error are kept.
func TestErrorKeepsContext(t *testing.T) {
	_, inner := mission.LookupCountry("XX")
	err := mission.InvalidWith(inner, "cmd.example.country")
	wrapped := errors.Join(errors.New("bad.csv: line 2"), err)
	for l, want := range map[Lang]string{
		English: "unknown country \"XX\"\nExample: `country:GT`, `country:GTM` or `country:Guatemala`",
		French:  "pays inconnu : « XX »\nExemple : `country:GT`, `country:GTM` ou `country:Guatemala`",
	} {
		if got := Error(l, err); got != want {
			t.Errorf("Error(%s, …) = %q, want %q", l, got, want)
		}
	}
	if got, want := Error(English, wrapped), "bad.csv: line 2\nunknown country \"XX\"\nExample: `country:GT`, `country:GTM` or `country:Guatemala`"; got != want {
		t.Errorf("Error(en, wrapped) = %q, want %q", got, want)
	}
	if got := Error(French, errors.New("plain")); got != "plain" {
		t.Errorf("Error(fr, plain) = %q, want it as it is", got)
	}
}

// TestBelowZeroOnADayReadsTheDay: the day an undone landing would leave a total below zero is
// written in words in the reader's language, never as an ISO date inside a sentence.
func TestBelowZeroOnADayReadsTheDay(t *testing.T) {
	day := time.Date(2024, 12, 2, 0, 0, 0, 0, time.UTC)
	err := mission.Refuse(mission.EConflict, "error.below_zero_on", "Country", mission.CountryCode("KE"),
		"Deployed", mission.Figure(-20), "Role", mission.RolePolice, "Day", mission.Day(day))
	for lang, want := range map[Lang]string{English: "Monday 2 December 2024", French: "lundi 2 décembre 2024", Spanish: "2 de diciembre de 2024"} {
		got := Error(lang, err)
		if !strings.Contains(got, want) || strings.Contains(got, "2024-12-02") {
			t.Errorf("%s: %q, want the day written %q", lang, got, want)
		}
	}
}
