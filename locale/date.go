package locale

import (
	"strings"
	"time"
)

// Date writes t's calendar day in words as l does, from the catalog's date.* names rather than
// Go's English ones: "Monday 2 January 2006", "lundi 1er janvier 2006",
// "lunes, 2 de enero de 2006". t is read in its own location.
func Date(l Lang, t time.Time) string {
	return T(l, "date.long",
		"Weekday", T(l, "date.weekday."+strings.ToLower(t.Weekday().String())),
		"Day", T(l, "date.day", "Count", t.Day()),
		"Month", T(l, "date.month."+strings.ToLower(t.Month().String())),
		"Year", t.Year())
}
