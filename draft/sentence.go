package draft

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"liaison/mission"
)

// mention is a count of people in a sentence: "75 Guatemalan soldiers".
type mention struct {
	n          number
	end        int // the token after the group of people
	country    string
	force      bool
	role       mission.Role
	weakRole   bool
	women      bool
	increment  bool // "additional", "another": people added, not a strength
	female     int
	clause     int
	kind       Kind
	figure     mission.FigureKind
	skip       bool
	planned    bool
	totalAfter bool
}

// sentence drafts the records of the tokens [a, b).
func (d *drafter) sentence(a, b int) []Record {
	toks, ms := d.toks, d.match
	// Clauses: a semicolon, an ellipsis, a dash, "while", "bringing" start a new one.
	clause := make([]int, b-a)
	c := 0
	for i := a; i < b; i++ {
		f := toks[i].fold
		if f == ";" || f == "…" || f == "—" || f == "–" || f == "(" || f == ")" || (ms[i].e != nil && ms[i].e.clause) || d.newCount(i, a, b) {
			c++
		}
		clause[i-a] = c
	}
	cl := func(i int) int { return clause[i-a] }
	// Dates take their numbers first: "January 4" is no count of people.
	inDate := make([]bool, b-a)
	for i := a; i < b; i++ {
		if _, n, ok := d.dateAt(i, false); ok && n > 0 {
			for k := i; k < min(i+n, b); k++ {
				inDate[k-a] = true
			}
			i += n - 1
		}
	}
	// What each clause holds.
	type clauseInfo struct{ neg, casualty, money, person, each bool }
	infos := make([]clauseInfo, c+1)
	vote := false
	for i := a; i < b; i++ {
		e := ms[i].e
		if e == nil {
			continue
		}
		ci := &infos[cl(i)]
		ci.neg = ci.neg || e.neg && !d.modalMonth(i)
		ci.casualty = ci.casualty || e.casualty
		ci.money = ci.money || e.money
		ci.each = ci.each || e.each
		ci.person = ci.person || e.person || (e.role != "" && !e.weak)
		vote = vote || e.vote
	}
	if vote {
		return nil
	}
	inGroup := make([]bool, b-a)
	var ments []*mention
	for i := a; i < b; i++ {
		if inDate[i-a] {
			continue
		}
		n, ok := readNumberAt(toks[a:b], i-a, d.lang)
		if !ok {
			continue
		}
		n.start += a
		n.end += a
		m := d.group(n, b)
		i = n.end - 1
		if m == nil && (d.before(n.start, a, 3, func(e *entry) bool { return e.planned }) || d.plannedAfter(n.end, b) ||
			d.totalBefore(n.start, a, cl)) && !d.moneyNear(n, b) {
			// "the planned 2,500", "bringing the total to 600": a strength needs no noun.
			m = &mention{n: n, end: n.end}
		}
		if m == nil {
			continue
		}
		m.clause = cl(n.start)
		for k := n.start; k < m.end; k++ {
			inGroup[k-a] = true
		}
		// A subset of the count before it: "including 30 women" is that arrival's women.
		if d.before(n.start, a, 3, func(e *entry) bool { return e.subset }) {
			if m.women && len(ments) > 0 {
				prev := ments[len(ments)-1]
				prev.female = min(int(n.v), int(prev.n.v))
			}
			continue
		}
		if m.women {
			m.female = int(n.v)
		}
		if n.q == mission.QualifierExact {
			for k := max(a, n.start-3); k < n.start; k++ {
				if e := ms[k].e; e != nil && e.qual != "" && k+ms[k].n == n.start {
					m.n.q = e.qual
				}
			}
		}
		m.planned = d.before(n.start, a, 3, func(e *entry) bool { return e.planned }) || d.plannedAfter(m.end, b)
		m.totalAfter = d.totalBefore(n.start, a, cl)
		ments = append(ments, m)
	}
	// Triggers of each clause.
	type trig struct {
		at   int
		kind Kind
	}
	var trigs []trig
	for i := a; i < b; i++ {
		if inGroup[i-a] {
			continue
		}
		if e := ms[i].e; e != nil {
			switch {
			case e.trigger != "":
				trigs = append(trigs, trig{i, e.trigger})
			case e.deployed && d.afterContributor(i, a, inGroup):
				trigs = append(trigs, trig{i, KindArrival})
			case e.deployed:
				trigs = append(trigs, trig{i, KindReport})
			}
		}
	}
	nearest := func(from, to, clause int) (Kind, int) {
		best, dist := Kind(""), 1<<30
		for _, t := range trigs {
			if cl(t.at) != clause {
				continue
			}
			dd := from - t.at
			if t.at >= to {
				dd = t.at - to + 1 // a verb after the group ("75 soldiers landed") is as near as one before
			}
			if dd < dist {
				best, dist = t.kind, dd
			}
		}
		return best, dist
	}
	// Each count's kind.
	for i, m := range ments {
		ci := infos[m.clause]
		if ci.neg || ci.casualty {
			m.skip = true
			continue
		}
		switch {
		case m.planned:
			m.kind, m.figure = KindReport, mission.FigurePlanned
		case m.totalAfter:
			m.kind, m.figure = KindReport, mission.FigureDeployed
		case i+1 < len(ments) && ments[i+1].planned && ments[i+1].clause == m.clause && ments[i+1].n.start-m.end <= 6:
			// "400 officers out of the planned 2,500"
			m.kind, m.figure = KindReport, mission.FigureDeployed
		default:
			k, _ := nearest(m.n.start, m.end, m.clause)
			if k == KindReport && m.increment {
				k = KindArrival
			}
			m.kind, m.figure = k, mission.FigureDeployed
			if k == "" {
				m.skip = true
			}
		}
	}
	// Countries named outside the groups, with whether each is a place ("in Haiti").
	type place struct {
		at      int
		country string
		isPlace bool
	}
	var countries []place
	for i := a; i < b; i++ {
		e := ms[i].e
		if e == nil || e.country == "" || inGroup[i-a] {
			continue
		}
		// A force is the people it sends, never a place: "a BDF platoon" is no "a Belice".
		isPlace := false
		for k := i - 1; k >= max(a, i-2) && !e.force; k-- {
			pe := ms[k].e
			if pe == nil {
				break
			}
			if pe.locPrep {
				isPlace = true
				break
			}
			if !pe.adj && !pe.link {
				break
			}
		}
		countries = append(countries, place{i, e.country, isPlace})
		i += ms[i].n - 1
	}
	subject := func(m *mention, sameClause bool) string {
		best, dist := "", 1<<30
		for _, p := range countries {
			if p.isPlace || (sameClause && cl(p.at) != m.clause) {
				continue
			}
			dd := m.n.start - p.at
			if p.at > m.n.start {
				dd = p.at - m.end + 20 // prefer the country before the count
			}
			if dd < dist {
				best, dist = p.country, dd
			}
		}
		return best
	}
	// clauseCountries are the contributors the clause names: "Jamaica and The Bahamas will each send".
	clauseCountries := func(c int) []string {
		var cs []string
		for _, p := range countries {
			if cl(p.at) == c && !p.isPlace && p.country != d.host && !slices.Contains(cs, p.country) {
				cs = append(cs, p.country)
			}
		}
		return cs
	}
	sentence := d.sentenceText(a, b)
	var out []Record
	flights := map[int]int{} // clause → index in out
	prevCountry := ""
	for _, m := range ments {
		if m.skip {
			continue
		}
		for _, country := range d.owners(m, infos[m.clause].each, prevCountry, subject, clauseCountries) {
			if country != "" {
				prevCountry = country
			}
			out = d.record(out, m, country, sentence, flights, a, b, cl)
		}
	}
	// Flights without people: "another flight is scheduled for January 4".
	for i := a; i < b; i++ {
		e := ms[i].e
		if e == nil || !e.flight || inGroup[i-a] {
			continue
		}
		c := cl(i)
		if _, ok := flights[c]; ok || infos[c].neg || infos[c].casualty {
			continue
		}
		if k, dist := nearest(i, i+ms[i].n, c); k == KindFlight && dist <= 8 {
			flights[c] = len(out)
			out = append(out, Record{Kind: KindFlight, Known: true, Sentence: sentence, Qualifier: mission.QualifierExact,
				Date: d.dateIn(a, b, c, cl, true, time.Time{})})
		}
	}
	// Pledges of unknown size: "Kenya, Jamaica, Benin and Chad have pledged to send reinforcements".
	pledged := map[int]bool{}
	for _, m := range ments {
		if !m.skip && m.kind == KindPledge {
			pledged[m.clause] = true
		}
	}
	for _, t := range trigs {
		c := cl(t.at)
		if t.kind != KindPledge || pledged[c] || infos[c].neg || infos[c].money || !infos[c].person {
			continue
		}
		pledged[c] = true
		role := d.clauseRole(a, b, c, cl)
		for _, p := range countries {
			if cl(p.at) != c || p.isPlace || p.country == d.host {
				continue
			}
			out = append(out, Record{Kind: KindPledge, Country: p.country, Role: role, Date: d.pub, Sentence: sentence,
				Qualifier: mission.QualifierExact})
		}
	}
	return out
}

// group reads the people a count counts: "75 Guatemalan soldiers", "soixante-quinze soldats
// guatémaltèques", "300 members of the Kenya Police Service", "soldados de Guatemala". It is
// nil when the count is not of people (days, vehicles, dollars).
func (d *drafter) group(n number, b int) *mention {
	ms := d.match
	m := &mention{n: n}
	person := false
	j := n.end
	from := false
	for steps := 0; j < b && steps < 8; steps++ {
		e := ms[j].e
		if e == nil {
			break
		}
		switch {
		case e.force:
			if m.country == "" {
				m.country, m.force = e.country, true
			}
			if e.role != "" && (m.role == "" || m.weakRole) {
				m.role, m.weakRole = e.role, false
			}
			person = true
		case e.demonym || (from && e.country != ""):
			if m.country == "" {
				m.country = e.country
			}
			if e.role != "" && (m.role == "" || m.weakRole) {
				m.role, m.weakRole = e.role, e.weak
			}
		case e.person || e.role != "":
			if e.role != "" && (m.role == "" || m.weakRole) {
				m.role, m.weakRole = e.role, e.weak
			}
			if e.person {
				person = true
				m.women = m.women || e.women
			}
		case e.adj || e.link || e.fromPrep:
			if e.adj && e.qual == "" && !e.link {
				m.increment = m.increment || strings.Contains(incrementWords, "|"+d.toks[j].fold+"|")
			}
		default:
			steps = 99
			continue
		}
		from = e.fromPrep || (from && (e.adj || e.link))
		j += ms[j].n
	}
	if !person {
		return nil
	}
	// Trailing links and articles belong to what follows.
	for j > n.end && ms[j-1].e != nil && !ms[j-1].e.person && !ms[j-1].e.demonym && ms[j-1].e.role == "" && ms[j-1].e.country == "" {
		j--
	}
	m.end = j
	return m
}

// incrementWords make a count an addition to the force, not its strength.
const incrementWords = "|additional|another|more|further|new|fresh|extra|supplementaires|nouveaux|nouvelles|autres|adicionales|nuevos|nuevas|otros|otras|mas|"

// before reports whether an entry for which ok holds starts within the n tokens before i.
func (d *drafter) before(i, a, n int, ok func(e *entry) bool) bool {
	for k := max(a, i-n); k < i; k++ {
		if e := d.match[k].e; e != nil && ok(e) {
			return true
		}
	}
	return false
}

// plannedAfter reports whether the words after a count say it is planned: "2 500 prévus",
// "2,500 personnel are planned".
func (d *drafter) plannedAfter(j, b int) bool {
	for k := j; k < min(j+2, b); k++ {
		e := d.match[k].e
		if e != nil && e.planned && e.trigger == "" {
			return true
		}
		if e == nil || e.person || e.country != "" {
			return false
		}
	}
	return false
}

// moneyNear reports whether a currency or a percent stands next to the count.
func (d *drafter) moneyNear(n number, b int) bool {
	for _, k := range []int{n.start - 1, n.end, n.end + 1} {
		if k >= 0 && k < b {
			if e := d.match[k].e; e != nil && e.money {
				return true
			}
		}
	}
	return false
}

// modalMonth reports whether the negation at i is the month "May" rather than a doubt: a
// capitalised "May" followed by a day.
func (d *drafter) modalMonth(i int) bool {
	t := d.toks[i]
	return d.text[t.start:t.end] == "May" && i+1 < len(d.toks) && d.toks[i+1].kind == tokNumber
}

// dateIn is the first date of the clause, else def: a date in another clause of the same
// sentence belongs to that clause's event ("… landed … another flight is scheduled for January 4").
func (d *drafter) dateIn(a, b, clause int, cl func(int) int, ahead bool, def time.Time) time.Time {
	for i := a; i < b; i++ {
		if cl(i) != clause {
			continue
		}
		if t, _, ok := d.dateAt(i, ahead); ok {
			return t
		}
	}
	return def
}

// clauseRole is the one role the clause's nouns name; "" when they name none or several, so
// that the role is resolved by the rule every door uses rather than guessed here.
func (d *drafter) clauseRole(a, b, clause int, cl func(int) int) mission.Role {
	var role mission.Role
	for i := a; i < b; i++ {
		if e := d.match[i].e; e != nil && cl(i) == clause && e.role != "" && !e.weak && e.country == "" {
			if role != "" && role != e.role {
				return ""
			}
			role = e.role
		}
	}
	return role
}

// sentenceText is the sentence as written, its spaces, line breaks and control characters
// made single spaces, and the bidirectional overrides taken out: it goes into a record's
// source, which refuses them (mission.CheckText).
func (d *drafter) sentenceText(a, b int) string {
	if a >= b {
		return ""
	}
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return -1
		case unicode.IsControl(r) || r == utf8.RuneError:
			return ' '
		}
		return r
	}, d.text[d.toks[a].start:d.toks[b-1].end])
	return strings.Join(strings.Fields(s), " ")
}

// owners are the countries a count belongs to: the one its group names ("75 Guatemalan
// soldiers"), every contributor of the clause when it says "each", the country of the count
// before it when it adds to that ("200 Kenyan officers arrived, and 150 more officers are due"),
// else the sentence's subject.
func (d *drafter) owners(m *mention, each bool, prev string, subject func(*mention, bool) string, clauseCountries func(int) []string) []string {
	if m.country != "" {
		return []string{m.country}
	}
	if each && m.kind != KindReport {
		if cs := clauseCountries(m.clause); len(cs) > 1 {
			return cs
		}
	}
	if c := subject(m, m.kind == KindReport); c != "" || !m.increment || prev == "" {
		return []string{c}
	}
	return []string{prev}
}

// record appends the record of count m for country, a flight's count to its clause's flight.
func (d *drafter) record(out []Record, m *mention, country, sentence string, flights map[int]int, a, b int, cl func(int) int) []Record {
	if country == d.host {
		return out
	}
	r := Record{Kind: m.kind, Country: country, Personnel: int(m.n.v), Known: true, Female: m.female, Role: m.role,
		Figure: m.figure, Qualifier: m.n.q, Sentence: sentence}
	if m.kind == KindReport {
		if m.weakRole || country == "" && !m.force {
			r.Role = ""
		}
		if r.Personnel > mission.MaxPlanned {
			return out
		}
		r.Date = d.dateIn(a, b, m.clause, cl, false, d.pub)
		out = append(out, r)
		return out
	}
	if country == "" || r.Personnel < mission.MinPersonnel || r.Personnel > mission.MaxPersonnel {
		return out
	}
	// A role the sentence does not name stays empty: the one rule for a left-out role
	// (storage.ResolveRole) takes the country's only role on record, or asks.
	r.Figure = ""
	switch m.kind {
	case KindFlight:
		fi, ok := flights[m.clause]
		if !ok {
			fi = len(out)
			flights[m.clause] = fi
			out = append(out, Record{Kind: KindFlight, Known: true, Sentence: sentence, Qualifier: mission.QualifierExact,
				Date: d.dateIn(a, b, m.clause, cl, true, time.Time{})})
		}
		out[fi].Manifest = append(out[fi].Manifest, mission.ManifestLine{Country: country, Personnel: r.Personnel, Role: r.Role, Female: r.Female})
	case KindPledge:
		r.Date = d.pub
		out = append(out, r)
	default:
		r.Date = d.dateIn(a, b, m.clause, cl, false, d.pub)
		out = append(out, r)
	}
	return out
}

// totalBefore reports whether the clause of the count at i names a total before it, near
// enough to be its: "bringing the total to 600", "bringing the number of MSS personnel in
// Haiti to about 700", "portant à 700 l'effectif".
func (d *drafter) totalBefore(i, a int, cl func(int) int) bool {
	for k := i - 1; k >= max(a, i-maxTotalReach) && cl(k) == cl(i); k-- {
		if e := d.match[k].e; e != nil && e.total {
			return true
		}
	}
	return false
}

// maxTotalReach is how far before a bare count its "total" may stand.
const maxTotalReach = 12

// afterContributor reports whether the word at i follows a country or force straight away:
// "The Bahamas deployed 24 marines on Tuesday" tells of a deployment, an arrival, where "24
// marines have been deployed" tells the strength. A force inside a group of people is no
// subject: "400 Kenyan police deployed in Haiti" is the strength.
func (d *drafter) afterContributor(i, a int, inGroup []bool) bool {
	for k := max(a, i-maxPhrase); k < i; k++ {
		if e := d.match[k].e; e != nil && k+d.match[k].n == i && e.country != "" && !inGroup[k-a] {
			return true
		}
	}
	return false
}

// newCount reports whether a clause of its own starts at i: ", and 150 more officers are due
// next week" has its own count, verb and date, while "Kenya, Jamaica, and other countries"
// goes on with the list.
func (d *drafter) newCount(i, a, b int) bool {
	if i < a+2 || i >= b || d.toks[i-2].fold != "," || !coordinators[d.toks[i-1].fold] {
		return false
	}
	_, ok := readNumberAt(d.toks[a:b], i-a, d.lang)
	return ok
}

// coordinators join two clauses after a comma.
var coordinators = map[string]bool{"and": true, "et": true, "y": true, "e": true}
