package commands_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"liaison/exchange"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// TestFemaleOption: /arrival log, /arrival edit, /departure log and /flight add take female,
// show it back, keep it at most the personnel, and /forces shows the women's share in all and
// per country and role.
func TestFemaleOption(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	ctx := context.Background()
	steps := []struct {
		line string
		want []string
	}{
		{"/arrival log country:GT personnel:75 female:12 role:military", []string{"logged", "75 military · 12 women"}},
		{"/arrival log country:KE personnel:200 role:police", []string{"logged", "200 police"}},
		{"/arrival log country:SV personnel:8 role:medical female:9", []string{"9 women is more than the 8 personnel", "Example: `female:12`"}},
		{"/arrival log country:SV personnel:8 role:medical female:-1", []string{"cannot be negative, not -1"}},
		{"/arrival edit id:1 personnel:10", []string{"arrival #1 records 12 women: its personnel cannot drop to 10",
			"`/arrival edit id:1 personnel:10 female:10`"}},
		{"/arrival edit id:1 female:80", []string{"80 women is more than the 75 personnel"}},
		{"/arrival edit id:1 personnel:10 female:4", []string{"edited", "women", "10 military · 4 women"}},
		{"/arrival edit id:1 personnel:75 female:15", []string{"edited", "75 military · 15 women"}},
		{"/departure log country:GT personnel:5 female:6 role:military", []string{"6 women is more than the 5 personnel"}},
		{"/departure log country:GT personnel:5 female:16 role:military", []string{"16 women is more than the 5 personnel"}},
		{"/departure log country:KE personnel:5 role:police female:1", []string{"−1 women police", "`/forces country:KE`"}},
		{"/departure log country:GT personnel:5 female:3 role:military", []string{"logged", "5 military · 3 women"}},
		{`/flight schedule eta:"2025-01-05 10:00" manifest:"SV 8 medical 3f"`, []string{"scheduled", "8 medical · 3 women"}},
		{"/flight add flight:1 country:KE personnel:20 role:police female:21", []string{"21 women is more than the 20 personnel"}},
		{"/flight add flight:1 country:KE personnel:20 role:police female:5", []string{"20 police · 5 women"}},
		{`/flight schedule eta:"2025-01-05 10:00" manifest:"GT 5 9f"`, []string{`entry 1 ("GT 5 9f"): 9 women is more than the 5 personnel`}},
	}
	for _, s := range steps {
		out := h.run(s.line)
		for _, w := range s.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s\n answered %q\n want %q in it", s.line, out, w)
			}
		}
	}
	if out := h.run("/flight show flight:1"); !strings.Contains(out, "8 medical · 3 women") || !strings.Contains(out, "20 police · 5 women") {
		t.Errorf("/flight show lacks the manifest's women:\n%s", out)
	}
	// GT 70 with 12 women, KE 200 with none: 12 of 270 in all (4.4 %), GT 17.1 %.
	out := h.run("/forces")
	for _, w := range []string{"Women", "12 of 270 deployed (4.4 %)", "Guatemala — 70 · 12 women (17.1 %)", "Kenya — 200 · "} {
		if !strings.Contains(out, w) {
			t.Errorf("/forces lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "Kenya — 200 · 0 women") {
		t.Errorf("/forces shows a zero women's count:\n%s", out)
	}
	out = h.run("/forces country:GT")
	for _, w := range []string{"**70** deployed · 12 women (17.1 %)", "70 · 12 women (17.1 %)", "75 military · 15 women arrived", "5 military · 3 women left"} {
		if !strings.Contains(out, w) {
			t.Errorf("/forces country:GT lacks %q:\n%s", w, out)
		}
	}
	if out := h.run("/forces country:KE"); strings.Contains(out, "women") {
		t.Errorf("/forces country:KE, with no women recorded, speaks of women:\n%s", out)
	}
	// French and Spanish readers get the share in their words.
	if fr := h.as("fr", "forces"); !strings.Contains(fr, "12 sur 270 déployés (4,4") {
		t.Errorf("/forces in French lacks the women's share:\n%s", fr)
	}
	if es := h.as("es-419", "forces"); !strings.Contains(es, "12 de 270 desplegados") {
		t.Errorf("/forces in Spanish lacks the women's share:\n%s", es)
	}
	totals, _ := h.store.ForceTotals(ctx, "100")
	for _, ft := range totals {
		if ft.Women < 0 || ft.Women > ft.Deployed {
			t.Errorf("force total %+v: women outside 0..deployed", ft)
		}
	}
}

// TestFemaleColumn: arrivals and departures export their women in the column after personnel,
// flights in their manifest ("SV 8 medical 3f"), and an import reads them back; a file written
// before the column still imports, with no women recorded; a bad count names its line.
func TestFemaleColumn(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	ctx := context.Background()
	h.run("/arrival log country:GT personnel:75 female:12 role:military", "/departure log country:GT personnel:5 female:2 role:military",
		`/flight schedule eta:"2025-01-05 10:00" manifest:"SV 8 medical 3f; KE 20 police"`)
	export := func(guild, kind string) string {
		var buf bytes.Buffer
		if _, err := exchange.ExportCSV(ctx, h.store, guild, kind, exchange.FormatLiaison, &buf); err != nil {
			t.Fatalf("export %s: %v", kind, err)
		}
		return buf.String()
	}
	arrivals := export("100", "arrivals")
	if head, _, _ := strings.Cut(arrivals, "\n"); !strings.HasPrefix(head, "kind,id,time,country,personnel,female,role,") {
		t.Errorf("header %q: want female right after personnel", head)
	}
	if !strings.Contains(arrivals, ",GT,75,12,military,") {
		t.Errorf("arrivals export lacks the women:\n%s", arrivals)
	}
	if d := export("100", "departures"); !strings.Contains(d, ",GT,5,2,military,") {
		t.Errorf("departures export lacks the women:\n%s", d)
	}
	if f := export("100", "flights"); !strings.Contains(f, "SV 8 medical 3f; KE 20 police") {
		t.Errorf("flights export lacks the manifest's women:\n%s", f)
	}
	for _, kind := range []string{"arrivals", "departures", "flights"} {
		if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "300"}, strings.NewReader(export("100", kind))); err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
		if a, b := strip(export("100", kind)), strip(export("300", kind)); a != b {
			t.Errorf("%s after a round trip:\n%s\nwant\n%s", kind, b, a)
		}
	}

	// Files written before the female column: with and without the language column.
	old := "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone"
	for _, head := range []string{old, old + ",language"} {
		guild := "old" + head[len(head)-3:]
		file := head + "\narrival,1,2025-01-01T10:00:00Z,KE,200,police,,,,,,,,,,press,a note,,,\n"
		if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: guild}, strings.NewReader(file)); err != nil {
			t.Fatalf("import of an older file: %v", err)
		}
		got, _, _ := h.store.FindArrivals(ctx, guild, storage.ArrivalFilter{})
		if len(got) != 1 || got[0].Personnel != 200 || got[0].Role != mission.RolePolice || got[0].Female != 0 || got[0].Source != "press" || got[0].Note != "a note" {
			t.Errorf("older file imported as %+v", got)
		}
	}
	header := strings.SplitN(arrivals, "\n", 2)[0]
	for _, bad := range []struct{ row, want string }{
		{"arrival,1,2025-01-01T10:00:00Z,GT,5,6,military", "6 women is more than the 5 personnel"},
		{"arrival,1,2025-01-01T10:00:00Z,GT,5,x,military", `female must be a whole number from 0 to the personnel, not "x"`},
		{"departure,1,2025-01-01T10:00:00Z,GT,5,-1,military", "cannot be negative"},
	} {
		_, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "bad"}, strings.NewReader(header+"\n"+bad.row+"\n"))
		if err == nil || !strings.Contains(err.Error()+englishOf(err), bad.want) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("import of %q: error %v, want line 2 and %q", bad.row, err, bad.want)
		}
	}
	if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "bad"}, strings.NewReader(export("100", "forces"))); err == nil ||
		!strings.Contains(englishOf(err), "not records to import") {
		t.Errorf("import of a forces export: %v, want a refusal", err)
	}
}

// englishOf is an error as an English reader (the CLI's operator) reads it.
func englishOf(err error) string { return locale.Error(locale.English, err) }

// TestForceRows: roles of one UN type are summed into one row that names them, police follow
// the contributor's marking, nobody deployed makes no row, and rows come by contributor then in
// the UN's order of types.
func TestForceRows(t *testing.T) {
	totals := []storage.ForceTotal{
		{Country: "GT", Role: mission.RoleMedical, Deployed: 8, Women: 3},
		{Country: "GT", Role: mission.RoleMilitary, Deployed: 75, Women: 12},
		{Country: "GT", Role: mission.RoleStaff, Deployed: 4, Women: 1},
		{Country: "KE", Role: mission.RolePolice, Deployed: 300, Women: 50},
		{Country: "JM", Role: mission.RolePolice, Deployed: 20},
		{Country: "BJ", Role: mission.RoleMilitary, Deployed: 0},
		{Country: "TD", Role: mission.RoleOther, Deployed: 2, Women: 2},
	}
	rows := exchange.ForceRows("2025-01-03", "MSS", totals, map[string]mission.PersonnelType{"KE": mission.TypeIndividualPolice})
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join([]string{r.Contributor, r.ISO3, string(r.PersonnelType), strconv.FormatInt(r.Women, 10),
			strconv.FormatInt(r.Men(), 10), strconv.FormatInt(r.Total, 10), strings.Join(mission.Strings(r.Roles...), "+")}, " "))
	}
	want := []string{
		"Chad TCD experts_on_mission 2 0 2 other",
		"Guatemala GTM troops 15 68 83 military+medical",
		"Guatemala GTM staff_officers 1 3 4 staff",
		"Jamaica JAM formed_police_units 0 20 20 police",
		"Kenya KEN individual_police 50 250 300 police",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ForceRows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWomenTotalOverEveryPage: /forces' women's total counts every country, not only those on
// its first page.
func TestWomenTotalOverEveryPage(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	ctx := context.Background()
	codes := countryCodes(t, 62)
	for i, c := range codes {
		a := storage.Arrival{Country: c, Personnel: 100, Role: mission.RoleMilitary, ArrivedAt: h.clock.Now()}
		if i == len(codes)-1 {
			a.Personnel, a.Female = 1, 1 // the smallest contingent, on the last page
		}
		if _, err := h.store.LogArrival(ctx, storage.Actor{GuildID: "100", UserID: "42"}, a); err != nil {
			t.Fatal(err)
		}
	}
	first := h.call(command("100", 0, nil, "forces"))
	var women string
	for _, f := range first.Data.Embeds[0].Fields {
		if f.Name == "Women" {
			women = f.Value
		}
	}
	if want := "1 of 6,101 deployed (0.0 %)"; women != want {
		t.Errorf("/forces' women field = %q, want %q", women, want)
	}
	if strings.Contains(first.Data.Embeds[0].Description, render.Country(render.English, codes[len(codes)-1])) {
		t.Errorf("the last country is on the first page: the test no longer reaches a second page")
	}
}
