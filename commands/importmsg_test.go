package commands_test

import (
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"liaison/exchange"
	"liaison/locale"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// importHeader is the header /export writes today.
const importHeader = "kind,id,time,country,personnel,female,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone,language,uid,figure,qualifier,host"

// importLine is a row of importHeader's columns: the named cells set, the others empty.
func importLine(cells map[string]string) string {
	cols := strings.Split(importHeader, ",")
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = cells[c]
	}
	return strings.Join(out, ",")
}

// arrivalCells are a valid arrival's cells, changed by the pairs given (name, value).
func arrivalCells(kind string, pairs ...string) map[string]string {
	m := map[string]string{"kind": kind, "time": "2025-01-01T10:00:00Z", "country": "GT", "personnel": "5", "role": "military"}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// TestImportErrorsInEveryLanguage: each kind of bad file or bad line is refused with a catalog
// text that reads in English, French and Spanish with its values, and a bad line keeps its
// number. English is the CLI's whole error, as `liaison import` prints it; French and Spanish
// are what /import's preview shows after its "line N:" (the file's own error for a file that
// cannot be read at all).
func TestImportErrorsInEveryLanguage(t *testing.T) {
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	ctx := context.Background()
	line := func(cells map[string]string) string { return importHeader + "\n" + importLine(cells) + "\n" }
	for _, tc := range []struct {
		name, file string
		line       int // 0: the file as a whole is refused
		en, fr, es string
		cause      error // the library's error the refusal reports, kept for errors.Is
	}{
		{"empty file", "", 0,
			"the file is empty: the first line must be the header of an /export file",
			"le fichier est vide : la première ligne doit être l’en-tête d’un fichier de /export",
			"el archivo está vacío: la primera línea debe ser el encabezado de un archivo de /export", nil},
		{"wrong header", "kind,when,country\narrival,2025-01-01,GT\n", 0,
			"line 1: the header must be " + importHeader,
			"ligne 1 : l’en-tête doit être " + importHeader,
			"línea 1: el encabezado debe ser " + importHeader, nil},
		{"audit export", "id,at,user,command,kind,record_id,action,before,after\n", 0,
			"an audit export is a record of changes, not records to import",
			"un export du journal d’audit relate des modifications ; ce ne sont pas des enregistrements à importer",
			"una exportación de la auditoría registra cambios; no son registros para importar", nil},
		{"forces export", "as_of,contributor,iso3,mission,personnel_type,women,men,total,role\n", 0,
			"a forces export is a report in the UN's shape, not records to import",
			"un export des forces est un rapport au format de l’ONU ; ce ne sont pas des enregistrements à importer",
			"una exportación de las fuerzas es un informe con el formato de la ONU; no son registros para importar", nil},
		{"bare quote", importHeader + "\narrival,1,2025-01-01,G\"T,5\n", 0,
			`line 2, column 23: a quote mark " inside a cell that is not in quotes`,
			`ligne 2, colonne 23 : un guillemet " dans une cellule qui n’est pas entre guillemets`,
			`línea 2, columna 23: unas comillas " dentro de una celda que no está entre comillas`, csv.ErrBareQuote},
		{"unclosed quote", importHeader + "\narrival,1,\"2025-01-01,GT,5\n", 0,
			`line 2, column 28: a quote mark " is missing or one too many in a quoted cell`,
			`ligne 2, colonne 28 : un guillemet " manque ou est en trop dans une cellule entre guillemets`,
			`línea 2, columna 28: faltan o sobran comillas " en una celda entre comillas`, csv.ErrQuote},
		{"unknown kind", line(arrivalCells("parade")), 2,
			"line 2 (parade): unknown kind \"parade\" (`mission`, `arrival`, `departure`, `pledge`, `flight`, `report`)",
			"type d’enregistrement inconnu « parade » (`mission`, `arrival`, `departure`, `pledge`, `flight`, `report`)",
			"tipo de registro desconocido «parade» (`mission`, `arrival`, `departure`, `pledge`, `flight`, `report`)", nil},
		{"time missing", line(arrivalCells("arrival", "time", "")), 2,
			"line 2 (arrival): time is required",
			"la colonne time est obligatoire",
			"la columna time es obligatoria", nil},
		{"personnel missing", line(arrivalCells("departure", "personnel", "")), 2,
			"line 2 (departure): personnel is required",
			"la colonne personnel est obligatoire",
			"la columna personnel es obligatoria", nil},
		{"personnel not a number", line(arrivalCells("arrival", "personnel", "many")), 2,
			`line 2 (arrival): personnel must be a whole number from 1 to 100,000, not "many"`,
			`la colonne personnel doit contenir un nombre entier de 1 à 100 000, et non « many »`,
			`la columna personnel debe contener un número entero de 1 a 100.000, no «many»`, nil},
		{"female not a number", line(arrivalCells("arrival", "female", "some")), 2,
			`line 2 (arrival): female must be a whole number from 0 to the personnel, not "some"`,
			`la colonne female doit contenir un nombre entier de 0 à l’effectif, et non « some »`,
			`la columna female debe contener un número entero de 0 al total de efectivos, no «some»`, nil},
		{"flight reference", line(arrivalCells("arrival", "flight", "KQ100")), 2,
			`line 2 (arrival): flight must be a #ID number, not "KQ100"`,
			`la colonne flight doit contenir un numéro de vol #ID, et non « KQ100 »`,
			`la columna flight debe contener un número de vuelo #ID, no «KQ100»`, nil},
		{"departure reason", line(arrivalCells("departure", "reason", "holiday")), 2,
			"line 2 (departure): unknown departure reason \"holiday\" (one of `rotation`, `repatriation`, `casualty`, `other`)",
			"motif de départ inconnu « holiday » (l’un de : `rotation`, `repatriation`, `casualty`, `other`)",
			"motivo de salida desconocido «holiday» (uno de: `rotation`, `repatriation`, `casualty`, `other`)", nil},
		{"flight status", line(map[string]string{"kind": "flight", "id": "3", "time": "2025-01-01T10:00:00Z", "status": "lost", "manifest": "GT 5"}), 2,
			"line 2 (flight): unknown flight status \"lost\" (one of `scheduled`, `delayed`, `landed`, `cancelled`)",
			"statut de vol inconnu « lost » (l’un de : `scheduled`, `delayed`, `landed`, `cancelled`)",
			"estado de vuelo desconocido «lost» (uno de: `scheduled`, `delayed`, `landed`, `cancelled`)", nil},
		{"language", line(map[string]string{"kind": "mission", "language": "de"}), 2,
			"line 2 (mission): unknown language \"de\" (`en`, `fr`, `es`)",
			"langue inconnue « de » (`en`, `fr`, `es`)",
			"idioma desconocido «de» (`en`, `fr`, `es`)", nil},
		{"time zone", line(map[string]string{"kind": "mission", "timezone": "Mars/Olympus"}), 2,
			"line 2 (mission): \"Mars/Olympus\" is not an IANA time zone name\nExample: `timezone:America/Port-au-Prince` or `timezone:Africa/Nairobi`",
			"« Mars/Olympus » n’est pas un nom de fuseau horaire IANA\nExemple : `timezone:America/Port-au-Prince` ou `timezone:Africa/Nairobi`",
			"«Mars/Olympus» no es un nombre de zona horaria IANA\nEjemplo: `timezone:America/Port-au-Prince` o `timezone:Africa/Nairobi`", nil},
		{"control character", line(arrivalCells("arrival", "unit", "a\x07b")), 2,
			"line 2 (arrival): unit: character 2 is the control character U+0007, which cannot be stored",
			"unit : le caractère 2 est le caractère de contrôle U+0007, qui ne peut être enregistré",
			"unit: el carácter 2 es el carácter de control U+0007, que no se puede guardar", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := exchange.ImportCSV(ctx, store, storage.Actor{GuildID: "msg"}, strings.NewReader(tc.file))
			if err == nil {
				t.Fatal("import succeeded, want a refusal")
			}
			if got := locale.Error(locale.English, err); got != tc.en {
				t.Errorf("English:\n got %q\nwant %q", got, tc.en)
			}
			own := err
			var le exchange.LineError
			if errors.As(err, &le) {
				own = le.Err
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("error %v does not wrap %v", err, tc.cause)
			}
			if got := le.Line; got != tc.line {
				t.Errorf("bad line = %d, want %d", got, tc.line)
			}
			for _, want := range []struct {
				lang locale.Lang
				text string
			}{{locale.French, tc.fr}, {locale.Spanish, tc.es}} {
				if got := locale.Error(want.lang, own); got != want.text {
					t.Errorf("%s:\n got %q\nwant %q", want.lang, got, want.text)
				}
			}
			// The preview reads the file as the import does, and refuses it (or its line) the same way.
			p, err := exchange.CheckCSV(ctx, store, storage.Actor{GuildID: "msg"}, strings.NewReader(tc.file))
			switch {
			case tc.line == 0 && (err == nil || locale.Error(locale.French, err) != tc.fr):
				t.Errorf("preview: %v, want the file refused with %q", err, tc.fr)
			case tc.line > 0 && (err != nil || len(p.Errors) != 1 || p.Errors[0].Line != tc.line ||
				locale.Error(locale.French, p.Errors[0].Err) != tc.fr):
				t.Errorf("preview: %v, errors %v, want line %d: %q", err, p.Errors, tc.line, tc.fr)
			}
		})
	}
}

// TestImportPreviewInFrench: a French moderator's preview of a file with several different bad
// lines names each line in French, with no English left in it, and a file that cannot be
// imported at all is refused in French too.
func TestImportPreviewInFrench(t *testing.T) {
	w := newImportWorld(t)
	w.locale = discordgo.French
	rows := []map[string]string{
		arrivalCells("arrival", "country", "XX"),
		arrivalCells("parade"),
		arrivalCells("arrival", "time", ""),
		arrivalCells("arrival", "personnel", "many"),
		arrivalCells("arrival", "female", "some"),
		arrivalCells("arrival", "flight", "KQ100"),
		arrivalCells("departure", "reason", "holiday"),
		{"kind": "flight", "id": "3", "time": "2025-01-01T10:00:00Z", "status": "lost", "manifest": "GT 5"},
		{"kind": "mission", "language": "de", "timezone": "Mars/Olympus"},
		arrivalCells("pledge", "unit", "a\x07b"),
	}
	file := importHeader + "\n"
	for _, r := range rows {
		file += importLine(r) + "\n"
	}
	url := w.fake.AddAttachment("bad.csv", "text/csv", []byte(file))
	r := w.upload(uploader, url, len(file))
	text := content(r)
	for _, want := range []string{
		"10 lignes erronées",
		`ligne 2 : pays inconnu : « XX »`,
		`ligne 3 : type d’enregistrement inconnu « parade »`,
		"ligne 4 : la colonne time est obligatoire",
		`ligne 5 : la colonne personnel doit contenir un nombre entier de 1 à 100 000, et non « many »`,
		`ligne 6 : la colonne female doit contenir un nombre entier de 0 à l’effectif, et non « some »`,
		`ligne 7 : la colonne flight doit contenir un numéro de vol #ID, et non « KQ100 »`,
		`ligne 8 : motif de départ inconnu « holiday »`,
		`ligne 9 : statut de vol inconnu « lost »`,
		`ligne 10 : langue inconnue « de »`,
		"ligne 11 : unit : le caractère 2 est le caractère de contrôle U+0007",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("French preview lacks %q:\n%s", want, text)
		}
	}
	for _, english := range []string{"line ", "unknown", "must be", "required", "whole number", " not ", "import.err"} {
		if strings.Contains(text, english) {
			t.Errorf("French preview has the English %q:\n%s", english, text)
		}
	}
	if len(buttons(r)) != 0 {
		t.Errorf("a preview with bad lines offers %v, want no Confirm", buttons(r))
	}
	if n := w.arrivals(); n != 0 {
		t.Errorf("arrivals after a bad preview = %d, want 0", n)
	}

	// A file that is no import at all: the whole refusal is French.
	audit := "id,at,user,command,kind,record_id,action,before,after\n"
	url = w.fake.AddAttachment("audit.csv", "text/csv", []byte(audit))
	r = w.upload(uploader, url, len(audit))
	if text := content(r); !ephemeral(r) || !strings.Contains(text, "un export du journal d’audit relate des modifications") ||
		strings.Contains(text, "not records") || strings.Contains(text, "import.err") {
		t.Errorf("French refusal of an audit export = %q, want it in French", text)
	}
}
