package draft

import (
	"strings"
	"time"
)

// dateAt reads a date at token i: "January 4", "4 janvier 2025", "4 de enero", "2025-01-04",
// a weekday ("on Friday", "jeudi prochain", "el próximo jueves") or a relative day ("hier").
// pub is the publication date; ahead says whether the sentence speaks of the future (a
// scheduled flight), which settles the year of "January 4" and the week of "Friday". It
// returns the date, at midnight in pub's location, and the tokens read.
func (d *drafter) dateAt(i int, ahead bool) (time.Time, int, bool) {
	toks, ms := d.toks, d.match
	pub := d.pub
	day := func(t token) (int, bool) {
		f := t.fold
		if t.kind == tokDecimal {
			f = strings.TrimRight(f, "erstndhoº")
			if len(f) == 0 || len(f) > 2 || !isDigit(f[0]) {
				return 0, false
			}
			n := int(f[0] - '0')
			if len(f) == 2 {
				n = n*10 + int(f[1]-'0')
			}
			return n, n >= 1 && n <= 31
		}
		if t.kind != tokNumber || t.num < 1 || t.num > 31 || len(t.fold) > 2 {
			return 0, false
		}
		return int(t.num), true
	}
	year := func(j int) (int, int) { // a year at j, and the tokens it takes (a comma or "de" before it too)
		k := j
		if k < len(toks) && (toks[k].fold == "," || toks[k].fold == "de" || toks[k].fold == "del") {
			k++
		}
		if k < len(toks) && toks[k].kind == tokNumber && toks[k].num >= 1990 && toks[k].num <= 2100 && len(toks[k].fold) == 4 {
			return int(toks[k].num), k + 1 - j
		}
		return 0, 0
	}
	at := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, pub.Location()) }
	settle := func(m, dd, y int) time.Time {
		if y != 0 {
			return at(y, m, dd)
		}
		t := at(pub.Year(), m, dd)
		if ahead && t.Before(pub.AddDate(0, 0, -2)) {
			t = t.AddDate(1, 0, 0)
		}
		if !ahead && t.After(pub.AddDate(0, 0, 2)) {
			t = t.AddDate(-1, 0, 0)
		}
		return t
	}
	t := toks[i]
	// 2025-01-04
	if t.kind == tokNumber && len(t.fold) == 4 && i+4 < len(toks) && toks[i+1].fold == "-" && toks[i+3].fold == "-" {
		m, dd := toks[i+2].num, toks[i+4].num
		if t.num >= 1990 && t.num <= 2100 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31 {
			return at(int(t.num), int(m), int(dd)), 5, true
		}
	}
	// 4 January 2025, 4 de enero de 2025, 1er janvier
	if dd, ok := day(t); ok {
		j := i + 1
		if j < len(toks) && toks[j].fold == "de" {
			j++
		}
		if j < len(toks) && ms[j].e != nil && ms[j].e.month != 0 && ms[j].n == 1 {
			m := ms[j].e.month
			j++
			if j < len(toks) && toks[j].fold == "." {
				j++
			}
			y, n := year(j)
			return settle(m, dd, y), j + n - i, true
		}
	}
	e := ms[i].e
	if e == nil {
		return time.Time{}, 0, false
	}
	// January 4, 2025; Jan. 4
	if e.month != 0 && ms[i].n == 1 {
		j := i + 1
		if j < len(toks) && toks[j].fold == "." {
			j++
		}
		if j < len(toks) {
			if dd, ok := day(toks[j]); ok {
				y, n := year(j + 1)
				return settle(e.month, dd, y), j + 1 + n - i, true
			}
		}
	}
	if e.dayRel {
		return pub.AddDate(0, 0, e.day), ms[i].n, true
	}
	// next Thursday, jeudi prochain, el próximo jueves, last Friday
	next, last, n := false, false, 0
	wd := 0
	if (e.next || e.last) && i+1 < len(toks) && ms[i+1].e != nil && ms[i+1].e.weekday != 0 {
		next, last, wd, n = e.next, e.last, ms[i+1].e.weekday, ms[i].n+1
	} else if e.weekday != 0 {
		wd, n = e.weekday, 1
		if j := i + 1; j < len(toks) && ms[j].e != nil && (ms[j].e.next || ms[j].e.last) {
			next, last, n = ms[j].e.next, ms[j].e.last, 2
		}
	}
	if wd == 0 {
		return time.Time{}, 0, false
	}
	// "Saturday, January 11", "samedi 11 janvier": the day of the month says which Saturday.
	if j := i + n; !next && !last && j < len(toks) {
		if toks[j].fold == "," {
			j++
		}
		if j < len(toks) && (toks[j].kind == tokNumber || toks[j].kind == tokDecimal || ms[j].e != nil && ms[j].e.month != 0) {
			if t, m, ok := d.dateAt(j, ahead); ok {
				return t, j + m - i, true
			}
		}
	}
	cur := int(pub.Weekday()+6) % 7 // Monday 0
	want := wd - 1
	switch {
	case next || (ahead && !last):
		diff := (want - cur + 7) % 7
		if diff == 0 && next {
			diff = 7
		}
		return pub.AddDate(0, 0, diff), n, true
	default:
		diff := (cur - want + 7) % 7
		if diff == 0 && last {
			diff = 7
		}
		return pub.AddDate(0, 0, -diff), n, true
	}
}
