package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
)

// helpGroup is a task /help lists routes under: what a reader comes to do, rather than the
// alphabet of command names.
type helpGroup string

// The tasks of /help, in the order it lists them.
const (
	groupRead     helpGroup = "read"
	groupLog      helpGroup = "log"
	groupPlan     helpGroup = "plan"
	groupSettings helpGroup = "settings"
	groupRecords  helpGroup = "records"
)

// helpGroups is the order /help lists its tasks in.
var helpGroups = [...]helpGroup{groupRead, groupLog, groupPlan, groupSettings, groupRecords}

// routeGroups files every route, by its key, under a task; a route missing here fails
// TestHelpCoversEveryRoute, and /help would list it under no task.
var routeGroups = map[string]helpGroup{
	"mission show": groupRead, "forces": groupRead, "arrivals": groupRead, "pledge list": groupRead,
	"flights": groupRead, "flight show": groupRead, "reports": groupRead, "reminders list": groupRead,
	"help": groupRead,

	"arrival log": groupLog, "arrival edit": groupLog, "arrival delete": groupLog, "departure log": groupLog,
	"pledge set": groupLog, "report log": groupLog, "report edit": groupLog, "report delete": groupLog,
	"report draft": groupLog, "import": groupLog, draftMenuName: groupLog,

	"flight schedule": groupPlan, "flight add": groupPlan, "flight delay": groupPlan, "flight land": groupPlan,
	"flight cancel": groupPlan, "flight unland": groupPlan, "reminders offsets": groupPlan,

	"settings show": groupSettings, "settings channel": groupSettings, "settings moderator-role": groupSettings,
	"settings timezone": groupSettings, "settings digest": groupSettings, "settings language": groupSettings,
	"settings share": groupSettings, "settings ping-role": groupSettings, "mission set": groupSettings,

	"history": groupRecords, "export": groupRecords,
}

// helpExamples is how many examples each route's page shows.
const helpExamples = 2

// maxHelpCommandText bounds /help's command option: the longest route key,
// "settings moderator-role", has 23 characters.
const maxHelpCommandText = 40

// helpExampleKey is the catalog key of a route's nth example (1-based): help.example.<route>.<n>,
// the route's key with its spaces and hyphens as underscores ("help.example.arrival_log.1").
func helpExampleKey(route string, n int) string {
	slug := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(route))
	return fmt.Sprintf("help.example.%s.%d", slug, n)
}

// helpEntry is one route as /help shows it: its key, its command and the route itself.
type helpEntry struct {
	Key   string
	Cmd   *bot.Command
	Route bot.Route
}

// helpEntries lists every route of cmds, in their order, as /help shows them.
func helpEntries(cmds []*bot.Command) []helpEntry {
	var out []helpEntry
	for _, c := range cmds {
		for _, r := range c.Routes {
			out = append(out, helpEntry{Key: bot.RouteKey(c.Name, r.Name), Cmd: c, Route: r})
		}
	}
	return out
}

// purpose is the route's description key: its own, or its command's for a command without
// subcommands. A message command's description is its name in the menu, so its purpose is
// said by draft.help_desc.
func (e helpEntry) purpose() string {
	if e.Cmd.Message() {
		return "draft.help_desc"
	}
	if e.Route.Description != "" {
		return e.Route.Description
	}
	return e.Cmd.Description
}

// title is how the route is named to a reader: `/arrival log`, or the menu path of a message
// command, in lang.
func (e helpEntry) title(lang render.Lang) string {
	if e.Cmd.Message() {
		return locale.T(lang, "draft.help_menu", "Name", locale.T(lang, e.Cmd.Description))
	}
	return "`/" + e.Key + "`"
}

// helpCommand is /help: every route grouped by task with who may use it, or one command's page
// with its options and examples. Both are derived from the routes themselves, so that help
// never drifts from what is registered and enforced.
func helpCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "help", Description: "desc.help", Routes: []bot.Route{{
		Access: bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "command",
			Description: "help.desc.command", MaxLength: maxHelpCommandText, Autocomplete: true}},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			entries := helpEntries(All(d))
			if name, ok := req.String("command"); ok && name != "" {
				return helpPage(langOf(req), entries, name)
			}
			return helpIndex(langOf(req), entries), nil
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			typed, _ := req.String("command")
			return helpChoices(langOf(req), helpEntries(All(d)), typed), nil
		},
	}}}
}

// helpIndex is /help without a command: each task's routes, each with its purpose and who may
// use it.
func helpIndex(lang render.Lang, entries []helpEntry) *bot.Reply {
	var b strings.Builder
	for _, g := range helpGroups {
		fmt.Fprintf(&b, "**%s**\n", locale.T(lang, "help.group."+string(g)))
		for _, e := range entries {
			if routeGroups[e.Key] == g {
				fmt.Fprintf(&b, "%s — %s · _%s_\n", e.title(lang), locale.T(lang, e.purpose()), who(lang, e.Route.Access))
			}
		}
		b.WriteString("\n")
	}
	e := &discordgo.MessageEmbed{Title: locale.T(lang, "cmd.help.title"), Color: render.ColourInfo,
		Description: strings.TrimSpace(b.String()),
		Footer:      &discordgo.MessageEmbedFooter{Text: locale.T(lang, "cmd.help.footer")}}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}

// helpPage is /help command:<name>: one page per route the name matches (a command with
// subcommands shows each of them), or a refusal naming the closest routes.
func helpPage(lang render.Lang, entries []helpEntry, name string) (*bot.Reply, error) {
	matched := matchRoutes(entries, name)
	if len(matched) == 0 {
		closest := closestRoutes(entries, name, 3)
		return nil, mission.Refuse(mission.ENotFound, "help.unknown", "Command", mission.Quote(name),
			"Closest", mission.Choices(closest)).WithExample("help.unknown.example", "Command", closest[0])
	}
	rep := &bot.Reply{Ephemeral: true}
	for _, e := range matched {
		rep.Embeds = append(rep.Embeds, routePage(lang, e))
	}
	return rep, nil
}

// matchRoutes returns the routes name designates: a route's key ("arrival log", "/forces"), or
// every route of a command ("flight").
func matchRoutes(entries []helpEntry, name string) []helpEntry {
	name = strings.Join(strings.Fields(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "/"))), " ")
	var out []helpEntry
	for _, e := range entries {
		if strings.ToLower(e.Key) == name {
			return []helpEntry{e}
		}
		if strings.ToLower(e.Cmd.Name) == name {
			out = append(out, e)
		}
	}
	return out
}

// routePage is one route's page: its purpose, who may use it, its options and two examples.
func routePage(lang render.Lang, e helpEntry) *discordgo.MessageEmbed {
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s\n", e.title(lang), locale.T(lang, "help.who", "Who", who(lang, e.Route.Access)))
	if len(e.Route.Options) > 0 {
		fmt.Fprintf(&b, "\n**%s**\n", locale.T(lang, "help.options"))
		for _, o := range e.Route.Options {
			b.WriteString(optionLine(lang, o) + "\n")
		}
	}
	fmt.Fprintf(&b, "\n**%s**\n", locale.T(lang, "help.examples"))
	for n := 1; n <= helpExamples; n++ {
		b.WriteString(locale.T(lang, helpExampleKey(e.Key, n)) + "\n")
	}
	// The title is the purpose: an embed's title shows no code, and the command is written as
	// code, as it is typed, on the first line.
	return &discordgo.MessageEmbed{Title: locale.T(lang, e.purpose()), Color: render.ColourInfo, Description: strings.TrimSpace(b.String())}
}

// optionFormats are the options whose accepted forms are worth showing, by name: the keys of
// the examples their refusals show, so that help and refusals say the same thing.
var optionFormats = map[string]string{
	"country": exCountry, "manifest": exManifest, "destination": exAirport, "airport": exAirport,
	"when": exWhen, "eta": exWhen, "at": exWhen, "since": exWhen, "until": exWhen, "as_of": exWhen, "mandate_end": exWhen,
	"female": "women.example.female",
}

// optionLine is one option on a route's page: its name, required or optional, its description
// and, where useful, its accepted forms or choices.
func optionLine(lang render.Lang, o *discordgo.ApplicationCommandOption) string {
	need := "help.optional"
	if o.Required {
		need = "help.required"
	}
	line := fmt.Sprintf("• `%s` (%s) — %s", o.Name, locale.T(lang, need), locale.T(lang, o.Description))
	switch {
	case o.Type == discordgo.ApplicationCommandOptionString && o.Name == "role":
		line += " — " + locale.T(lang, "cmd.example.role")
	case len(o.Choices) > 0:
		names := make([]string, len(o.Choices))
		for i, c := range o.Choices {
			names[i] = "`" + locale.ChoiceName(lang, o.Name, fmt.Sprint(c.Value)) + "`"
		}
		line += " — " + strings.Join(names, ", ")
	case optionFormats[o.Name] != "":
		line += " — " + locale.T(lang, optionFormats[o.Name], "Option", o.Name)
	}
	return line
}

// helpChoices answers the autocomplete of /help command: the commands and routes whose name
// contains what is typed, each with its purpose in lang.
func helpChoices(lang render.Lang, entries []helpEntry, typed string) []*discordgo.ApplicationCommandOptionChoice {
	typed = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(typed), "/")))
	var out []*discordgo.ApplicationCommandOptionChoice
	seen := map[string]bool{}
	add := func(name, desc string) {
		if seen[name] || !strings.Contains(strings.ToLower(name), typed) {
			return
		}
		seen[name] = true
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name + " — " + locale.T(lang, desc), Value: name})
	}
	for _, e := range entries {
		if !e.Cmd.Flat() {
			add(e.Cmd.Name, e.Cmd.Description)
		}
		add(e.Key, e.purpose())
	}
	return bot.FitChoices(out)
}

// closestRoutes returns the n command and route names nearest to name, in typing mistakes
// (mission.EditDistance, the measure country suggestions use), ties in /help's order.
func closestRoutes(entries []helpEntry, name string, n int) []string {
	name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "/"))
	var keys []string
	for _, e := range entries {
		if !e.Cmd.Flat() && !slices.Contains(keys, e.Cmd.Name) {
			keys = append(keys, e.Cmd.Name)
		}
		if !e.Cmd.Message() {
			keys = append(keys, e.Key)
		}
	}
	// The bound is never reached: every key is ranked, the nearest first.
	distance := func(key string) int { return mission.EditDistance(name, key, len(name)+len(key)) }
	slices.SortStableFunc(keys, func(a, b string) int { return distance(a) - distance(b) })
	return keys[:min(n, len(keys))]
}

// who names, in lang, who may use a route: everyone, moderators or admins.
func who(lang render.Lang, a bot.Access) string {
	return locale.T(lang, "help.who."+a.String())
}
