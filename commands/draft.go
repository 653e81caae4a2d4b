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
// came from. A record the rules refuse is left out of what Confirm stores and listed with
// why. The draft waits as an /import preview: its Confirm and Cancel are /import's buttons,
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
	var body []byte
	var checked exchange.Preview
	for range 3 { // each pass drops the records the dry run refused
		var buf bytes.Buffer
		if err := exchange.DraftCSV(&buf, recs, link); err != nil {
			return nil, err
		}
		body = buf.Bytes()
		if len(recs) == 0 {
			break
		}
		p, err := exchange.CheckCSV(ctx, d.Store, req.Actor(), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		if p.Bad == 0 {
			checked = p
			break
		}
		bad := map[int]bool{}
		for _, e := range p.Errors {
			i := e.Line - 2 // line 1 is the header; sources are one line each
			if i >= 0 && i < len(recs) && !bad[i] {
				bad[i] = true
				leftOut = append(leftOut, locale.T(lang, "draft.left_out", "Record", draftLine(lang, recs[i]), "Error", locale.Error(lang, e.Err)))
			}
		}
		if len(bad) == 0 {
			return nil, errors.New("draft: the dry run refused lines that are not records")
		}
		kept := recs[:0:0]
		for i, r := range recs {
			if !bad[i] {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	return showDraft(ctx, d, req, req.UserID, from, recs, leftOut, body, checked.Marks)
}

// showDraft writes a draft's preview — each record with the sentence it came from, then the
// records left out and why — and keeps the draft for author's Confirm, Edit… or Cancel. The
// first preview and every corrected one are written here alike, each record with the mark of
// its likely mistake (marks, by the file's line) as /import's preview shows it.
func showDraft(ctx context.Context, d Deps, req *bot.Request, author, from string, recs []draft.Record, leftOut []string, body []byte,
	marks map[int][]storage.Match) (*bot.Reply, error) {
	lang := langOf(req)
	var b strings.Builder
	b.WriteString("📝 " + locale.T(lang, "draft.preview", "From", from, "User", user(lang, author),
		"Records", locale.T(lang, "cmd.import.records", "Count", len(recs))))
	if author != req.UserID {
		b.WriteString(" " + locale.T(lang, "draft.edit.corrected", "User", user(lang, req.UserID)))
	}
	for i, r := range recs {
		// Record i is the file's line i+2 (after the header): its mark, if the dry run made one.
		line := fmt.Sprintf("\n`%d` %s%s", i+1, draftLine(lang, r), previewMark(lang, marks[i+2]))
		if r.Sentence != "" { // a line the moderator added has none
			line += "\n> " + discordtext.Truncate(strings.ReplaceAll(r.Sentence, "`", "'"), 110)
		}
		if b.Len()+len(line) > 1500 {
			b.WriteString("\n" + locale.T(lang, "draft.more", "Count", len(recs)-i))
			break
		}
		b.WriteString(line)
	}
	for _, l := range leftOut {
		if b.Len()+len(l) > 1750 {
			break
		}
		b.WriteString("\n⚠️ " + l)
	}
	if len(recs) == 0 {
		b.WriteString("\n" + locale.T(lang, "draft.none"))
		return &bot.Reply{Content: b.String()}, nil
	}
	return keepPreview(ctx, d, req, author, draftFilename, body, &b)
}

// draftFilename names a draft among the pending previews: Confirm's answer and audit say it.
const draftFilename = "draft.csv"

// draftLine is one drafted record as the preview shows it: "arrival · 🇬🇹 Guatemala 75
// military · 3 Jan 2025".
func draftLine(lang locale.Lang, r draft.Record) string {
	parts := []string{locale.T(lang, "draft.kind."+string(r.Kind))}
	who := ""
	if r.Country != "" {
		if c, ok := mission.CountryByAlpha2(r.Country); ok {
			who = c.Label()
		}
	}
	switch {
	case r.Kind == draft.KindFlight:
		lines := make([]string, len(r.Manifest))
		for i, l := range r.Manifest {
			lines[i] = l.String()
		}
		if len(lines) > 0 {
			who = strings.Join(lines, "; ")
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
	check, err := exchange.CheckCSV(ctx, d.Store, req.Actor(), bytes.NewReader(ed.Body))
	if err != nil {
		return nil, err
	}
	if check.Bad > 0 {
		e := check.Errors[0]
		return nil, badDraftLine(lang, ed.FormOf[e.Line], lines, e.Err)
	}
	corrected, err := exchange.ReadDraft(ed.Body, req.Location())
	if err != nil {
		return nil, err
	}
	// Dropping the old draft first claims it: of an Edit… and a Confirm of the same draft, one
	// wins and the other is refused as gone.
	if err := d.Store.DropPreview(ctx, req.GuildID, p.Token); err != nil {
		return nil, err
	}
	recs := make([]draft.Record, len(corrected))
	for i, e := range corrected {
		recs[i] = e.Record
	}
	from := locale.T(lang, "draft.from_text")
	if link := exchange.DraftLink(corrected); link != "" {
		from = locale.T(lang, "draft.from_message", "Link", link)
	}
	reply, err := showDraft(ctx, d, req, p.UserID, from, recs, nil, ed.Body, check.Marks)
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
