package commands

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// How lists are paged. A list's page k is its records [k·pageSize, (k+1)·pageSize) in the
// list's order, so page k is built from one COUNT and one fetch of pageSize rows, whatever k and
// however long the list. When a page's lines do not fit one embed description (long sources),
// discordtext.Pages cuts it into parts, each holding as many whole lines as fit; a part never
// reaches into the next page, which is what keeps page k independent of the sizes of the pages
// before it. So the same records always give the same pages and parts, every record is on
// exactly one part of one page, and a button's custom_id carries only the page and part ("3",
// or "3.1" for a second part) and the list's filter. Lists held in memory (/pledge list, /forces)
// are paged so; the lists read from the history are paged by key (seekPageOf, below).

// pageSize is the number of records on one page of a list.
const pageSize = 10

// lastPart, as a part, is a page's last part, however many it has: a page of pageSize lines has
// at most pageSize parts. Previous on a page's first part points there, so it need not know how
// the page before is cut.
const lastPart = pageSize - 1

// maxPage bounds the page a button can ask for before the list's length is known, so that the
// offset cannot overflow; any page that far is past the last one and shows the last.
const maxPage = math.MaxInt32

// pageKey names one message of a paged list: a page and one of its parts, both from 0.
type pageKey struct{ page, part int }

// String is the key as a custom_id carries it: "3" for a page's first part, "3.1" for its second.
func (k pageKey) String() string {
	if k.part == 0 {
		return strconv.Itoa(k.page)
	}
	return strconv.Itoa(k.page) + "." + strconv.Itoa(k.part)
}

// errBadPage refuses a page button Liaison did not make (a forged or mangled custom_id). It is
// the clicker's error, answered to them alone; the list stays as it was.
func errBadPage(customID string) error {
	return mission.Refuse(mission.EInvalid, "cmd.page.bad_button", "ID", mission.Quote(discordtext.Truncate(customID, 40))).
		WithHint("cmd.page.bad_button.example")
}

// parsePage splits a pager custom_id (without the command) into the page key and the list's
// state. A negative page or part, or one that overflows int, is refused.
func parsePage(customID string) (pageKey, string, error) {
	p, state, _ := strings.Cut(customID, ":")
	page, part, hasPart := strings.Cut(p, ".")
	var k pageKey
	var err error
	if k.page, err = strconv.Atoi(page); err != nil || k.page < 0 {
		return pageKey{}, "", errBadPage(customID)
	}
	if hasPart {
		if k.part, err = strconv.Atoi(part); err != nil || k.part < 0 {
			return pageKey{}, "", errBadPage(customID)
		}
	}
	return k, state, nil
}

// listView is the message of one part of one page of a list.
type listView struct {
	key   pageKey  // what is shown: the asked-for key, brought within the list
	pages int      // the list's pages, at least 1
	parts int      // the shown page's parts, at least 1
	total int64    // the list's records
	lines []string // the part's lines
}

// fetchLines returns the rendered lines of a list's records [offset, offset+limit), in the list's
// order, and how many records the list has in all.
type fetchLines func(offset, limit int) ([]string, int64, error)

// pageOf builds the part of the list that key names, cut to limit characters (the embed
// description the lines go in). A page past the last shows the last page's last part; a part past
// a page's last shows its last. It fetches one page of rows, or two when key is past the end.
func pageOf(key pageKey, limit int, fetch fetchLines) (listView, error) {
	key.page = min(key.page, maxPage)
	lines, total, err := fetch(key.page*pageSize, pageSize)
	if err != nil {
		return listView{}, err
	}
	if n := pageCount(total); key.page >= n {
		key = pageKey{page: n - 1, part: lastPart}
		if lines, total, err = fetch(key.page*pageSize, pageSize); err != nil {
			return listView{}, err
		}
	}
	parts := discordtext.Pages(lines, limit, pageSize)
	v := listView{key: key, pages: pageCount(total), parts: max(1, len(parts)), total: total}
	v.key.part = min(key.part, v.parts-1)
	if len(parts) > 0 {
		v.lines = parts[v.key.part]
	}
	return v, nil
}

// slicePage is a fetchLines over lines already in memory.
func slicePage(lines []string) fetchLines {
	return func(offset, limit int) ([]string, int64, error) {
		return lines[min(offset, len(lines)):min(offset+limit, len(lines))], int64(len(lines)), nil
	}
}

// pageCount returns the number of pages for total records.
func pageCount(total int64) int {
	return int(max(1, (total+pageSize-1)/pageSize))
}

// prev and next are the keys of the parts before and after v's, if any.
func (v listView) prev() (pageKey, bool) {
	switch {
	case v.key.part > 0:
		return pageKey{v.key.page, v.key.part - 1}, true
	case v.key.page > 0:
		return pageKey{v.key.page - 1, lastPart}, true
	}
	return v.key, false
}

func (v listView) next() (pageKey, bool) {
	switch {
	case v.key.part < v.parts-1:
		return pageKey{v.key.page, v.key.part + 1}, true
	case v.key.page < v.pages-1:
		return pageKey{v.key.page + 1, 0}, true
	}
	return v.key, false
}

// label is where v is, in lang: "Page 3/5" (short, for the button) or "Page 3 of 5" (for the
// footer), with " (part 2/3)" for a page shown in parts.
func (v listView) label(lang render.Lang, short bool) string {
	form := labelForm(short)
	return withPart(lang, form, locale.T(lang, "cmd.page."+form, "Page", v.key.page+1, "Pages", v.pages), v.key.part, v.parts)
}

// labelForm is the catalog's form of a page label: "short" on the button, "long" in the footer.
func labelForm(short bool) string {
	if short {
		return "short"
	}
	return "long"
}

// withPart adds "part 2 of 3" to a page's label when the page is shown in parts.
func withPart(lang render.Lang, form, label string, part, parts int) string {
	if parts > 1 {
		label += " " + locale.T(lang, "cmd.page.part_"+form, "Part", part+1, "Parts", parts)
	}
	return label
}

// pager returns Previous/Next buttons for v, or nil when the list is one message. The list's
// state travels in the custom_id ("route:page:state"), so no state lives in memory; callers keep
// state short enough that the id stays within Discord's 100 characters. A disabled button keeps
// the shown key, the label button "-1", so that the ids in one message differ.
func pager(lang render.Lang, route string, v listView, state string) []discordgo.MessageComponent {
	prev, hasPrev := v.prev()
	next, hasNext := v.next()
	return pageButtons(lang, route, state, prev.String(), hasPrev, next.String(), hasNext, v.label(lang, true))
}

// listEmbed builds the embed of one part of a list, its footer in lang.
func listEmbed(lang render.Lang, title string, v listView, empty string) *discordgo.MessageEmbed {
	return pageEmbed(title, v.lines, empty, v.label(lang, false)+" · "+locale.T(lang, "cmd.page.total", "Count", v.total))
}

// pageEmbed is the embed of one part of any paged list: its lines with the footer, or the
// empty text without one.
func pageEmbed(title string, lines []string, empty, footer string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: title, Color: render.ColourInfo}
	if len(lines) == 0 {
		e.Description = empty
		return e
	}
	e.Description = strings.Join(lines, "\n")
	e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	return e
}

// How long lists are paged. /arrivals, /flights, /history and /reminders list can hold a
// million records, so they are read by key, not by page number: a page is the pageSize records
// after (or before) a cursor, the sort key and ID of a record next to it, which storage finds
// with one index seek (storage.Seek) whatever the page and the list's length. Next carries the
// cursor of the page's last record ("after"), Previous that of its first ("before"), so no page
// needs the pages before it. Pages follow on from the list's start: the first page is its first
// pageSize records, and the page before "before c" is the first page when fewer than pageSize+1
// records precede c. The total is counted up to countBound; a longer list says "more than
// 1,000" and its pages are numbered from the number the button carries, a label only. Parts
// are cut as for pageOf. A page after the end (its records deleted, or a forged cursor) shows
// the last page; a cursor that names no record still only seeks in the clicker's guild.

// countBound is how far a list's total is counted: beyond it the list is "more than" that long,
// which costs at most countBound index entries on every page however long the list.
const countBound = 1000

// seekMode is how a keyset page is found from its key.
type seekMode byte

const (
	seekFirst  seekMode = 'f' // the list's first page
	seekAfter  seekMode = 'a' // the page after the cursor
	seekBefore seekMode = 'b' // the page before the cursor
	seekLast   seekMode = 'l' // the list's last page
)

// seekKey names one message of a keyset-paged list: how its page is found, the page's number
// (from 0, for the label) and the part shown.
type seekKey struct {
	mode       seekMode
	cursor     storage.Cursor // for seekAfter and seekBefore
	page, part int
}

// String is the key as a custom_id carries it: "f0.0" for the first page, "a3.1.<time>.<id>"
// for the second part of page 4 after a cursor (time in unix nanoseconds, both in base 36).
func (k seekKey) String() string {
	s := string(k.mode) + strconv.Itoa(k.page) + "." + strconv.Itoa(k.part)
	if k.mode == seekAfter || k.mode == seekBefore {
		var at int64
		if !k.cursor.At.IsZero() {
			at = k.cursor.At.UnixNano()
		}
		s += "." + strconv.FormatInt(at, 36) + "." + strconv.FormatInt(k.cursor.ID, 36)
	}
	return s
}

// parseSeek splits a keyset pager custom_id (without the command) into the key and the list's
// state. A key Liaison did not make is refused: an unknown mode, a negative or overflowing page
// or part, a cursor that does not parse or has no positive ID. A page number of the offset pager
// that came before ("3", "3.1") opens the list's first page, so that buttons posted before the
// change keep working.
func parseSeek(customID string) (seekKey, string, error) {
	p, state, _ := strings.Cut(customID, ":")
	if _, _, err := parsePage(customID); err == nil && p != "" && p[0] >= '0' && p[0] <= '9' {
		return seekKey{mode: seekFirst}, state, nil
	}
	bad := func() (seekKey, string, error) { return seekKey{}, "", errBadPage(customID) }
	if p == "" {
		return bad()
	}
	k := seekKey{mode: seekMode(p[0])}
	fields := strings.Split(p[1:], ".")
	want := 2
	switch k.mode {
	case seekFirst, seekLast:
	case seekAfter, seekBefore:
		want = 4
	default:
		return bad()
	}
	if len(fields) != want {
		return bad()
	}
	var err1, err2 error
	k.page, err1 = strconv.Atoi(fields[0])
	k.part, err2 = strconv.Atoi(fields[1])
	if err1 != nil || err2 != nil || k.page < 0 || k.part < 0 || k.page > maxPage {
		return bad()
	}
	k.part = min(k.part, lastPart)
	if want == 4 {
		at, err1 := strconv.ParseInt(fields[2], 36, 64)
		id, err2 := strconv.ParseInt(fields[3], 36, 64)
		if err1 != nil || err2 != nil || id < 1 {
			return bad()
		}
		k.cursor = storage.Cursor{ID: id}
		if at != 0 {
			k.cursor.At = time.Unix(0, at).UTC()
		}
	}
	return k, state, nil
}

// listRow is one record of a keyset-paged list: where it is and its rendered line.
type listRow struct {
	at   storage.Cursor
	line string
}

// seekRows reads the records of a list that k selects, in the list's order.
type seekRows func(k storage.Seek) ([]listRow, error)

// countRows counts a list's records up to atMost+1.
type countRows func(atMost int64) (int64, error)

// seekView is the message of one part of one page of a keyset-paged list.
type seekView struct {
	key              seekKey // what is shown: the page as it was found, its number and part
	first, last      storage.Cursor
	hasPrev, hasNext bool     // whether records come before the page and after it
	parts            int      // the page's parts, at least 1
	total            int64    // the list's records, counted up to countBound+1
	lines            []string // the part's lines
}

// exact reports whether v's total is the list's length rather than a lower bound.
func (v seekView) exact() bool { return v.total <= countBound }

// seekPageOf builds the part of the list that key names, cut to limit characters. It counts
// (up to countBound), reads one page and, for a page found from a cursor, looks one record
// beyond it, whatever the list's length; a page after the end reads the last page too.
func seekPageOf(key seekKey, limit int, read seekRows, count countRows) (seekView, error) {
	total, err := count(countBound)
	if err != nil {
		return seekView{}, err
	}
	v := seekView{total: total}
	// exists reports whether a record lies beyond c, in reading order.
	exists := func(c storage.Cursor, backward bool) (bool, error) {
		rs, err := read(storage.Seek{From: &c, Backward: backward, Limit: 1})
		return len(rs) > 0, err
	}
	var rows []listRow
	for done := false; !done; {
		done = true
		switch key.mode {
		case seekAfter:
			if rows, err = read(storage.Seek{From: &key.cursor, Limit: pageSize + 1}); err != nil {
				return seekView{}, err
			}
			if len(rows) == 0 {
				key.mode, done = seekLast, false
				continue
			}
			v.hasNext = len(rows) > pageSize
			rows = rows[:min(len(rows), pageSize)]
			if v.hasPrev, err = exists(rows[0].at, true); err != nil {
				return seekView{}, err
			}
		case seekBefore:
			if rows, err = read(storage.Seek{From: &key.cursor, Backward: true, Limit: pageSize + 1}); err != nil {
				return seekView{}, err
			}
			if len(rows) <= pageSize {
				key.mode, done = seekFirst, false
				continue
			}
			rows, v.hasPrev = rows[1:], true
			if v.hasNext, err = exists(rows[len(rows)-1].at, false); err != nil {
				return seekView{}, err
			}
		case seekLast:
			// With the total known, the last page holds what the pages from the start leave,
			// so Previous from it walks the same pages as Next from the first.
			n := int64(pageSize)
			if v.exact() && total > 0 {
				n = total - int64(pageCount(total)-1)*pageSize
			}
			if rows, err = read(storage.Seek{Backward: true, Limit: int(n) + 1}); err != nil {
				return seekView{}, err
			}
			if int64(len(rows)) <= n {
				key.mode, done = seekFirst, false
				continue
			}
			rows, v.hasPrev = rows[1:], true
		default: // seekFirst
			if rows, err = read(storage.Seek{Limit: pageSize + 1}); err != nil {
				return seekView{}, err
			}
			v.hasNext = len(rows) > pageSize
			rows = rows[:min(len(rows), pageSize)]
		}
	}
	if key.mode == seekFirst || key.mode == seekLast {
		key.cursor = storage.Cursor{}
	}
	// The page's number is the button's, kept within what the list's length allows.
	pages := pageCount(total)
	switch {
	case !v.hasPrev:
		key.page = 0
	case v.exact() && !v.hasNext:
		key.page = pages - 1
	case v.exact():
		key.page = max(1, min(key.page, pages-2))
	default:
		key.page = max(1, key.page)
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = r.line
	}
	if len(rows) > 0 {
		v.first, v.last = rows[0].at, rows[len(rows)-1].at
	}
	parts := discordtext.Pages(lines, limit, pageSize)
	v.parts = max(1, len(parts))
	key.part = min(key.part, v.parts-1)
	v.key = key
	if len(parts) > 0 {
		v.lines = parts[key.part]
	}
	return v, nil
}

// prev and next are the keys of the parts before and after v's, if any.
func (v seekView) prev() (seekKey, bool) {
	switch {
	case v.key.part > 0:
		k := v.key
		k.part--
		return k, true
	case v.hasPrev:
		return seekKey{mode: seekBefore, cursor: v.first, page: v.key.page - 1, part: lastPart}, true
	}
	return v.key, false
}

func (v seekView) next() (seekKey, bool) {
	switch {
	case v.key.part < v.parts-1:
		k := v.key
		k.part++
		return k, true
	case v.hasNext:
		return seekKey{mode: seekAfter, cursor: v.last, page: v.key.page + 1, part: 0}, true
	}
	return v.key, false
}

// label is where v is, in lang, as listView.label says it; a list longer than countBound has
// no page count: "Page 3".
func (v seekView) label(lang render.Lang, short bool) string {
	lv := listView{key: pageKey{v.key.page, v.key.part}, pages: pageCount(v.total), parts: v.parts, total: v.total}
	if v.exact() {
		return lv.label(lang, short)
	}
	form := labelForm(short)
	return withPart(lang, form, locale.T(lang, "pages."+form, "Page", v.key.page+1), v.key.part, v.parts)
}

// seekPager returns Previous/Next buttons for v, or nil when the list is one message, as pager
// does; the custom_id is "route:key:state".
func seekPager(lang render.Lang, route string, v seekView, state string) []discordgo.MessageComponent {
	prev, hasPrev := v.prev()
	next, hasNext := v.next()
	return pageButtons(lang, route, state, prev.String(), hasPrev, next.String(), hasNext, v.label(lang, true))
}

// seekEmbed builds the embed of one part of a keyset-paged list, its footer in lang.
func seekEmbed(lang render.Lang, title string, v seekView, empty string) *discordgo.MessageEmbed {
	total := locale.T(lang, "cmd.page.total", "Count", v.total)
	if !v.exact() {
		total = locale.T(lang, "pages.more_than", "Count", int64(countBound))
	}
	return pageEmbed(title, v.lines, empty, v.label(lang, false)+" · "+total)
}

// pageButtons is the row of Previous, the page's label and Next that every paged list shows,
// or nil when there is neither a previous nor a next page. Each custom_id is
// "route:key:state"; the label's is "-1", so that the ids in one message differ.
func pageButtons(lang render.Lang, route, state, prev string, hasPrev bool, next string, hasNext bool, label string) []discordgo.MessageComponent {
	if !hasPrev && !hasNext {
		return nil
	}
	id := func(key string) string {
		return discordtext.Truncate(bot.ComponentID(route, key+":"+state), discordtext.MaxCustomID)
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: locale.T(lang, "cmd.page.previous"), Style: discordgo.SecondaryButton, CustomID: id(prev), Disabled: !hasPrev},
		discordgo.Button{Label: label, Style: discordgo.SecondaryButton, CustomID: id("-1"), Disabled: true},
		discordgo.Button{Label: locale.T(lang, "cmd.page.next"), Style: discordgo.SecondaryButton, CustomID: id(next), Disabled: !hasNext},
	}}}
}
