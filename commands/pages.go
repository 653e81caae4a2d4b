package commands

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
)

// How lists are paged. A list's page k is its records [k·pageSize, (k+1)·pageSize) in the
// list's order, so page k is built from one COUNT and one fetch of pageSize rows, whatever k and
// however long the list. When a page's lines do not fit one embed description (long sources),
// discordtext.Pages cuts it into parts, each holding as many whole lines as fit; a part never
// reaches into the next page, which is what keeps page k independent of the sizes of the pages
// before it. So the same records always give the same pages and parts, every record is on
// exactly one part of one page, and a button's custom_id carries only the page and part ("3",
// or "3.1" for a second part) and the list's filter — a later keyset cursor can take the page
// number's place.

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
	return mission.Refuse(mission.EInvalid, "cmd.page.bad_button", "ID", fmt.Sprintf("%q", discordtext.Truncate(customID, 40))).
		WithExample("cmd.page.bad_button.example")
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
	form := "long"
	if short {
		form = "short"
	}
	s := locale.T(lang, "cmd.page."+form, "Page", v.key.page+1, "Pages", v.pages)
	if v.parts > 1 {
		s += " " + locale.T(lang, "cmd.page.part_"+form, "Part", v.key.part+1, "Parts", v.parts)
	}
	return s
}

// pager returns Previous/Next buttons for v, or nil when the list is one message. The list's
// state travels in the custom_id ("route:page:state"), so no state lives in memory; callers keep
// state short enough that the id stays within Discord's 100 characters. A disabled button keeps
// the shown key, the label button "-1", so that the ids in one message differ.
func pager(lang render.Lang, route string, v listView, state string) []discordgo.MessageComponent {
	prev, hasPrev := v.prev()
	next, hasNext := v.next()
	if !hasPrev && !hasNext {
		return nil
	}
	id := func(key string) string {
		return discordtext.Truncate(bot.ComponentID(route, key+":"+state), discordtext.MaxCustomID)
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: locale.T(lang, "cmd.page.previous"), Style: discordgo.SecondaryButton, CustomID: id(prev.String()), Disabled: !hasPrev},
		discordgo.Button{Label: v.label(lang, true), Style: discordgo.SecondaryButton, CustomID: id("-1"), Disabled: true},
		discordgo.Button{Label: locale.T(lang, "cmd.page.next"), Style: discordgo.SecondaryButton, CustomID: id(next.String()), Disabled: !hasNext},
	}}}
}

// listEmbed builds the embed of one part of a list, its footer in lang.
func listEmbed(lang render.Lang, title string, v listView, empty string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: title, Color: colourInfo}
	if len(v.lines) == 0 {
		e.Description = empty
		return e
	}
	e.Description = strings.Join(v.lines, "\n")
	e.Footer = &discordgo.MessageEmbedFooter{Text: v.label(lang, false) + " · " + locale.T(lang, "cmd.page.total", "Count", v.total)}
	return e
}
