package mission

// ShareScope is what a guild's public page shows (SPEC §10, /settings share).
type ShareScope string

// Share scopes. ShareOff ends the page; ShareForces shows the force level alone, and nothing
// that tells when or where a flight lands; ShareForcesFlights adds the upcoming flights and
// their calendar feed.
const (
	ShareOff           ShareScope = "off"
	ShareForces        ShareScope = "forces"
	ShareForcesFlights ShareScope = "forces-and-flights"
)

var shareScopes = [...]ShareScope{ShareOff, ShareForces, ShareForcesFlights}

// ShareScopes returns the scopes /settings share offers, in the order it offers them.
func ShareScopes() [len(shareScopes)]ShareScope { return shareScopes }

// ParseShareScope reads a scope as /settings share's what option names it.
func ParseShareScope(s string) (ShareScope, bool) {
	for _, x := range shareScopes {
		if string(x) == s {
			return x, true
		}
	}
	return "", false
}

// Flights reports whether the scope shows flights.
func (s ShareScope) Flights() bool { return s == ShareForcesFlights }
