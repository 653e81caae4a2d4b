package commands

import (
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/mission"
)

// Lengths of options that are parsed rather than stored as typed (the stored free-text limits
// live in mission). Discord's client enforces them; the parsers check what they read again.
const (
	maxTimezone     = 64   // the longest IANA name is 32 characters
	maxAirport      = 4    // ICAO
	maxOffsetsText  = 60   // five offsets
	maxScheduleText = 60   // a 5-field cron expression
	maxManifestText = 1000 // 50 lines of "CC 12345 military"
	maxWhenText     = 40   // the longest accepted form, RFC 3339 with fractions
	maxCountryText  = 60   // the longest country name
)

// Option and route descriptions are catalog keys (desc.…): bot.Command.Definition writes them
// out in every language for Discord, /help and the console in the reader's.

// personnelDescription describes the personnel option of arrivals, departures and manifest lines.
const personnelDescription = "desc.opt.personnel"

// Keys of the examples shown with errors (cmd.example.…), shared by several commands.
const (
	exCountry   = "cmd.example.country"
	exPersonnel = "cmd.example.personnel"
	exWhen      = "cmd.example.when" // takes the option's name
	exManifest  = "cmd.example.manifest"
	exFlight    = "cmd.example.flight"
	exID        = "cmd.example.record_id"
	exAirport   = "cmd.example.airport"
	// hintFutureArrival answers an arrival logged ahead of time.
	hintFutureArrival = "cmd.next.future_arrival"
)

func ptr[T any](v T) *T { return &v }

func subcommand(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
}

func optString(name, desc string, required bool, maxLen int) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
		Description: desc, Required: required, MaxLength: maxLen}
}

func optChoice(name, desc string, required bool, values ...string) *discordgo.ApplicationCommandOption {
	o := optString(name, desc, required, 0)
	for _, v := range values {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
	}
	return o
}

func optCountry(required bool) *discordgo.ApplicationCommandOption {
	o := optString("country", "desc.opt.country", required, maxCountryText)
	o.Autocomplete = true
	return o
}

func optPersonnel(required bool, desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "personnel",
		Description: desc, Required: required, MinValue: ptr(float64(mission.MinPersonnel)), MaxValue: mission.MaxPersonnel}
}

func optRole() *discordgo.ApplicationCommandOption {
	roles := mission.Roles()
	return optChoice("role", "desc.opt.role", false, mission.Strings(roles[:]...)...)
}

// optWhen is a time option; its description's text gives the accepted forms.
func optWhen(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return optString(name, desc, required, maxWhenText)
}

func optID(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name,
		Description: desc, Required: required, MinValue: ptr(1.0), Autocomplete: true}
}

// multilineOptions are the free-text options that may hold line breaks.
var multilineOptions = map[string]bool{"note": true}

// text returns a free-text option, checked against its length limit; only a note may hold line
// breaks (the router has already refused control and bidirectional characters).
func text(req *bot.Request, name string, maxLen int) (string, bool, error) {
	s, ok := req.String(name)
	if !ok {
		return "", false, nil
	}
	if err := mission.CheckText(s, multilineOptions[name]); err != nil {
		return "", true, mission.Refuse(mission.EInvalid, "error.option_text", "Option", name, "Reason", mission.TextOf(err)).
			WithHint("error.option_text.example")
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return "", true, mission.Refuse(mission.EInvalid, "cmd.opt.too_long", "Option", name, "Length", n, "Max", maxLen).
			WithExample("cmd.opt.too_long.example", "Option", name, "Max", maxLen)
	}
	return s, true, nil
}

// country returns the alpha-2 code of a country option.
func country(req *bot.Request, name string) (string, bool, error) {
	s, ok := req.String(name)
	if !ok || s == "" {
		return "", false, nil
	}
	c, err := mission.LookupCountry(s)
	if err != nil {
		return "", true, mission.InvalidWith(err, exCountry)
	}
	return c.Alpha2, true, nil
}

// personnel returns a personnel option, checked against 1..100000.
func personnel(req *bot.Request) (int, bool, error) {
	n, ok, err := req.Int("personnel")
	if err != nil || !ok {
		return 0, ok, err
	}
	if n < mission.MinPersonnel || n > mission.MaxPersonnel {
		return 0, true, mission.Refuse(mission.EInvalid, "cmd.opt.personnel_range", "Min", mission.MinPersonnel, "Max", mission.Figure(mission.MaxPersonnel),
			"Value", n).WithExample(exPersonnel)
	}
	return int(n), true, nil
}

// role returns the role option, military when absent.
func role(req *bot.Request) (mission.Role, error) {
	s, _ := req.String("role")
	r, err := mission.ParseRole(s)
	if err != nil {
		return "", mission.InvalidWith(err, "cmd.example.role")
	}
	return r, nil
}

// when returns a time option parsed in the guild's time zone; def when absent.
func when(req *bot.Request, name string, def time.Time) (time.Time, bool, error) {
	s, ok := req.String(name)
	if !ok || s == "" {
		return def, false, nil
	}
	t, err := mission.ParseWhen(s, req.Now, req.Location())
	if err != nil {
		return def, true, mission.InvalidWith(err, exWhen, "Option", name)
	}
	return t, true, nil
}

// happened returns a time option that must lie in the past: an arrival, a departure, a landing
// or a pledge's as-of. A time ahead of now (beyond the clocks' leeway) is refused through
// future, which adds what to do instead (nextStep: "that is a flight: /flight schedule") or a
// valid input (example); one before mission.EarliestYear is refused with the accepted forms.
func happened(req *bot.Request, name string, def time.Time, future func(error) error) (time.Time, bool, error) {
	t, ok, err := when(req, name, def)
	if err != nil || !ok {
		return t, ok, err
	}
	if err := mission.CheckHappened(name, t, req.Now); err != nil {
		if t.After(req.Now) {
			return t, true, future(err)
		}
		return t, true, mission.InvalidWith(err, exWhen, "Option", name)
	}
	return t, true, nil
}

// nextStep answers a refusal with the catalog text of what to do instead, a sentence.
func nextStep(key string) func(error) error {
	return func(err error) error { return mission.HintWith(err, key) }
}

// inputExample answers a refusal with the catalog text of a valid input.
func inputExample(key string) func(error) error {
	return func(err error) error { return mission.InvalidWith(err, key) }
}

// recordID returns an ID option (a #ID), required; example is the key of a valid one.
func recordID(req *bot.Request, name, example string) (int64, error) {
	n, ok, err := req.Int(name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, mission.Refuse(mission.EInvalid, "cmd.opt.required", "Option", name).WithExample(example)
	}
	if n < 1 {
		return 0, mission.Refuse(mission.EInvalid, "cmd.opt.positive_id", "Option", name, "Value", n).WithExample(example)
	}
	return n, nil
}

// airport returns an airport code option, upper-cased.
func airport(req *bot.Request, name string) (string, bool, error) {
	s, ok := req.String(name)
	if !ok || s == "" {
		return "", false, nil
	}
	code, err := mission.ParseAirport(s)
	if err != nil {
		return "", true, mission.InvalidWith(err, exAirport)
	}
	return code, true, nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
