package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/exchange"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Button actions of an /import preview; the custom_id is "import:<action>:<token>". A draft's
// preview also has Edit…, whose form comes back as "import:edited:<token>:<records shown>".
const (
	importConfirm = "confirm"
	importCancel  = "cancel"
	importEdit    = "edit"
	importEdited  = "edited"
	// importInclude is a draft's Include marked ("include:<token>:3,5", the marked records it
	// chooses back) and Leave marked out ("include:<token>:").
	importInclude = "include"
)

// importCommand previews an uploaded CSV (the /export format, with or without HXL tags) and
// stores it on Confirm, in one transaction. Nothing is stored before Confirm; the file waits in
// the database (storage.ImportPreview) so that Confirm may reach any instance.
func importCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "import", Description: "cmd.import.desc", Routes: []bot.Route{{
		Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionAttachment,
			Name: "file", Description: "cmd.import.desc_file", Required: true}},
		Run:       func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return previewImport(ctx, d, req) },
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return answerImport(ctx, d, req) },
	}}}
}

// previewImport downloads the attachment, checks every line and shows what Confirm would store.
func previewImport(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	lang := langOf(req)
	att, err := bot.Attachment(req, "file")
	if err != nil {
		return nil, err
	}
	fetch := d.Attachments
	if err := fetch.CheckAttachmentSize(att); err != nil {
		return nil, err
	}
	body, err := fetch.Fetch(ctx, att.URL)
	if err != nil {
		return nil, err
	}
	name := path.Base(att.Filename)
	// A NUL byte is valid UTF-8 but no text column of Postgres takes it, even in a comment line.
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
		return nil, badFile(name, locale.T(lang, "cmd.import.not_utf8"))
	}
	p, err := exchange.CheckCSV(ctx, d.Store, req.Actor(), bytes.NewReader(body))
	if err != nil {
		// The file as a whole cannot be read (no CSV, a wrong header): the importer's words.
		return nil, badFile(name, locale.Error(lang, err))
	}
	var b strings.Builder
	b.WriteString(locale.T(lang, "cmd.import.preview", "File", name, "User", user(lang, req.UserID),
		"Records", locale.T(lang, "cmd.import.records", "Count", p.Total)))
	if p.HXL {
		b.WriteString(" " + locale.T(lang, "cmd.import.hxl"))
	}
	b.WriteString("\n" + previewCounts(lang, p.Counts))
	if len(p.First) > 0 {
		b.WriteString("\n" + locale.T(lang, "cmd.import.first"))
		for _, r := range p.First {
			b.WriteString("\n" + previewLine(r) + previewMark(lang, p.Marks[r.Line]))
		}
	}
	writeMarks(lang, &b, p)
	if p.Bad > 0 {
		b.WriteString("\n\n⚠️ " + locale.T(lang, "cmd.import.errors", "Count", p.Bad))
		for _, e := range p.Errors {
			b.WriteString("\n" + locale.T(lang, "cmd.import.line", "Line", e.Line, "Error", locale.Error(lang, e.Err)))
		}
		if more := p.Bad - len(p.Errors); more > 0 {
			b.WriteString("\n" + locale.T(lang, "cmd.import.more_errors", "Count", more))
		}
		b.WriteString("\n" + locale.T(lang, "cmd.import.no_confirm"))
		return &bot.Reply{Content: b.String()}, nil
	}
	if p.Total == 0 {
		b.WriteString("\n" + locale.T(lang, "cmd.import.empty"))
		return &bot.Reply{Content: b.String()}, nil
	}
	return awaitConfirm(ctx, d, req, name, body, &b)
}

// awaitConfirm keeps a previewed file (an upload or a draft) until its uploader confirms it,
// on any instance, and ends the preview text with who may confirm, until when, and the
// Confirm and Cancel buttons that /import's route answers.
func awaitConfirm(ctx context.Context, d Deps, req *bot.Request, name string, body []byte, b *strings.Builder) (*bot.Reply, error) {
	return keepPreview(ctx, d, req, req.UserID, name, body, b, includeToggle{})
}

// keepPreview is awaitConfirm for a preview whose author may be another than the caller: a
// draft an admin corrected stays its author's to confirm. A draft's buttons include Edit….
func keepPreview(ctx context.Context, d Deps, req *bot.Request, author, name string, body []byte, b *strings.Builder, toggle includeToggle) (*bot.Reply, error) {
	lang := langOf(req)
	saved, err := d.Store.SavePreview(ctx, storage.ImportPreview{Token: storage.NewPreviewToken(), GuildID: req.GuildID,
		UserID: author, Filename: name, Body: string(body)})
	if err != nil {
		return nil, err
	}
	b.WriteString("\n\n" + locale.T(lang, "cmd.import.confirm_hint", "User", user(lang, author),
		"When", discordtext.Timestamp(saved.ExpiresAt, "R")))
	key := bot.RouteKey("import", "")
	buttons := []discordgo.MessageComponent{discordgo.Button{Label: locale.T(lang, "cmd.import.confirm"), Style: discordgo.SuccessButton,
		CustomID: bot.ComponentID(key, importConfirm+":"+saved.Token)}}
	if name == draftFilename {
		buttons = append(buttons, discordgo.Button{Label: locale.T(lang, "draft.edit.button"), Style: discordgo.PrimaryButton,
			CustomID: bot.ComponentID(key, importEdit+":"+saved.Token)})
	}
	if len(toggle.marked) > 0 {
		label, list := locale.T(lang, "draft.include"), ""
		if toggle.chosen {
			label = locale.T(lang, "draft.leave_out")
		} else {
			for _, n := range toggle.marked {
				next := strconv.Itoa(n)
				if list != "" {
					next = list + "," + next
				}
				if len(next) > maxIncludeList {
					break
				}
				list = next
			}
		}
		buttons = append(buttons, discordgo.Button{Label: label, Style: discordgo.SecondaryButton,
			CustomID: bot.ComponentID(key, importInclude+":"+saved.Token+":"+list)})
	}
	buttons = append(buttons, discordgo.Button{Label: locale.T(lang, "cmd.import.cancel"), Style: discordgo.SecondaryButton,
		CustomID: bot.ComponentID(key, importCancel+":"+saved.Token)})
	return &bot.Reply{Content: b.String(), Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}}, nil
}

// badFile is the refusal of a file that cannot be imported at all.
func badFile(name, reason string) error {
	return mission.Refuse(mission.EInvalid, "cmd.import.bad_file", "File", name, "Reason", reason).WithExample("cmd.import.example")
}

// previewCounts is "arrivals 3 · pledges 2", in the kinds' order.
func previewCounts(lang locale.Lang, counts map[string]int) string {
	var parts []string
	for _, k := range exchange.ImportKinds() {
		if n := counts[k]; n > 0 {
			parts = append(parts, locale.T(lang, "cmd.import.kind."+k, "N", locale.Number(lang, int64(n))))
		}
	}
	return strings.Join(parts, " · ")
}

// previewLine shows one record as the file has it: its line, kind and main columns, as code
// (the file's words stay as written).
func previewLine(r exchange.PreviewRow) string {
	var cells []string
	for _, name := range []string{"kind", "time", "country", "personnel", "role", "status", "manifest", "name"} {
		if v := r.Get(name); v != "" {
			cells = append(cells, discordtext.Truncate(v, 40))
		}
	}
	return fmt.Sprintf("`%d` `%s`", r.Line, strings.ReplaceAll(strings.Join(cells, " · "), "`", "'"))
}

// previewMark is a preview line's mark, in lang, after the line: " ⚠️ " and markText; "" for
// none.
func previewMark(lang locale.Lang, ms []storage.Match) string {
	if len(ms) == 0 {
		return ""
	}
	return " ⚠️ " + markText(lang, ms)
}

// markText says what a record looks like a mistake against (the matches that would hold the
// same change made by a command): the pledge in force it is older than, or what it repeats.
func markText(lang locale.Lang, ms []storage.Match) string {
	if ms[0].Kind == mission.KindPledge {
		return locale.T(lang, "held.mark_older", "ID", ms[0].ID, "InForce", shortStamp(ms[0].At))
	}
	return locale.T(lang, "held.mark_repeat", "Matches", matchesText(lang, ms))
}

// writeMarks lists the marked records of a preview beyond its first lines, up to as many as
// its errors, after how many there are.
func writeMarks(lang locale.Lang, b *strings.Builder, p exchange.Preview) {
	if len(p.Marks) == 0 {
		return
	}
	b.WriteString("\n\n⚠️ " + locale.T(lang, "held.marked", "Count", len(p.Marks)))
	shown := map[int]bool{}
	for _, r := range p.First {
		shown[r.Line] = true
	}
	listed := 0
	for _, line := range p.MarkedLines() {
		if shown[line] || listed == maxMarkedLines {
			continue
		}
		listed++
		b.WriteString("\n" + locale.T(lang, "held.marked_line", "Line", fmt.Sprintf("`%d`", line), "Mark", markText(lang, p.Marks[line])))
	}
}

// maxMarkedLines bounds the marked records a preview lists beyond its first lines.
const maxMarkedLines = 10

// errNotUploader refuses Confirm and Cancel to anyone but the uploader or an admin.
func errNotUploader(lang locale.Lang, uploader string) error {
	return mission.Refuse(mission.EDenied, "cmd.import.not_yours", "User", user(lang, uploader)).WithHint("cmd.import.not_yours.example")
}

// answerImport handles Confirm and Cancel, and a draft's Edit… and its form. The router has
// checked the route's access (a moderator); only the uploader, or an admin, may go on.
func answerImport(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	lang := langOf(req)
	action, token, ok := strings.Cut(req.CustomID, ":")
	shown := "" // Edit…'s records shown, or Include marked's records
	if action == importEdited || action == importInclude {
		token, shown, _ = strings.Cut(token, ":")
	}
	if !ok || !slices.Contains([]string{importConfirm, importCancel, importEdit, importEdited, importInclude}, action) || token == "" || len(token) > 64 {
		return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	}
	p, err := d.Store.Preview(ctx, req.GuildID, token)
	if err != nil {
		return nil, err
	}
	if p.UserID != req.UserID && req.Access < bot.Admin {
		return nil, errNotUploader(lang, p.UserID)
	}
	switch action {
	case importEdit:
		return openDraftForm(req, p)
	case importEdited:
		return submitDraftForm(ctx, d, req, p, shown)
	case importInclude:
		return chooseDraft(ctx, d, req, p, shown)
	}
	if action == importCancel {
		if err := d.Store.DropPreview(ctx, req.GuildID, token); err != nil {
			return nil, err
		}
		return &bot.Reply{Update: true, Content: "🗑️ " + locale.T(lang, "cmd.import.cancelled", "File", p.Filename, "User", user(lang, req.UserID))}, nil
	}
	body, err := confirmedBody(p)
	if err != nil {
		return nil, err
	}
	a := req.Actor()
	a.Command = "/import"
	res, err := exchange.Import(ctx, d.Store, a, token, bytes.NewReader(body))
	if err != nil {
		var le exchange.LineError
		if errors.As(err, &le) {
			// The file changed meaning since the preview (the guild's time zone, say).
			return nil, badFile(p.Filename, locale.T(lang, "cmd.import.line", "Line", le.Line, "Error", locale.Error(lang, le.Err)))
		}
		return nil, err
	}
	return &bot.Reply{Update: true, Content: "📥 " + locale.T(lang, "cmd.import.done", "File", p.Filename, "User", user(lang, req.UserID),
		"Result", exchange.ImportSummary(lang, res))}, nil
}

// confirmedBody is what Confirm stores of a kept preview: an upload as it is; a draft without
// the records its choice leaves out (repeats not chosen, roles in doubt), the choice read
// again from the kept draft and refused if it names a record the draft does not have.
func confirmedBody(p storage.ImportPreview) ([]byte, error) {
	if p.Filename != draftFilename {
		return []byte(p.Body), nil
	}
	file, choice, err := exchange.SplitDraft([]byte(p.Body))
	if err != nil {
		return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	}
	body, _, err := exchange.DraftSubset(file, func(n int) bool { return !slices.Contains(choice.LeftOut, n) })
	return body, err
}
