package exchange

import (
	"cmp"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"

	"liaison/mission"
	"liaison/storage"
)

// forcesHeader is the UN-shaped force export (`/export kind:forces`, `liaison export forces`):
// today's force table as the UN publishes troop and police contributions, one row per
// contributor and personnel type. Its columns are English machine names, like every export's.
// role is the Liaison roles the row sums ("military+medical"), so the mapping
// (mission.UNType) can be checked against the records.
var forcesHeader = []string{"as_of", "contributor", "iso3", "mission", "personnel_type", "women", "men", "total", "role"}

// ForceRow is one row of the forces export: one contributor's personnel of one UN type.
type ForceRow struct {
	AsOf          string // the guild's local date, 2006-01-02
	Contributor   string // English short name, as the UN writes it
	ISO3          string // ISO 3166-1 alpha-3
	Mission       string
	PersonnelType mission.PersonnelType
	Women, Total  int64
	Roles         []mission.Role // the Liaison roles summed, in mission.Roles order
}

// Men is the personnel who are not recorded as women: the UN's figures split by gender, and
// what is not counted as a woman is counted here.
func (r ForceRow) Men() int64 { return r.Total - r.Women }

// ForceRows builds the forces export's rows from the running totals: each (country, role) goes
// under its UN personnel type (mission.UNType, with the contributor's police type from police),
// rows of the same contributor and type are summed, and a row with nobody deployed is left out.
// Rows come by contributor name, then in the UN's order of personnel types.
func ForceRows(asOf, missionName string, totals []storage.ForceTotal, police map[string]mission.PersonnelType) []ForceRow {
	type key struct {
		country string
		typ     mission.PersonnelType
	}
	byKey := map[key]*ForceRow{}
	for _, t := range totals {
		if t.Deployed <= 0 {
			continue
		}
		k := key{t.Country, mission.UNType(t.Role, police[t.Country])}
		r := byKey[k]
		if r == nil {
			r = &ForceRow{AsOf: asOf, Contributor: t.Country, ISO3: t.Country, Mission: missionName, PersonnelType: k.typ}
			if c, ok := mission.CountryByAlpha2(t.Country); ok {
				r.Contributor, r.ISO3 = c.Name, c.Alpha3
			}
			byKey[k] = r
		}
		r.Women += t.Women
		r.Total += t.Deployed
		if !slices.Contains(r.Roles, t.Role) {
			r.Roles = append(r.Roles, t.Role)
		}
	}
	roles := mission.Roles()
	out := make([]ForceRow, 0, len(byKey))
	for _, r := range byKey {
		slices.SortFunc(r.Roles, func(a, b mission.Role) int {
			return cmp.Compare(slices.Index(roles[:], a), slices.Index(roles[:], b))
		})
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ForceRow) int {
		return cmp.Or(cmp.Compare(a.Contributor, b.Contributor), cmp.Compare(a.PersonnelType.Order(), b.PersonnelType.Order()))
	})
	return out
}

// forcesTags are the forces export's HXL hashtags, column by column of forcesHeader: women and
// men carry HXL's +f and +m attributes, as HDX's disaggregated figures do.
var forcesTags = []string{"#date+reported", "#country+name", "#country+code+v_iso3", "#operations+name",
	"#group+personnel_type", "#indicator+num+f", "#indicator+num+m", "#indicator+num+total", "#group+role"}

// writeForces writes the guild's force table of today (in the guild's time zone) in the UN's
// shape, with forcesHeader's columns, and returns the number of rows.
func writeForces(ctx context.Context, s *storage.Store, guildID string, f Format, w io.Writer) (int, error) {
	g, err := s.Guild(ctx, guildID)
	if err != nil {
		return 0, err
	}
	totals, err := s.ForceTotals(ctx, guildID)
	if err != nil {
		return 0, err
	}
	police, err := s.PoliceTypes(ctx, guildID)
	if err != nil {
		return 0, err
	}
	rows := ForceRows(s.Now().In(g.Location()).Format("2006-01-02"), g.MissionName, totals, police)
	return writeTable(w, f, forcesHeader, forcesTags, func(emit func([]string) error) error {
		for _, r := range rows {
			if err := emit([]string{r.AsOf, r.Contributor, r.ISO3, r.Mission, string(r.PersonnelType),
				strconv.FormatInt(r.Women, 10), strconv.FormatInt(r.Men(), 10), strconv.FormatInt(r.Total, 10),
				strings.Join(mission.Strings(r.Roles...), "+")}); err != nil {
				return err
			}
		}
		return nil
	})
}
