package mission

import (
	"slices"
	"strings"
)

// PersonnelType is a category of the UN's contribution figures ("Troop and police
// contributors"): the shape in which a contributor's strength is reported to New York. Liaison
// records roles (SPEC §2); the forces export writes each role under the personnel type below,
// with the role beside it so that nothing is lost in the mapping.
type PersonnelType string

// The UN's personnel types, by their machine names in the export.
const (
	TypeTroops           PersonnelType = "troops"
	TypeFormedPolice     PersonnelType = "formed_police_units"
	TypeIndividualPolice PersonnelType = "individual_police"
	TypeStaffOfficers    PersonnelType = "staff_officers"
	TypeExpertsOnMission PersonnelType = "experts_on_mission"
)

// DefaultPoliceType is how a contributor's police are reported until it is marked otherwise:
// the contingents that arrive by flight are formed units.
const DefaultPoliceType = TypeFormedPolice

// personnelTypes is the order of the export's rows within a contributor, as the UN lists them.
var personnelTypes = [...]PersonnelType{TypeTroops, TypeFormedPolice, TypeIndividualPolice, TypeStaffOfficers, TypeExpertsOnMission}

// Valid reports whether t is one of the UN's personnel types.
func (t PersonnelType) Valid() bool { return slices.Contains(personnelTypes[:], t) }

// Order is t's place in personnelTypes, for sorting the export's rows.
func (t PersonnelType) Order() int { return slices.Index(personnelTypes[:], t) }

// unTypeOfRole is THE mapping from Liaison's roles to the UN's personnel types, the one place
// it is written (README "UN export" repeats it for readers):
//
//	military → troops              contingent soldiers
//	medical  → troops              medical units deploy inside military contingents
//	support  → troops              enablers (logistics, engineers) are counted with the troops
//	police   → formed_police_units by default; individual_police for a contributor marked so
//	staff    → staff_officers      officers serving in the mission's headquarters
//	other    → experts_on_mission  individually deployed personnel outside any contingent
var unTypeOfRole = map[Role]PersonnelType{
	RoleMilitary: TypeTroops,
	RoleMedical:  TypeTroops,
	RoleSupport:  TypeTroops,
	RolePolice:   DefaultPoliceType,
	RoleStaff:    TypeStaffOfficers,
	RoleOther:    TypeExpertsOnMission,
}

// UNType is the UN personnel type a role is reported under. police is the contributor's police
// type (TypeFormedPolice or TypeIndividualPolice, "" for the default); it only matters for
// RolePolice, since a country sends its police either as formed units or as individual officers.
func UNType(r Role, police PersonnelType) PersonnelType {
	if r == RolePolice && (police == TypeFormedPolice || police == TypeIndividualPolice) {
		return police
	}
	return unTypeOfRole[r]
}

// ParsePoliceType accepts the two ways a contributor's police can serve: "formed"
// (formed_police_units, the default) or "individual" (individual_police), case-insensitively.
func ParsePoliceType(s string) (PersonnelType, error) {
	switch PersonnelType(strings.ToLower(strings.TrimSpace(s))) {
	case "formed", TypeFormedPolice, "fpu":
		return TypeFormedPolice, nil
	case "individual", TypeIndividualPolice, "ipo":
		return TypeIndividualPolice, nil
	}
	return "", Refuse(EInvalid, "women.parse.police_type", "Input", inputQuote(strings.TrimSpace(s)))
}
