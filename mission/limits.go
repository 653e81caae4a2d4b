package mission

import "time"

// Limits on figures and text, each defined once: the Discord option definitions announce them,
// the parsers and storage check them again, because the console and forged HTTP requests do not
// go through Discord's client.
const (
	// MinPersonnel and MaxPersonnel bound one arrival, departure, pledge or manifest line: a
	// larger number is a typo, not a contingent.
	MinPersonnel = 1
	MaxPersonnel = 100000
	// MaxPlanned bounds a mission's planned strength.
	MaxPlanned = 1000000
	// MaxManifestLines bounds a manifest so that its rendering fits one Discord message and a
	// typo cannot create hundreds of arrivals.
	MaxManifestLines = 50
	// MaxMatches bounds the records a likely mistake names: a few are enough to recognise it.
	MaxMatches = 5
	// MaxShortText bounds unit, aircraft, origin and reason; MaxLongText bounds source and note.
	MaxShortText = 100
	MaxLongText  = 500
	// EarliestYear bounds what happened: no record of this mission, nor of any deployment
	// Liaison follows, is older; an earlier year is a typo.
	EarliestYear = 1990
	// ClockLeeway is how far in the future a time that has already happened may lie: the
	// clocks of a phone and of the bot differ by a few minutes.
	ClockLeeway = 5 * time.Minute
)
