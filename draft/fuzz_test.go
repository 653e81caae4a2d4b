package draft

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liaison/mission"
)

// FuzzDraft drafts any text without panicking, and every record it drafts is one the rules
// could store: a known country that is not the host, a count in range, a valid role.
func FuzzDraft(f *testing.F) {
	for _, s := range []string{
		"75 Guatemalan soldiers landed", "seventy-five soldats", "1,000,000,000,000,000,000,000 soldiers arrived",
		"\x00\x01\x7f 200 Kenyan police arrived\u202e", "setenta y cinco soldados llegaron el 4 de enero de 2025",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, r := range Draft(text, Options{Published: day(2025, 1, 3)}) {
			checkRecord(t, r)
		}
	})
}

func checkRecord(t *testing.T, r Record) {
	t.Helper()
	if r.Country == "HT" {
		t.Errorf("drafted the host country: %+v", r)
	}
	if r.Country != "" {
		if _, ok := mission.CountryByAlpha2(r.Country); !ok {
			t.Errorf("unknown country %q", r.Country)
		}
	}
	if r.Role != "" && !r.Role.Valid() {
		t.Errorf("invalid role %q", r.Role)
	}
	switch r.Kind {
	case KindReport:
		if r.Personnel < 0 || r.Personnel > mission.MaxPlanned {
			t.Errorf("report value %d out of range", r.Personnel)
		}
	case KindFlight:
		for _, l := range r.Manifest {
			if l.Personnel < mission.MinPersonnel || l.Personnel > mission.MaxPersonnel {
				t.Errorf("manifest line %v out of range", l)
			}
		}
	default:
		if r.Known && (r.Personnel < mission.MinPersonnel || r.Personnel > mission.MaxPersonnel) {
			t.Errorf("%s personnel %d out of range", r.Kind, r.Personnel)
		}
		if r.Female > r.Personnel && r.Known {
			t.Errorf("%d women of %d", r.Female, r.Personnel)
		}
	}
	if !utf8.ValidString(r.Sentence) || mission.CheckText(r.Sentence, false) != nil {
		t.Errorf("sentence %q would be refused as a source", r.Sentence)
	}
}

// TestHostile drafts 40,000 characters of hostile text (control characters, mixed scripts,
// 40-digit numbers, no full stop) quickly and without a record the rules would refuse.
func TestHostile(t *testing.T) {
	parts := []string{"\x00", "\x1b[31m", "\u202e", "٠١٢", "中文 士兵", "Ωμέγα", strings.Repeat("9", 40), " soldiers ",
		"arrived ", "Kenyan ", "1,000,000,000 ", "seventy-five ", "quatre-vingt-dix-neuf ", "\ufffd", "\xff\xfe"}
	var b strings.Builder
	for i := 0; b.Len() < 40000; i++ {
		b.WriteString(parts[(i*7)%len(parts)])
	}
	start := time.Now()
	recs := Draft(b.String(), Options{Published: day(2025, 1, 3)})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("40,000 hostile characters took %v", d)
	}
	for _, r := range recs {
		checkRecord(t, r)
	}
}
