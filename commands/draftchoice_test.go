package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestDraftLeavesOutRepeatsUnlessChosen, through the signed endpoint and validated against
// Discord's spec: a drafted arrival that repeats one already logged is marked and left out of
// Confirm by default; Include marked, pressed by the draft's author, chooses it back and
// Confirm then stores it, once; another moderator may not choose, and a forged choice (a
// record that does not exist, or one that is not marked) is refused. A pledge that names no
// role takes the country's only role on record; the others, in doubt, are left out and the
// rest is stored.
func TestDraftLeavesOutRepeatsUnlessChosen(t *testing.T) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, store *storage.Store, clock *storagetest.Clock) {
		w := newImportWorldOn(t, store, clock)
		ctx := context.Background()
		a := storage.Actor{GuildID: importGuild, UserID: otherMod}
		if _, err := store.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 75, Role: mission.RoleMilitary,
			ArrivedAt: time.Date(2025, 1, 3, 14, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SetPledge(ctx, a, storage.Pledge{Country: "KE", Role: mission.RolePolice,
			AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}

		preview := w.draftSeed(uploader)
		for _, want := range []string{"`1` arrival · 🇬🇹 Guatemala 75 military · 2025-01-03 ⚠️ repeats #1", "— left out",
			"1 record left out: it repeats a record already logged", "Kenya size unknown police",
			"3 records left out until their role is set"} {
			if !strings.Contains(content(preview), want) {
				t.Errorf("preview lacks %q:\n%s", want, content(preview))
			}
		}
		b := buttons(preview)
		include := b["Include marked"]
		if include == "" || !strings.HasSuffix(include, ":1") {
			t.Fatalf("preview buttons %v, want Include marked choosing record 1", b)
		}

		// Only the author (or an admin) chooses; a choice is checked again in the bot.
		if r := w.press(otherMod, include); !ephemeral(r) || !strings.Contains(content(r), "Only the uploader") {
			t.Errorf("another moderator's Include marked = %q, want an ephemeral refusal", content(r))
		}
		if r := w.press(plainMember, include); !ephemeral(r) || !strings.Contains(content(r), "moderators") {
			t.Errorf("a member's Include marked = %q, want an ephemeral refusal", content(r))
		}
		for forged, want := range map[string]string{
			strings.TrimSuffix(include, "1") + "99":  "Record 99 is not one of this draft's records marked",
			strings.TrimSuffix(include, "1") + "2":   "Record 2 is not one of this draft's records marked",
			strings.TrimSuffix(include, "1") + "1,1": "not known",
			strings.TrimSuffix(include, "1") + "x":   "not known",
		} {
			if r := w.press(uploader, forged); !ephemeral(r) || !strings.Contains(content(r), want) {
				t.Errorf("forged choice %q = %q, want a refusal with %q", forged, content(r), want)
			}
		}

		chosen := w.press(uploader, include)
		for _, want := range []string{"— included: stored on Confirm", "1 record that repeats a record already logged is included"} {
			if !strings.Contains(content(chosen), want) {
				t.Errorf("preview after Include marked lacks %q:\n%s", want, content(chosen))
			}
		}
		nb := buttons(chosen)
		if nb["Leave marked out"] == "" || nb["Confirm"] == "" || nb["Confirm"] == b["Confirm"] {
			t.Fatalf("buttons after Include marked = %v, want a new Confirm and Leave marked out", nb)
		}
		if r := w.press(uploader, b["Confirm"]); !ephemeral(r) || !strings.Contains(content(r), "already confirmed or cancelled") {
			t.Errorf("the first preview's Confirm = %q, want a refusal", content(r))
		}
		if r := w.press(uploader, nb["Confirm"]); !strings.Contains(content(r), "arrivals 2") || !strings.Contains(content(r), "pledges 1") {
			t.Fatalf("Confirm with the repeat chosen = %q", content(r))
		}
		w.press(uploader, nb["Confirm"]) // a second click stores nothing
		recs, _ := w.ledger()
		want := []string{"arrival GT 75 military", "arrival GT 75 military", "arrival SV 8 military", "flight",
			"pledge KE ? police", "pledge KE ? police", "report deployed 400", "report planned 2500"}
		if strings.Join(recs, "|") != strings.Join(want, "|") {
			t.Errorf("stored:\n%v\nwant\n%v", recs, want)
		}

		// By default, and after Leave marked out, the repeat is not stored again. An admin may
		// choose for the author; an edited draft is marked again, nothing chosen.
		b = buttons(w.draftSeed(uploader))
		byAdmin := w.press(serverManager, b["Include marked"])
		if !strings.Contains(content(byAdmin), "are included") || !strings.Contains(content(byAdmin), "Only <@"+uploader+">") {
			t.Fatalf("an admin's Include marked = %q, want the repeats included and the draft still the author's", content(byAdmin))
		}
		_, f := w.openForm(uploader, buttons(byAdmin)["Edit…"])
		if f == nil {
			t.Fatal("Edit… after Include marked opened no form")
		}
		edited := w.submit(uploader, f, f.Data.Components[0].Components[0].Value)
		if !strings.Contains(content(edited), "records left out: they repeat records already logged") || buttons(edited)["Include marked"] == "" {
			t.Fatalf("the edited draft = %q, want its repeats marked and left out again", content(edited))
		}
		back := buttons(w.press(uploader, buttons(edited)["Include marked"]))
		left := w.press(uploader, back["Leave marked out"])
		if !strings.Contains(content(left), "records left out: they repeat records already logged") || buttons(left)["Include marked"] == "" {
			t.Fatalf("preview after Leave marked out = %q", content(left))
		}
		if r := w.press(uploader, buttons(left)["Confirm"]); !strings.Contains(content(r), "arrivals 0") {
			t.Errorf("Confirm with the repeats left out = %q", content(r))
		}
		arrivals := 0
		_ = store.EachArrival(ctx, importGuild, func(storage.Arrival) error { arrivals++; return nil })
		if arrivals != 3 {
			t.Errorf("%d arrivals after the repeats were left out, want the 3 stored before", arrivals)
		}
		w.fake.AssertValid(t)
	})
}
