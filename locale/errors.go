package locale

import (
	"errors"
	"strings"
	"time"

	"liaison/discordtext"
	"liaison/mission"
)

// Text writes a mission.Text in l; a variable that is itself a Text (the reason inside a
// refusal, the country error inside a manifest entry's) is written in l first.
func Text(l Lang, t mission.Text) string {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case mission.Text:
			a = Text(l, v)
		case mission.CountryCode:
			a = Country(l, string(v))
		case mission.Role:
			a = T(l, "role."+string(v), "Count", 2)
		case mission.Quoted:
			a = T(l, "parse.quote", "Text", string(v))
		case mission.Texts:
			parts := make([]string, len(v))
			for j, t := range v {
				parts[j] = Text(l, t)
			}
			a = strings.Join(parts, T(l, "render.list_separator"))
		case mission.Choices:
			a = "`" + strings.Join(v, "`, `") + "`"
		case mission.OptionChoices:
			names := make([]string, len(v.Values))
			for i, value := range v.Values {
				names[i] = ChoiceName(l, v.Option, value)
			}
			a = "`" + strings.Join(names, "`, `") + "`"
		case mission.Figure:
			a = Figure(l, int64(v))
		case mission.Moment:
			t := time.Time(v)
			a = discordtext.Timestamp(t, "F") + ", " + discordtext.Timestamp(t, "R")
		case mission.Day:
			a = Date(l, time.Time(v))
		case mission.CountrySuggestions:
			a = suggestions(l, v)
		}
		args[i] = a
	}
	return T(l, t.Key, args...)
}

// Error writes any error for a reader of l: a *mission.Error's text and example from the
// catalog (its Error() is only keys, for logs), anything else as its message. Context that
// wraps a *mission.Error ("line 3: … (nothing was stored)") is kept around it, as written.
func Error(l Lang, err error) string {
	if err == nil {
		return ""
	}
	var e *mission.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	msg := e.Msg
	if e.Text.Key != "" {
		msg = Text(l, e.Text)
	}
	if e.HintText.Key != "" {
		// A next step ("Ask an admin…") is a sentence of its own, not an example.
		msg += "\n" + Text(l, e.HintText)
	}
	if e.ExampleText.Key != "" {
		msg += "\n" + T(l, "error.example", "Example", Text(l, e.ExampleText))
	}
	if full, own := err.Error(), e.Error(); full != own {
		if i := strings.LastIndex(full, own); i >= 0 {
			msg = full[:i] + msg + full[i+len(own):]
		}
	}
	return msg
}

// ChoiceKey is the catalog key of an option's choice's name: "choice.role.military".
func ChoiceKey(option, value string) string { return "choice." + option + "." + value }

// ChoiceName is a choice as Discord's client lists it in l: its name from the catalog, or its
// value where it has none.
func ChoiceName(l Lang, option, value string) string {
	if key := ChoiceKey(option, value); T(l, key) != key {
		return T(l, key)
	}
	return value
}

// suggestions are the countries a refusal offers, each by its name in l and its code, to type
// either: "Guatemala (GT), Guinea (GN)". A comma rather than "or" keeps the list the same in
// every language (Spanish would need "u" before a name that begins with an o).
func suggestions(l Lang, codes mission.CountrySuggestions) string {
	names := make([]string, len(codes))
	for i, code := range codes {
		names[i] = CountryName(l, code) + " (" + code + ")"
	}
	return strings.Join(names, ", ")
}
