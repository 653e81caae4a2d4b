package commands

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"liaison/bot"
)

// readmeWho reads README's "who may use what" table: each route named there, by its key, with
// the access of its row.
func readmeWho(t *testing.T) map[string]bot.Access {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bot.Access{"| everyone |": bot.Everyone, "| moderators |": bot.Moderator, "| admins |": bot.Admin}
	names := regexp.MustCompile("`/([a-z -]+)`|\\*\\*([A-Za-z ]+)\\*\\*")
	out := map[string]bot.Access{}
	for _, line := range strings.Split(string(b), "\n") {
		for prefix, a := range rows {
			if !strings.HasPrefix(line, prefix) {
				continue
			}
			for _, m := range names.FindAllStringSubmatch(line, -1) {
				key := m[1] + m[2]
				if _, twice := out[key]; twice {
					t.Errorf("README names %q in two rows", key)
				}
				out[key] = a
			}
		}
	}
	return out
}

// TestReadmeSaysWhoMayUseWhat: README's table of who may use what names every route once,
// with the access the router enforces, and nothing that is no route.
func TestReadmeSaysWhoMayUseWhat(t *testing.T) {
	readme := readmeWho(t)
	if len(readme) == 0 {
		t.Fatal("README has no table of who may use what")
	}
	routes := map[string]bool{}
	for _, e := range helpEntries(All(Deps{})) {
		routes[e.Key] = true
		got, ok := readme[e.Key]
		switch {
		case !ok:
			t.Errorf("README does not say who may use %q (%s)", e.Key, e.Route.Access)
		case got != e.Route.Access:
			t.Errorf("README says %s may use %q; the router lets %s", got, e.Key, e.Route.Access)
		}
	}
	for k := range readme {
		if !routes[k] {
			t.Errorf("README names %q, which is no route", k)
		}
	}
}
