package mission

import (
	"regexp"
	"strings"
)

// airportCode is an IATA (3 letters) or ICAO (4 letters) airport code.
var airportCode = regexp.MustCompile(`^[A-Z]{3,4}$`)

// ParseAirport accepts an airport code case-insensitively and returns it upper-cased.
func ParseAirport(s string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(s))
	if !airportCode.MatchString(code) {
		return "", Refuse(EInvalid, "parse.airport", "Input", inputQuote(code))
	}
	return code, nil
}
