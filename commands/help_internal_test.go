package commands

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
)

// routeOptions are the options of every route by its key.
func routeOptions() map[string][]*discordgo.ApplicationCommandOption {
	out := map[string][]*discordgo.ApplicationCommandOption{}
	for _, e := range helpEntries(All(Deps{})) {
		out[e.Key] = e.Route.Options
	}
	return out
}

// TestHelpCoversEveryRoute: every route of commands.All has a task and two examples in every
// language, so that a new route cannot be added without its help.
func TestHelpCoversEveryRoute(t *testing.T) {
	keys := map[string]bool{}
	for _, e := range helpEntries(All(Deps{})) {
		keys[e.Key] = true
		if _, ok := routeGroups[e.Key]; !ok {
			t.Errorf("route %q has no task in routeGroups: /help would not list it", e.Key)
		}
	}
	for k, g := range routeGroups {
		if !keys[k] {
			t.Errorf("routeGroups files %q, which is no route", k)
		}
		if !slices.Contains(helpGroups[:], g) {
			t.Errorf("route %q is filed under %q, which /help does not list", k, g)
		}
	}
	for k := range keys {
		for _, l := range locale.Languages() {
			for n := 1; n <= helpExamples; n++ {
				if key := helpExampleKey(k, n); locale.T(l, key) == key {
					t.Errorf("%s: route %q has no example %d (%s)", l, k, n, key)
				}
			}
		}
	}
}

// exampleRoute splits an example's command line into the route it names and its options'
// values, as Discord's client would send them: option names are English and known, so a value
// runs to the next " name:".
func exampleRoute(line string, routes map[string][]*discordgo.ApplicationCommandOption) (string, map[string]string, error) {
	line = strings.TrimPrefix(line, "/")
	var route string
	for k := range routes {
		if (line == k || strings.HasPrefix(line, k+" ")) && len(k) > len(route) {
			route = k
		}
	}
	if route == "" {
		return "", nil, fmt.Errorf("no route")
	}
	rest := " " + strings.TrimSpace(strings.TrimPrefix(line, route))
	type at struct {
		name string
		pos  int
	}
	var found []at
	for _, o := range routes[route] {
		if i := strings.Index(rest, " "+o.Name+":"); i >= 0 {
			found = append(found, at{o.Name, i})
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].pos < found[j].pos })
	if strings.TrimSpace(rest) != "" && (len(found) == 0 || found[0].pos != 0) {
		return "", nil, fmt.Errorf("%q is no option of /%s", strings.TrimSpace(rest), route)
	}
	values := map[string]string{}
	for i, f := range found {
		end := len(rest)
		if i+1 < len(found) {
			end = found[i+1].pos
		}
		values[f.name] = strings.TrimSpace(rest[f.pos+len(f.name)+2 : end])
	}
	return route, values, nil
}

// checkValue runs an example's value through the parser its handler uses.
func checkValue(l locale.Lang, o *discordgo.ApplicationCommandOption, v string, now time.Time) error {
	var err error
	switch {
	case len(o.Choices) > 0:
		for _, c := range o.Choices {
			if value := fmt.Sprint(c.Value); v == value || v == locale.ChoiceName(l, o.Name, value) {
				return nil
			}
		}
		if o.Name == "role" {
			_, err = mission.ParseRole(v)
			return err
		}
		return fmt.Errorf("no choice %q", v)
	case o.Type == discordgo.ApplicationCommandOptionInteger:
		_, err = strconv.Atoi(v)
	case o.Type == discordgo.ApplicationCommandOptionRole:
		if !strings.HasPrefix(v, "@") {
			err = fmt.Errorf("a role is picked as @name")
		}
	case o.Type == discordgo.ApplicationCommandOptionChannel:
		if !strings.HasPrefix(v, "#") {
			err = fmt.Errorf("a channel is picked as #name")
		}
	case optionFormats[o.Name] == exWhen && mission.IsShift(v):
		_, err = mission.ParseShift(v)
	case optionFormats[o.Name] == exWhen:
		_, err = mission.ParseWhen(v, now, time.UTC)
	case o.Name == "country" || o.Name == "lead" || o.Name == "host":
		_, err = mission.LookupCountry(v)
	case o.Name == "manifest":
		_, err = mission.ParseManifest(v)
	case optionFormats[o.Name] == exAirport:
		_, err = mission.ParseAirport(v)
	case o.Name == "value" && o.Type == discordgo.ApplicationCommandOptionString:
		_, err = mission.ParseOffsets(v)
	case o.Name == "schedule":
		_, err = mission.ParseDigest(v)
	case o.Name == "timezone":
		_, err = time.LoadLocation(v)
	}
	return err
}

// TestHelpExamplesParse: every example, in every language, names a route and only its
// options, gives every required one, and each value is read by the parser its handler uses:
// the time words of `when:demain 9h`, the roles of a manifest, a digest schedule.
func TestHelpExamplesParse(t *testing.T) {
	routes := routeOptions()
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	for _, l := range locale.Languages() {
		for key := range routeGroups {
			for n := 1; n <= helpExamples; n++ {
				text := locale.T(l, helpExampleKey(key, n))
				parts := strings.Split(text, "`")
				if len(parts) < 3 {
					if key != draftMenuName {
						t.Errorf("%s %s example %d shows nothing to type: %s", l, key, n, text)
					}
					continue
				}
				if !strings.HasPrefix(parts[1], "/") {
					t.Errorf("%s %s example %d is no command: %s", l, key, n, text)
					continue
				}
				route, values, err := exampleRoute(parts[1], routes)
				if err != nil {
					t.Errorf("%s %s example %d %q: %v", l, key, n, parts[1], err)
					continue
				}
				for _, o := range routes[route] {
					v, ok := values[o.Name]
					if !ok {
						if o.Required {
							t.Errorf("%s %s example %d %q lacks the required %s", l, key, n, parts[1], o.Name)
						}
						continue
					}
					if v == "…" && o.Name == "text" {
						continue
					}
					if err := checkValue(l, o, v, now); err != nil {
						t.Errorf("%s %s example %d: %s:%s is not read: %v", l, key, n, o.Name, v, err)
					}
				}
			}
		}
	}
}

// TestHelpExampleParserCatches: the example checker refuses what a reader could not type, so
// that TestHelpExamplesParse can fail.
func TestHelpExampleParserCatches(t *testing.T) {
	routes := routeOptions()
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	bad := []string{
		"/arrival log country:GT personnel:75 when:bientôt",
		"/arrival log country:Atlantide personnel:75",
		"/flight schedule eta:demain 9h manifest:GT 75 pilotes",
		"/settings digest schedule:parfois",
		"/flights status:jamais",
		"/arrival log country:GT personnel:beaucoup",
		"/arrival log country:GT persons:75",
	}
	for _, line := range bad {
		route, values, err := exampleRoute(line, routes)
		if err != nil {
			continue
		}
		failed := false
		for _, o := range routes[route] {
			if v, ok := values[o.Name]; ok && checkValue(locale.French, o, v, now) != nil {
				failed = true
			}
		}
		if !failed {
			t.Errorf("%q passes the example checker", line)
		}
	}
}

// TestHelpPagesFit: /help and every command's page, in every language, fit in one answer
// within Discord's limits, so that nothing of them is cut.
func TestHelpPagesFit(t *testing.T) {
	entries := helpEntries(All(Deps{}))
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Key, e.Cmd.Name)
	}
	for _, l := range locale.Languages() {
		replies := []*bot.Reply{helpIndex(l, entries)}
		for _, name := range names {
			rep, err := helpPage(l, entries, name)
			if err != nil {
				t.Fatalf("%s /help command:%s: %v", l, name, err)
			}
			replies = append(replies, rep)
		}
		for i, rep := range replies {
			total := 0
			for _, e := range rep.Embeds {
				if n := len([]rune(e.Description)); n > discordtext.MaxDescription {
					t.Errorf("%s help %d: %q's description is %d characters, above %d", l, i, e.Title, n, discordtext.MaxDescription)
				}
				total += len([]rune(e.Title)) + len([]rune(e.Description))
				if e.Footer != nil {
					total += len([]rune(e.Footer.Text))
				}
			}
			if total > discordtext.MaxEmbedTotal || len(rep.Embeds) > discordtext.MaxEmbeds {
				t.Errorf("%s help %d: %d embeds of %d characters in all, above Discord's limits", l, i, len(rep.Embeds), total)
			}
		}
	}
}

// TestClosestRoutes: a misspelt command is answered with the routes nearest to it.
func TestClosestRoutes(t *testing.T) {
	entries := helpEntries(All(Deps{}))
	tests := []struct {
		typed string
		want  string
	}{
		{"arival log", "arrival log"},
		{"/flight lnad", "flight land"},
		{"setings share", "settings share"},
		{"forse", "forces"},
		{"export", "export"},
	}
	for _, tt := range tests {
		if got := closestRoutes(entries, tt.typed, 3); len(got) == 0 || got[0] != tt.want {
			t.Errorf("closestRoutes(%q) = %v, want %q first", tt.typed, got, tt.want)
		}
	}
}
