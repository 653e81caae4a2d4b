package mission

import (
	"slices"
	"strings"
)

// Role is a personnel type, as stored with every arrival, departure, pledge and manifest line.
type Role string

// The personnel types of SPEC §2.
const (
	RolePolice   Role = "police"
	RoleMilitary Role = "military"
	RoleMedical  Role = "medical"
	RoleStaff    Role = "staff"
	RoleSupport  Role = "support"
	RoleOther    Role = "other"
)

// roles is the display order of per-role splits and of the role option's choices.
var roles = [...]Role{RolePolice, RoleMilitary, RoleMedical, RoleStaff, RoleSupport, RoleOther}

// Roles returns every role in display order; the array is a copy, so callers cannot change the
// list for everyone.
func Roles() [len(roles)]Role { return roles }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(roles[:], r) }

// ParseRole accepts a role by any of its words in the lexicon, in English, French or Spanish,
// singular or plural, with or without accents ("military", "troupes", "soldados", "personnel
// médical", "staff officers"), with "" meaning left out (the empty Role), so that an omitted
// option, a typed one and a manifest entry share one check; storage resolves a left-out role
// from the records on file. The error lists the roles in the reader's language.
func ParseRole(s string) (Role, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", nil
	}
	if r := Role(strings.ToLower(in)); r.Valid() {
		return r, nil
	}
	if w, ok := LookupWord(in, WordRole); ok {
		return w.Role, nil
	}
	return "", Refuse(EInvalid, "parse.role_unknown", "Input", inputQuote(in), "Roles", T("parse.role_list"))
}
