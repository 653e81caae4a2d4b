package commands

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
)

// Limits of free-text options, set on the definition and checked again: the console and forged
// HTTP requests do not go through Discord's checks.
const (
	maxShortText = 100 // unit, aircraft, origin, reason
	maxLongText  = 500 // source, note
	maxPersonnel = 100000
)

// Examples shown with errors.
const (
	exCountry   = "`country:GT`, `country:GTM` or `country:Guatemala`"
	exPersonnel = "`personnel:75` (a whole number from 1 to 100000)"
	exWhen      = "`2025-01-04 14:00`, `2025-01-04`, `now`, `in 2h` or `tomorrow 09:00`"
	exManifest  = "`manifest:GT 75 military; SV 8 medical`"
	exFlight    = "`flight:12` (the flight's #ID, see /flights)"
	exID        = "`id:12` (the #ID shown when it was logged)"
	exAirport   = "`destination:PAP` (an IATA or ICAO airport code)"
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
	o := optString("country", "Country: code (GT, GTM) or name in English, French or Spanish", required, 60)
	o.Autocomplete = true
	return o
}

func optPersonnel(required bool, desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "personnel",
		Description: desc, Required: required, MinValue: ptr(1.0), MaxValue: maxPersonnel}
}

func optRole() *discordgo.ApplicationCommandOption {
	return optChoice("role", "Personnel type (default military)", false, Roles...)
}

func optWhen(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return optString(name, desc+" — e.g. 2025-01-04 14:00, in 2h, tomorrow 09:00", required, 40)
}

func optID(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name,
		Description: desc, Required: required, MinValue: ptr(1.0), Autocomplete: true}
}

// text returns a free-text option, checked against its length limit.
func text(req *bot.Request, name string, maxLen int) (string, bool, error) {
	s, ok := req.String(name)
	if !ok {
		return "", false, nil
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return "", true, bot.Errorf(fmt.Sprintf("`%s:` followed by at most %d characters", name, maxLen),
			"%s is %d characters long; at most %d are allowed", name, n, maxLen)
	}
	return s, true, nil
}

// country returns the alpha-2 code of a country option.
func country(req *bot.Request, name string) (string, bool, error) {
	s, ok := req.String(name)
	if !ok || s == "" {
		return "", false, nil
	}
	c, err := LookupCountry(s)
	if err != nil {
		return "", true, bot.Invalid(err, exCountry)
	}
	return c.Alpha2, true, nil
}

// personnel returns a personnel option, checked against 1..100000.
func personnel(req *bot.Request) (int, bool, error) {
	n, ok, err := req.Int("personnel")
	if err != nil || !ok {
		return 0, ok, err
	}
	if n < 1 || n > maxPersonnel {
		return 0, true, bot.Errorf(exPersonnel, "personnel must be between 1 and %d, not %d", maxPersonnel, n)
	}
	return int(n), true, nil
}

// role returns the role option, military when absent.
func role(req *bot.Request) (string, error) {
	s, _ := req.String("role")
	r, err := ParseRole(s)
	if err != nil {
		return "", bot.Invalid(err, "`role:military` (one of "+strings.Join(Roles, ", ")+")")
	}
	return r, nil
}

// when returns a time option parsed in the guild's time zone; def when absent.
func when(req *bot.Request, name string, def time.Time) (time.Time, bool, error) {
	s, ok := req.String(name)
	if !ok || s == "" {
		return def, false, nil
	}
	t, err := ParseWhen(s, req.Now, req.Location())
	if err != nil {
		return def, true, bot.Invalid(err, fmt.Sprintf("`%s:` followed by %s", name, exWhen))
	}
	return t, true, nil
}

// recordID returns an ID option (a #ID), required.
func recordID(req *bot.Request, name, example string) (int64, error) {
	n, ok, err := req.Int(name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, bot.Errorf(example, "%s is required", name)
	}
	if n < 1 {
		return 0, bot.Errorf(example, "%s must be a positive #ID, not %d", name, n)
	}
	return n, nil
}

var airportRe = regexp.MustCompile(`^[A-Z]{3,4}$`)

// airport returns an airport code option, upper-cased.
func airport(req *bot.Request, name string) (string, bool, error) {
	s, ok := req.String(name)
	if !ok || s == "" {
		return "", false, nil
	}
	s = strings.ToUpper(s)
	if !airportRe.MatchString(s) {
		return "", true, bot.Errorf(exAirport, "%q is not an airport code (3 letters IATA like PAP, or 4 letters ICAO like MTPP)", s)
	}
	return s, true, nil
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
