package mission

import "testing"

// TestUNType: every role has a UN personnel type, police follow the contributor's marking and
// default to formed units, and the other roles ignore it.
func TestUNType(t *testing.T) {
	tests := []struct {
		role   Role
		police PersonnelType
		want   PersonnelType
	}{
		{RoleMilitary, "", TypeTroops},
		{RoleMedical, "", TypeTroops},
		{RoleSupport, "", TypeTroops},
		{RoleStaff, "", TypeStaffOfficers},
		{RoleOther, "", TypeExpertsOnMission},
		{RolePolice, "", TypeFormedPolice},
		{RolePolice, TypeFormedPolice, TypeFormedPolice},
		{RolePolice, TypeIndividualPolice, TypeIndividualPolice},
		{RolePolice, TypeTroops, TypeFormedPolice}, // not a police type: the default
		{RoleMilitary, TypeIndividualPolice, TypeTroops},
		{RoleStaff, TypeIndividualPolice, TypeStaffOfficers},
	}
	for _, tt := range tests {
		if got := UNType(tt.role, tt.police); got != tt.want {
			t.Errorf("UNType(%s, %q) = %q, want %q", tt.role, tt.police, got, tt.want)
		}
	}
	for _, r := range Roles() {
		if got := UNType(r, ""); !got.Valid() {
			t.Errorf("UNType(%s) = %q, not a UN personnel type", r, got)
		}
	}
	if DefaultPoliceType != TypeFormedPolice {
		t.Errorf("DefaultPoliceType = %q, want formed police units", DefaultPoliceType)
	}
}

func TestParsePoliceType(t *testing.T) {
	for in, want := range map[string]PersonnelType{"formed": TypeFormedPolice, " Individual ": TypeIndividualPolice,
		"formed_police_units": TypeFormedPolice, "individual_police": TypeIndividualPolice, "FPU": TypeFormedPolice, "ipo": TypeIndividualPolice} {
		if got, err := ParsePoliceType(in); err != nil || got != want {
			t.Errorf("ParsePoliceType(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "troops", "formal"} {
		got, err := ParsePoliceType(in)
		if err == nil {
			t.Errorf("ParsePoliceType(%q) = %q, want an error", in, got)
			continue
		}
		if msg := english(t, err); msg != `unknown police type "`+in+`"; use formed or individual` {
			t.Errorf("ParsePoliceType(%q) error %q", in, msg)
		}
	}
}

func TestCheckFemale(t *testing.T) {
	for _, tt := range []struct {
		personnel, female int
		want              string
	}{
		{75, 0, ""}, {75, 12, ""}, {75, 75, ""}, {1, 1, ""},
		{75, 76, "76 women is more than the 75 personnel"},
		{5, -1, "the women's count cannot be negative, not -1"},
	} {
		err := CheckFemale(tt.personnel, tt.female)
		got := ""
		if err != nil {
			got = english(t, err)
		}
		if got != tt.want {
			t.Errorf("CheckFemale(%d, %d) = %q, want %q", tt.personnel, tt.female, got, tt.want)
		}
	}
}
