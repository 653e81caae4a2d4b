package mission

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
	}{
		{"", ""}, // left out: storage resolves it from the records on file
		{"  ", ""},
		{"police", "police"},
		{"Police", "police"},
		{" MEDICAL ", "medical"},
		{"military", "military"},
		{"staff", "staff"},
		{"support", "support"},
		{"other", "other"},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"soldierz", "medik", "militaryy", "police,medical"} {
		got, err := ParseRole(in)
		if err == nil {
			t.Errorf("ParseRole(%q) = %q, want error", in, got)
			continue
		}
		want := fmt.Sprintf("unknown role %q; use one of military (troops, soldiers), police, medical (medics), staff (staff officers), support, other", in)
		if english(t, err) != want {
			t.Errorf("ParseRole(%q) error %q, want %q", in, err, want)
		}
	}
}

func TestParseManifest(t *testing.T) {
	tests := []struct {
		in   string
		want []ManifestLine
	}{
		{"", []ManifestLine{}},
		{"   ", []ManifestLine{}},
		{" ; , ", []ManifestLine{}},
		{"GT 75 military; SV 8 medical", []ManifestLine{{"GT", 75, "military", 0}, {"SV", 8, "medical", 0}}},
		{"GT 75, SV 8", []ManifestLine{{"GT", 75, "", 0}, {"SV", 8, "", 0}}},
		{"gt 75 MILITARY;sv 8 Medical;", []ManifestLine{{"GT", 75, "military", 0}, {"SV", 8, "medical", 0}}},
		{"El Salvador 8 medical", []ManifestLine{{"SV", 8, "medical", 0}}},
		{"United States 20", []ManifestLine{{"US", 20, "", 0}}},
		{"États-Unis 20 staff, Haïti 3 police", []ManifestLine{{"US", 20, "staff", 0}, {"HT", 3, "police", 0}}},
		// Counts written with their digits grouped, as each language groups them.
		{"GT 1,000 military; SV 8 medical", []ManifestLine{{"GT", 1000, "military", 0}, {"SV", 8, "medical", 0}}},
		{"GT 1,000; SV 8", []ManifestLine{{"GT", 1000, "", 0}, {"SV", 8, "", 0}}},
		{"GT 1,000, SV 8", []ManifestLine{{"GT", 1000, "", 0}, {"SV", 8, "", 0}}},
		{"GT 1,000,SV 8", []ManifestLine{{"GT", 1000, "", 0}, {"SV", 8, "", 0}}},
		{"GT 75,SV 8", []ManifestLine{{"GT", 75, "", 0}, {"SV", 8, "", 0}}},
		{"GT 1 000 military", []ManifestLine{{"GT", 1000, "military", 0}}},
		{"GT 1\u00a0000 militaires", []ManifestLine{{"GT", 1000, "military", 0}}},
		{"Guatemala 12\u202f500 policiers et SV 8", []ManifestLine{{"GT", 12500, "police", 0}, {"SV", 8, "", 0}}},
		{"GT 1.000 militares y SV 8 sanidad", []ManifestLine{{"GT", 1000, "military", 0}, {"SV", 8, "medical", 0}}},
		{"GT 1,000 military 1,000f", []ManifestLine{{"GT", 1000, "military", 1000}}},
		{"1 000 soldats jamaïcains", []ManifestLine{{"JM", 1000, "military", 0}}},
		{"GT 100,000", []ManifestLine{{"GT", 100000, "", 0}}},
		{"GT 5 militaires,250 soldats jamaïcains", []ManifestLine{{"GT", 5, "military", 0}, {"JM", 250, "military", 0}}},
		{"Antigua & Barbuda 4 support", []ManifestLine{{"AG", 4, "support", 0}}},
		{"KEN 200 police; KE 1 other", []ManifestLine{{"KE", 200, "police", 0}, {"KE", 1, "other", 0}}},
		{"  GT   75   military  ;;  SV 8  ", []ManifestLine{{"GT", 75, "military", 0}, {"SV", 8, "", 0}}},
		{"GT 1", []ManifestLine{{"GT", 1, "", 0}}},
		{"GT 100000", []ManifestLine{{"GT", 100000, "", 0}}},
		{"GT 0075", []ManifestLine{{"GT", 75, "", 0}}},
		// Women: "<women>f" after the personnel or the role, up to the personnel.
		{"GT 75 military 12f", []ManifestLine{{"GT", 75, "military", 12}}},
		{"GT 75 12f", []ManifestLine{{"GT", 75, "", 12}}},
		{"GT 75 12F; SV 8 medical 8f", []ManifestLine{{"GT", 75, "", 12}, {"SV", 8, "medical", 8}}},
		{"GT 75 military 0f", []ManifestLine{{"GT", 75, "military", 0}}},
		{"El Salvador 8 medical 3f", []ManifestLine{{"SV", 8, "medical", 3}}},
		{strings.Repeat("GT 1;", 50), func() []ManifestLine {
			out := make([]ManifestLine, 50)
			for i := range out {
				out[i] = ManifestLine{"GT", 1, "", 0}
			}
			return out
		}()},
	}
	for _, tt := range tests {
		got, err := ParseManifest(tt.in)
		if err != nil {
			t.Errorf("ParseManifest(%q) error %v, want %v", tt.in, err, tt.want)
			continue
		}
		if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("ParseManifest(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseManifestErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GT 75; XX 8", `entry 2 ("XX 8"): unknown country "XX"`},
		{"XX 8", `entry 1 ("XX 8"): unknown country "XX"`},
		{"GT 75;; XX 8", `entry 2 ("XX 8"): unknown country "XX"`},
		{"Atlantis 8 medical", `entry 1 ("Atlantis 8 medical"): unknown country "Atlantis"`},
		{"GT 75, SV 0", `entry 2 ("SV 0"): personnel must be between 1 and 100000, not "0"`},
		{"GT 100001", `entry 1 ("GT 100001"): personnel must be between 1 and 100000, not "100001"`},
		{"GT -5", `entry 1 ("GT -5"): personnel must be between 1 and 100000, not "-5"`},
		{"GT 99999999999999999999999", `entry 1 ("GT 99999999999999999999999"): personnel must be between 1 and 100000, not "99999999999999999999999"`},
		{"GT 75 soldierz", `entry 1 ("GT 75 soldierz"): unknown role "soldierz"; use one of military (troops, soldiers), police, medical (medics), staff (staff officers), support, other`},
		{"GT", `entry 1 ("GT"): expected <country> <personnel> [role], e.g. "GT 75 military" or "Jamaica 24 troops and Kenya 30 police"`},
		{"GT military", `entry 1 ("GT military"): expected <country> <personnel> [role], e.g. "GT 75 military" or "Jamaica 24 troops and Kenya 30 police"`},
		{"GT seventy-five", `entry 1 ("GT seventy-five"): expected <country> <personnel> [role], e.g. "GT 75 military" or "Jamaica 24 troops and Kenya 30 police"`},
		{"GT 75 military extra", `entry 1 ("GT 75 military extra"): unknown role "military extra"; use one of military (troops, soldiers), police, medical (medics), staff (staff officers), support, other`},
		{"75 military", `entry 1 ("75 military"): the country is missing, e.g. "GT 75 military" or "24 Jamaican soldiers"`},
		{"75", `entry 1 ("75"): the country is missing, e.g. "GT 75 military" or "24 Jamaican soldiers"`},
		{"GT 1.5", `entry 1 ("GT 1.5"): personnel must be between 1 and 100000, not "1.5"`},
		// A comma before one, two or four digits separates entries: "GT 1,5" is GT 1 and a count
		// with no country.
		{"GT 1,5", `entry 2 ("5"): the country is missing, e.g. "GT 75 military" or "24 Jamaican soldiers"`},
		{"GT 10,00 military", `entry 2 ("00 military"): the country is missing, e.g. "GT 75 military" or "24 Jamaican soldiers"`},
		{"GT 1.000,5", `entry 2 ("5"): the country is missing, e.g. "GT 75 military" or "24 Jamaican soldiers"`},
		{"GT 1.00", `entry 1 ("GT 1.00"): personnel must be between 1 and 100000, not "1.00"`},
		{"GT 1,000.000", `entry 1 ("GT 1,000.000"): personnel must be between 1 and 100000, not "1,000.000"`},
		{"GT 1,0005", `entry 2 ("0005"): the country is missing, e.g. "GT 75 military" or "24 Jamaican soldiers"`},
		{"GT 1000 000", `entry 1 ("GT 1000 000"): unknown role "000"; use one of military (troops, soldiers), police, medical (medics), staff (staff officers), support, other`},
		{"GT 1,000,000", `entry 1 ("GT 1,000,000"): personnel must be between 1 and 100000, not "1,000,000"`},
		{strings.Repeat("GT 1;", 51), `the manifest has 51 entries; at most 50 are allowed`},
		{"GT 75; GT 5 9f", `entry 2 ("GT 5 9f"): 9 women is more than the 5 personnel`},
		{"GT 5 military 6f", `entry 1 ("GT 5 military 6f"): 6 women is more than the 5 personnel`},
		{"GT 5 -1f", `entry 1 ("GT 5 -1f"): the women's count must be a whole number from 0 to the personnel, not "-1f", e.g. "GT 75 military 12f"`},
		{"GT 5 99999999999999999999f", `entry 1 ("GT 5 99999999999999999999f"): the women's count must be a whole number from 0 to the personnel, not "99999999999999999999f", e.g. "GT 75 military 12f"`},
		{"12f", `entry 1 ("12f"): expected <country> <personnel> [role], e.g. "GT 75 military" or "Jamaica 24 troops and Kenya 30 police"`},
		{"GT 12f", `entry 1 ("GT 12f"): expected <country> <personnel> [role], e.g. "GT 75 military" or "Jamaica 24 troops and Kenya 30 police"`},
		{"GT 75 12f military", `entry 1 ("GT 75 12f military"): unknown role "12f military"; use one of military (troops, soldiers), police, medical (medics), staff (staff officers), support, other`},
		{"GT 1; " + strings.Repeat("x", 60) + " 5", `entry 2 ("` + strings.Repeat("x", 40) + `…"): unknown country "` + strings.Repeat("x", 40) + `…"`},
	}
	for _, tt := range tests {
		got, err := ParseManifest(tt.in)
		if err == nil {
			t.Errorf("ParseManifest(%q) = %v, want error %q", tt.in, got, tt.want)
			continue
		}
		if got != nil {
			t.Errorf("ParseManifest(%q) returned %v with the error, want nil", tt.in, got)
		}
		if english(t, err) != tt.want {
			t.Errorf("ParseManifest(%q) error\n got %q\nwant %q", tt.in, err, tt.want)
		}
	}
}

func TestFormatManifest(t *testing.T) {
	tests := []struct {
		in   []ManifestLine
		want string
	}{
		{nil, "empty"},
		{[]ManifestLine{}, "empty"},
		{[]ManifestLine{{"GT", 75, "military", 0}}, "GT 75"},
		{[]ManifestLine{{"GT", 75, "military", 0}, {"SV", 8, "medical", 0}}, "GT 75, SV 8"},
	}
	for _, tt := range tests {
		if got := FormatManifest(tt.in); got != tt.want {
			t.Errorf("FormatManifest(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// String, the form exports write, parses back with the women's count.
	for _, l := range []ManifestLine{{"GT", 75, "military", 12}, {"SV", 8, "medical", 0}, {"KE", 1, "police", 1}} {
		if got, err := ParseManifest(l.String()); err != nil || len(got) != 1 || got[0] != l {
			t.Errorf("ParseManifest(%q) = %v, %v, want %v", l.String(), got, err, l)
		}
	}
	if got, want := (ManifestLine{"GT", 75, "military", 12}).String(), "GT 75 military 12f"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// The compact form parses back to the same countries and counts (its roles left out).
	in := []ManifestLine{{"GT", 75, "", 0}, {"SV", 8, "", 0}}
	if got, err := ParseManifest(FormatManifest(in)); err != nil || !reflect.DeepEqual(got, in) {
		t.Errorf("ParseManifest(FormatManifest(%v)) = %v, %v", in, got, err)
	}
}
