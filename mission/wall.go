// WallTime turns a local date and clock time into an instant by rules that are specified.
// time.Date leaves two cases unspecified: a reading that does not exist (the DST gap of a
// spring-forward day) and one that exists twice (fall back), where it may pick either instant.
// Users type times in their guild's zone and digests are posted at a local time each day; both
// must land on the same, predictable instant, so parsing and digest planning resolve wall times
// here.

package mission

import "time"

// WallTime returns the instant at which loc's clocks read the given date and time, like time.Date
// but with the ambiguous cases decided. A reading that does not exist (the DST gap of a
// spring-forward day) resolves to the next valid instant, the end of the gap (02:30 on
// 2025-03-09 in America/New_York is 03:00 EDT), and nsec is then dropped; an ambiguous reading
// (fall back) resolves to the earlier instant. Out-of-range fields are normalised as time.Date
// does; a nil loc means UTC. The result is expressed in loc.
func WallTime(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	// wall is the requested clock reading as if it were UTC; an instant u has
	// that reading in loc when u + offset(u) == wall.
	wall := time.Date(year, month, day, hour, min, sec, 0, time.UTC).Unix()
	offsetAt := func(u int64) int64 {
		_, off := time.Unix(u, 0).In(loc).Zone()
		return int64(off)
	}
	// Offsets are under a day in magnitude, so every candidate instant lies
	// within a day of wall; probing a day either side finds the offsets before
	// and after any transition near it.
	var offsets []int64
	for _, p := range []int64{wall - 86400, wall, wall + 86400} {
		o := offsetAt(p)
		seen := false
		for _, have := range offsets {
			seen = seen || have == o
		}
		if !seen {
			offsets = append(offsets, o)
		}
	}
	// A valid reading: take the earliest instant (fall back: the first pass).
	found, best := false, int64(0)
	for _, o := range offsets {
		if u := wall - o; offsetAt(u) == o && (!found || u < best) {
			found, best = true, u
		}
	}
	if found {
		return time.Unix(best, int64(nsec)).In(loc)
	}
	// A gap: the answer is the transition at which the clock jumps over wall,
	// i.e. the start of the zone period in effect just after the gap.
	found = false
	for _, o := range offsets {
		start, _ := time.Unix(wall-o, 0).In(loc).ZoneBounds()
		if start.IsZero() {
			continue
		}
		s := start.Unix()
		if s+offsetAt(s) >= wall && s-1+offsetAt(s-1) < wall && (!found || s < best) {
			found, best = true, s
		}
	}
	if found {
		return time.Unix(best, 0).In(loc)
	}
	return time.Date(year, month, day, hour, min, sec, nsec, loc) // not reached with real tzdata
}
