package commands_test

import (
	"strings"
	"testing"

	"liaison/storage/storagetest"
)

// TestReportedFiguresThroughCommands: a moderator logs what sources said, for the mission and
// a country, with qualifiers; /forces shows the latest under the total and /reports every one
// beside the ledger of its day, the largest disagreement first; the ledger itself is unchanged.
// The demo's clock is 3 January 2025, 20:00 UTC.
func TestReportedFiguresThroughCommands(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := newHarness(t, driver)
			h.run(`/arrival log country:KE personnel:200 role:police when:2024-06-25`,
				`/arrival log country:KE personnel:200 role:police when:2024-07-16`,
				`/arrival log country:GT personnel:75 role:military when:"2025-01-03 08:00"`)
			out := h.run(`/report log value:400 source:"HNP spokesperson" as_of:2025-01-03`,
				`/report log value:450 qualifier:about source:UN as_of:2025-01-03`,
				`/report log value:200 country:Kenya source:"KPS statement" as_of:2024-07-01`,
				`/report log value:500 qualifier:at_least source:"lead nation" as_of:2025-01-03`)
			for _, want := range []string{
				"Reported figure **#1** logged: #1 · 400 deployed — HNP spokesperson",
				"ledger 475, +75 / +18.8 %",
				"about 450 deployed — UN",
				"agrees with the ledger (475)",
				"🇰🇪 Kenya: 200 deployed — KPS statement",
				"at least 500 deployed — lead nation",
				"ledger 475, −25 / −5.0 %",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("answers lack %q:\n%s", want, out)
				}
			}
			forces := h.run("/forces")
			if !strings.Contains(forces, "**475** deployed") || !strings.Contains(forces, "Reported figures") ||
				!strings.Contains(forces, "#4 · at least 500") || strings.Contains(forces, "KPS statement") {
				t.Errorf("/forces shows neither the ledger's 475 nor the three latest reported figures:\n%s", forces)
			}
			list := h.run("/reports")
			first, second := strings.Index(list, "#1 · 400"), strings.Index(list, "#4 · at least")
			if first < 0 || second < 0 || first > second {
				t.Errorf("/reports does not put the largest disagreement (+75) before −25:\n%s", list)
			}
			if ke := h.run("/reports country:KE"); !strings.Contains(ke, "KPS statement") || strings.Contains(ke, "HNP") {
				t.Errorf("/reports country:KE:\n%s", ke)
			}
			for line, want := range map[string]string{
				"/report log value:400":                         "option source is required",
				"/report log value:-4 source:x":                 "a reported figure is a number from 0 to",
				"/report log value:4 source:x as_of:2030-01-01": "in the future",
				"/report edit id:99 value:3":                    "Reported figure #99 does not exist",
			} {
				if got := h.run(line); !strings.Contains(got, want) || !strings.Contains(got, "(only you can see this)") {
					t.Errorf("%s\n got: %s\nwant an ephemeral refusal containing %q", line, got, want)
				}
			}
			if got := h.run("/report edit id:1 value:475", "/report delete id:4"); !strings.Contains(got, "agrees with the ledger (475)") ||
				!strings.Contains(got, "Reported figure **#4** deleted") {
				t.Errorf("edit and delete:\n%s", got)
			}
			if got := h.run("/history kind:report id:1"); !strings.Contains(got, "#1") {
				t.Errorf("/history of a reported figure:\n%s", got)
			}
		})
	}
}

// TestMissionHostDraftsNothing: the mission's host country (SPEC §2) is set with /mission set
// host:, shown by /mission show, checked as a country, and a report's mention of its forces
// drafts nothing, while the same sentence about a contributor does.
func TestMissionHostDraftsNothing(t *testing.T) {
	h := newHarness(t, "sqlite")
	if out := h.run("/mission set host:Atlantis"); !strings.Contains(out, "(only you can see this)") {
		t.Errorf("/mission set host:Atlantis accepted:\n%s", out)
	}
	sentence := `/report draft text:"120 Jamaican soldiers arrived in Port-au-Prince on Monday." as_of:2025-01-03`
	if out := h.run(sentence); !strings.Contains(out, "Jamaica") {
		t.Fatalf("the sentence drafts nothing about a contributor:\n%s", out)
	}
	if out := h.run("/mission set host:Jamaica", "/mission show"); !strings.Contains(out, "🇯🇲 Jamaica") {
		t.Errorf("/mission show does not name the host:\n%s", out)
	}
	if out := h.run(sentence); strings.Contains(out, "🇯🇲 Jamaica 120") {
		t.Errorf("the host country's forces were drafted:\n%s", out)
	}
}
