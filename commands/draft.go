package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/draft"
	"liaison/exchange"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// draftMenuName is the message command's name in Discord's menu, in English; the catalog key
// "draft.menu" gives it in the other languages.
const draftMenuName = "Draft records"

// maxDraftText bounds the text a draft reads: a Discord message with its embeds.
const maxDraftText = 10000

// draftMessageCommand is the message command **Draft records** (SPEC §3): the records a
// message's text holds, previewed like an /import upload and stored on its Confirm. The
// message's time is the publication date and its link goes into each record's source.
func draftMessageCommand(d Deps) *bot.Command {
	return &bot.Command{Name: draftMenuName, Description: "draft.menu", Type: discordgo.MessageApplicationCommand,
		Routes: []bot.Route{{Access: bot.Moderator,
			Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return draftMessage(ctx, d, req) }}}}
}

// draftRoute is /report draft text [as_of]: the same drafting from pasted text.
func draftRoute(d Deps) bot.Route {
	return bot.Route{Name: "draft", Description: "draft.desc", Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{
			optString("text", "draft.desc_text", true, 6000),
			optWhen("as_of", "draft.desc_as_of", false),
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return draftText(ctx, d, req) }}
}

// draftText answers /report draft.
func draftText(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	s, _ := req.String("text")
	published, _, err := happened(req, "as_of", req.Now, nextStep("draft.as_of_future"))
	if err != nil {
		return nil, err
	}
	return previewDraft(ctx, d, req, s, published, "", locale.T(langOf(req), "draft.from_text"))
}

// draftMessage answers the message command: the target message's text and its embeds'.
func draftMessage(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	data := req.Interaction.ApplicationCommandData()
	var msg *discordgo.Message
	if data.Resolved != nil {
		msg = data.Resolved.Messages[data.TargetID]
	}
	if msg == nil {
		return nil, mission.Refuse(mission.EInvalid, "draft.no_message").WithExample("draft.example")
	}
	parts := []string{msg.Content}
	for _, e := range msg.Embeds {
		if e == nil {
			continue
		}
		parts = append(parts, e.Title, e.Description)
		for _, f := range e.Fields {
			if f != nil {
				parts = append(parts, f.Name, f.Value)
			}
		}
	}
	published := msg.Timestamp
	if published.IsZero() {
		published = req.Now
	}
	channel := msg.ChannelID
	if channel == "" {
		channel = req.Interaction.ChannelID
	}
	link := fmt.Sprintf("https://discord.com/channels/%s/%s/%s", req.GuildID, channel, msg.ID)
	return previewDraft(ctx, d, req, strings.Join(parts, "\n\n"), published.In(req.Location()), link,
		locale.T(langOf(req), "draft.from_message", "Link", link))
}

// previewDraft drafts text, checks the draft as an import file through exchange.CheckCSV (the
// dry run of the very transaction Confirm runs), and shows each record with the sentence it
// came from. A record the rules refuse is dropped and listed with why; one that repeats a
// record already logged, or whose role is in doubt, is kept but left out of what Confirm
// stores (see checkDraft). The draft waits as an /import preview: its Confirm and Cancel are /import's buttons,
// and Confirm stores it through exchange.Import, once.
func previewDraft(ctx context.Context, d Deps, req *bot.Request, text string, published time.Time, link, from string) (*bot.Reply, error) {
	lang := langOf(req)
	if strings.TrimSpace(text) == "" {
		return nil, mission.Refuse(mission.EInvalid, "draft.empty").WithExample("draft.example")
	}
	if r := []rune(text); len(r) > maxDraftText {
		text = string(r[:maxDraftText])
	}
	recs := draft.Draft(text, draft.Options{Published: published, Host: req.Guild.Host})
	var leftOut []string
	var chk draftCheck
	for range 3 { // each pass drops the records the dry run refused
		var buf bytes.Buffer
		if err := exchange.DraftCSV(&buf, recs, link); err != nil {
			return nil, err
		}
		var bad []exchange.LineError
		var err error
		if chk, bad, err = checkDraft(ctx, d, req, buf.Bytes(), recs, nil); err != nil {
			return nil, err
		}
		if len(bad) == 0 {
			break
		}
		dropped := map[int]bool{}
		for _, e := range bad {
			i := e.Line - 2 // line 1 is the header; sources are one line each
			if i >= 0 && i < len(recs) && !dropped[i] {
				dropped[i] = true
				leftOut = append(leftOut, locale.T(lang, "draft.left_out", "Record", draftLine(lang, recs[i]), "Error", locale.Error(lang, e.Err)))
			}
		}
		if len(dropped) == 0 {
			return nil, errors.New("draft: the dry run refused lines that are not records")
		}
		kept := recs[:0:0]
		for i, r := range recs {
			if !dropped[i] {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	return showDraft(ctx, d, req, req.UserID, from, recs, leftOut, chk)
}

// draftCheck is a draft worked out for its preview: its import file with every record, what
// each record repeats, the records whose role is in doubt, and what Confirm leaves out.
type draftCheck struct {
	file   []byte
	marks  map[int][]storage.Match       // by record number (from 1)
	doubt  map[int]*storage.RoleQuestion // by record number: the roles to choose from
	choice exchange.DraftChoice
}

// checkDraft works out what a draft's Confirm would store. Each role the text left out is
// resolved by the one rule every door uses (storage.ResolveRole): the country's only role on
// record is shown in recs; a record whose role is in doubt is left out until Edit… sets it, so
// that it does not hold up the others. The other records are checked by the import's dry run;
// those that repeat a record already logged are left out unless chosen (numbers from 1). A
// record the dry run refuses comes back as a LineError on its line of file; a chosen number
// that is not a marked record of the draft is refused.
func checkDraft(ctx context.Context, d Deps, req *bot.Request, file []byte, recs []draft.Record, chosen []int) (draftCheck, []exchange.LineError, error) {
	chk := draftCheck{file: file, doubt: map[int]*storage.RoleQuestion{}, marks: map[int][]storage.Match{}}
	for i := range recs {
		q, err := resolveDraftRoles(ctx, d, req.GuildID, &recs[i])
		if err != nil {
			return chk, nil, err
		}
		if q != nil {
			chk.doubt[i+1] = q
		}
	}
	subset, lineOf, err := exchange.DraftSubset(file, func(n int) bool { return chk.doubt[n] == nil })
	if err != nil {
		return chk, nil, err
	}
	if len(lineOf) > 0 {
		p, err := exchange.CheckCSV(ctx, d.Store, req.Actor(), bytes.NewReader(subset))
		if err != nil {
			return chk, nil, err
		}
		if p.Bad > 0 {
			bad := make([]exchange.LineError, len(p.Errors))
			for i, e := range p.Errors {
				e.Line = lineOf[e.Line] + 1 // the record's line in file
				bad[i] = e
			}
			return chk, bad, nil
		}
		for line, ms := range p.Marks {
			chk.marks[lineOf[line]] = ms
		}
	}
	for _, n := range chosen {
		if chk.marks[n] == nil {
			return chk, nil, mission.Refuse(mission.EInvalid, "draft.not_marked", "Record", n).WithHint("draft.not_marked.example")
		}
	}
	for n := 1; n <= len(recs); n++ {
		switch {
		case chk.doubt[n] != nil:
			chk.choice.LeftOut = append(chk.choice.LeftOut, n)
		case chk.marks[n] == nil:
		case slices.Contains(chosen, n):
			chk.choice.Chosen = append(chk.choice.Chosen, n)
		default:
			chk.choice.LeftOut = append(chk.choice.LeftOut, n)
		}
	}
	return chk, nil, nil
}

// resolveDraftRoles fills in the roles r left out (its own, or its manifest's lines') by the
// one rule, for the preview to show; it returns the question of the first it cannot.
func resolveDraftRoles(ctx context.Context, d Deps, guildID string, r *draft.Record) (*storage.RoleQuestion, error) {
	roles := []*mission.Role{&r.Role}
	countries := []string{r.Country}
	switch r.Kind {
	case draft.KindReport:
		return nil, nil // a reported figure may be about every role
	case draft.KindFlight:
		roles, countries = roles[:0], countries[:0]
		for i := range r.Manifest {
			roles, countries = append(roles, &r.Manifest[i].Role), append(countries, r.Manifest[i].Country)
		}
	}
	for i, role := range roles {
		if *role != "" || countries[i] == "" {
			continue
		}
		got, err := d.Store.ResolveRole(ctx, guildID, countries[i], "")
		var q *storage.RoleQuestion
		if errors.As(err, &q) {
			return q, nil
		}
		if err != nil {
			return nil, err
		}
		*role = got
	}
	return nil, nil
}

// showDraft writes a draft's preview — each record with the sentence it came from, then the
// records left out and why — and keeps the draft for author's Confirm, Edit… or Cancel. The
// first preview and every corrected one are written here alike, each record with the mark of
// its likely mistake as /import's preview shows it; a marked record is left out unless chosen
// (Include marked), and one whose role is in doubt until Edit… sets it.
func showDraft(ctx context.Context, d Deps, req *bot.Request, author, from string, recs []draft.Record, leftOut []string, chk draftCheck) (*bot.Reply, error) {
	lang := langOf(req)
	var b strings.Builder
	if len(recs) == 0 {
		// Nothing drafted: say so first, then what was read and set aside, and keep nothing.
		b.WriteString("📝 " + locale.T(lang, "draft.none"))
		for _, l := range leftOut {
			if b.Len()+len(l) > maxDraftPreview {
				break
			}
			b.WriteString("\n⚠️ " + l)
		}
		return &bot.Reply{Content: b.String()}, nil
	}
	b.WriteString("📝 " + locale.T(lang, "draft.preview", "From", from, "User", user(lang, author),
		"Records", locale.T(lang, "cmd.import.records", "Count", len(recs))))
	if author != req.UserID {
		b.WriteString(" " + locale.T(lang, "draft.edit.corrected", "User", user(lang, req.UserID)))
	}
	var marked []int
	for n := 1; n <= len(recs); n++ {
		if chk.marks[n] != nil && chk.doubt[n] == nil {
			marked = append(marked, n)
		}
	}
	var summary strings.Builder
	if repeats := len(marked) - len(chk.choice.Chosen); repeats > 0 {
		summary.WriteString("\n⚠️ " + locale.T(lang, "draft.repeats_left_out", "Count", repeats))
	} else if len(chk.choice.Chosen) > 0 {
		summary.WriteString("\n⚠️ " + locale.T(lang, "draft.repeats_chosen", "Count", len(chk.choice.Chosen)))
	}
	if len(chk.doubt) > 0 {
		summary.WriteString("\n❓ " + locale.T(lang, "draft.doubt_left_out", "Count", len(chk.doubt)))
	}
	// The records and those dropped fill what Discord's 2,000 characters leave after the
	// summary and the confirm hint (counted in bytes, which are never fewer).
	room := maxDraftPreview - summary.Len()
	for i, r := range recs {
		n := i + 1
		line := fmt.Sprintf("\n`%d` %s%s%s", n, draftLine(lang, r), previewMark(lang, chk.marks[n]), draftChoiceMark(lang, chk, n))
		if r.Sentence != "" { // a line the moderator added has none
			line += "\n> " + discordtext.Truncate(strings.ReplaceAll(r.Sentence, "`", "'"), 110)
		}
		if b.Len()+len(line) > room-100 {
			b.WriteString("\n" + locale.T(lang, "draft.more", "Count", len(recs)-i))
			break
		}
		b.WriteString(line)
	}
	for _, l := range leftOut {
		if b.Len()+len(l) > room {
			break
		}
		b.WriteString("\n⚠️ " + l)
	}
	b.WriteString(summary.String())
	toggle := includeToggle{marked: marked, chosen: len(chk.choice.Chosen) > 0}
	return keepPreview(ctx, d, req, author, draftFilename, exchange.WithChoice(chk.file, chk.choice), &b, toggle)
}

// maxDraftPreview bounds a draft preview's text before the confirm hint, in bytes: the hint
// and Discord's limit of 2,000 characters leave this much.
const maxDraftPreview = 1720

// draftChoiceMark says what Confirm does with record n when it is not simply stored: left out
// as a repeat, chosen all the same, or left out until its role is set.
func draftChoiceMark(lang locale.Lang, chk draftCheck, n int) string {
	if q := chk.doubt[n]; q != nil {
		roles := make([]string, len(q.Choices))
		for i, r := range q.Choices {
			roles[i] = locale.ChoiceName(lang, "role", string(r))
		}
		return " ❓ " + locale.T(lang, "draft.role_doubt", "Roles", "`"+strings.Join(roles, "/")+"`")
	}
	if chk.marks[n] == nil {
		return ""
	}
	if slices.Contains(chk.choice.Chosen, n) {
		return " — " + locale.T(lang, "draft.chosen")
	}
	return " — " + locale.T(lang, "draft.left_out_repeat")
}

// includeToggle is a draft preview's Include marked (or Leave marked out) button: the marked
// records it chooses back, and whether they are chosen now.
type includeToggle struct {
	marked []int
	chosen bool
}

// draftFilename names a draft among the pending previews: Confirm's answer and audit say it.
const draftFilename = "draft.csv"

// draftLine is one drafted record as the preview shows it: "arrival · 🇬🇹 Guatemala 75
// military · 3 Jan 2025".
func draftLine(lang locale.Lang, r draft.Record) string {
	parts := []string{locale.T(lang, "draft.kind."+string(r.Kind))}
	who := ""
	if r.Country != "" {
		if _, ok := mission.CountryByAlpha2(r.Country); ok {
			who = render.Country(lang, r.Country)
		}
	}
	switch {
	case r.Kind == draft.KindFlight:
		lines := make([]string, len(r.Manifest))
		for i, l := range r.Manifest {
			lines[i] = render.ManifestLine(lang, l)
		}
		if len(lines) > 0 {
			who = strings.Join(lines, locale.T(lang, "render.list_separator"))
		}
	case !r.Known:
		who += " " + locale.T(lang, "draft.size_unknown")
	default:
		who += " " + locale.Number(lang, int64(r.Personnel))
	}
	if r.Female > 0 {
		who += " " + locale.T(lang, "draft.women", "Count", r.Female)
	}
	if r.Role != "" && r.Kind != draft.KindFlight {
		who += " " + render.Role(lang, r.Role, int64(max(r.Personnel, 2)))
	}
	if w := strings.TrimSpace(who); w != "" {
		parts = append(parts, w)
	}
	if r.Kind == draft.KindReport {
		parts = append(parts, locale.T(lang, "report.figure."+string(r.Figure)))
	}
	if r.Qualifier != "" && r.Qualifier != mission.QualifierExact {
		parts = append(parts, locale.T(lang, "choice.qualifier."+string(r.Qualifier)))
	}
	if r.Date.IsZero() {
		parts = append(parts, locale.T(lang, "draft.no_date"))
	} else {
		parts = append(parts, r.Date.Format("2006-01-02"))
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " · ")
}

// draftFormField is the custom_id of the edit form's one text input.
const draftFormField = "lines"

// Discord's limits on a form: its title and an input's label hold 45 characters, a
// placeholder 100.
const (
	maxFormTitle       = 45
	maxFormLabel       = 45
	maxFormPlaceholder = 100
)

// openDraftForm answers a draft's Edit…: a form holding the draft as lines, one record a line
// (see exchange.DraftLines). A draft longer than the input holds is offered by its first
// records, and the label says how many; the others are kept as they are.
func openDraftForm(req *bot.Request, p storage.ImportPreview) (*bot.Reply, error) {
	lang := langOf(req)
	if p.Filename != draftFilename {
		return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	}
	entries, err := exchange.ReadDraft([]byte(p.Body), req.Location())
	if err != nil {
		return nil, err
	}
	text, shown := exchange.DraftLines(lang, entries, exchange.MaxFormText)
	label := locale.T(lang, "draft.edit.label")
	if shown < len(entries) {
		label = locale.T(lang, "draft.edit.label_first", "Shown", shown, "Total", len(entries))
	}
	return &bot.Reply{Form: &bot.Form{
		CustomID: bot.ComponentID(bot.RouteKey("import", ""), importEdited+":"+p.Token+":"+strconv.Itoa(shown)),
		Title:    discordtext.Truncate(locale.T(lang, "draft.edit.title"), maxFormTitle),
		Fields: []bot.FormField{{ID: draftFormField, Label: discordtext.Truncate(label, maxFormLabel), Paragraph: true,
			Value: text, Placeholder: discordtext.Truncate(locale.T(lang, "draft.edit.placeholder"), maxFormPlaceholder),
			Required: true, Max: exchange.MaxFormText}},
	}}, nil
}

// submitDraftForm reads the corrected lines back, checks them as an import file (the rules
// every door uses, then the dry run), and replaces the kept draft with them: the old preview is
// dropped and the corrected one shown in its place, with the same buttons. A bad line is
// refused by its number in the form, and the draft is left as it was.
func submitDraftForm(ctx context.Context, d Deps, req *bot.Request, p storage.ImportPreview, shownCell string) (*bot.Reply, error) {
	lang := langOf(req)
	text, ok := req.String(draftFormField)
	shown, err := strconv.Atoi(shownCell)
	if !ok || err != nil || p.Filename != draftFilename {
		return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	}
	if n := utf8.RuneCountInString(text); n > exchange.MaxFormText {
		return nil, mission.Refuse(mission.EInvalid, "draft.edit.too_long", "Count", n, "Max", exchange.MaxFormText).WithExample("draft.edit.example")
	}
	entries, err := exchange.ReadDraft([]byte(p.Body), req.Location())
	if err != nil {
		return nil, err
	}
	if shown < 0 || shown > len(entries) {
		return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	ed, err := exchange.EditDraft(text, entries, shown)
	var le exchange.LineError
	if errors.As(err, &le) {
		return nil, badDraftLine(lang, le.Line, lines, le.Err)
	}
	if err != nil {
		return nil, err
	}
	corrected, err := exchange.ReadDraft(ed.Body, req.Location())
	if err != nil {
		// A cell the import's rules refuse: the dry run names its line, as for an upload.
		if check, cerr := exchange.CheckCSV(ctx, d.Store, req.Actor(), bytes.NewReader(ed.Body)); cerr == nil && check.Bad > 0 {
			return nil, badDraftLine(lang, ed.FormOf[check.Errors[0].Line], lines, check.Errors[0].Err)
		}
		return nil, err
	}
	recs := make([]draft.Record, len(corrected))
	for i, e := range corrected {
		recs[i] = e.Record
	}
	// The corrected draft is marked again, and nothing is chosen back yet.
	chk, bad, err := checkDraft(ctx, d, req, ed.Body, recs, nil)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, badDraftLine(lang, ed.FormOf[bad[0].Line], lines, bad[0].Err)
	}
	// Dropping the old draft first claims it: of an Edit… and a Confirm of the same draft, one
	// wins and the other is refused as gone.
	if err := d.Store.DropPreview(ctx, req.GuildID, p.Token); err != nil {
		return nil, err
	}
	reply, err := showDraft(ctx, d, req, p.UserID, draftFrom(lang, corrected), recs, nil, chk)
	if reply != nil {
		reply.Update = true
	}
	return reply, err
}

// badDraftLine refuses a corrected draft by the form's line at fault, quoted; line 0 is one of
// the records the form did not show, kept as they were.
func badDraftLine(lang locale.Lang, line int, lines []string, err error) error {
	text := ""
	if line >= 1 && line <= len(lines) {
		text = discordtext.Truncate(strings.TrimSpace(lines[line-1]), 120)
	}
	return mission.Refuse(mission.EInvalid, "draft.edit.bad_line", "Line", line, "Text", mission.Quote(text),
		"Reason", locale.Error(lang, err)).WithExample("draft.edit.example")
}

// draftFrom is where a kept draft came from, as its preview says it: the message's link, or
// pasted text.
func draftFrom(lang locale.Lang, entries []exchange.DraftEntry) string {
	if link := exchange.DraftLink(entries); link != "" {
		return locale.T(lang, "draft.from_message", "Link", link)
	}
	return locale.T(lang, "draft.from_text")
}

// chooseDraft answers Include marked and Leave marked out: the draft is worked out again with
// the records the button names chosen back (none for Leave marked out), each checked to be a
// record of the draft the dry run marks, and the preview is replaced by one whose Confirm
// stores them. The old draft is dropped first, which claims it, as Edit… does.
func chooseDraft(ctx context.Context, d Deps, req *bot.Request, p storage.ImportPreview, list string) (*bot.Reply, error) {
	if p.Filename != draftFilename {
		return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	}
	var chosen []int
	for _, f := range strings.Split(list, ",") {
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || slices.Contains(chosen, n) {
			return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
		}
		chosen = append(chosen, n)
	}
	file, _, err := exchange.SplitDraft([]byte(p.Body))
	if err != nil {
		return nil, err
	}
	entries, err := exchange.ReadDraft(file, req.Location())
	if err != nil {
		return nil, err
	}
	recs := make([]draft.Record, len(entries))
	for i, e := range entries {
		recs[i] = e.Record
	}
	chk, bad, err := checkDraft(ctx, d, req, file, recs, chosen)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 { // the ledger changed since the preview: the draft no longer imports
		return nil, badFile(p.Filename, locale.T(langOf(req), "cmd.import.line", "Line", bad[0].Line, "Error", locale.Error(langOf(req), bad[0].Err)))
	}
	if err := d.Store.DropPreview(ctx, req.GuildID, p.Token); err != nil {
		return nil, err
	}
	reply, err := showDraft(ctx, d, req, p.UserID, draftFrom(langOf(req), entries), recs, nil, chk)
	if reply != nil {
		reply.Update = true
	}
	return reply, err
}

// maxIncludeList bounds the record numbers Include marked's custom_id carries, so that it fits
// Discord's 100 characters with the route and the token.
const maxIncludeList = 40
