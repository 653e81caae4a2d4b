package bot

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/locale"
	"liaison/mission"
)

// Console is the terminal door: it reads one command per line, as a user would type it in
// Discord (`/arrival log country:GT personnel:75 role:military`), sends it through the same
// router as the gateway and the HTTP endpoint, and prints the answer as text. It reads standard
// input to its end, so it can be scripted.
type Console struct {
	Router  *Router
	GuildID string
	// UserID is who the console acts as. The console user has Manage Server: whoever can run
	// the binary against the database can change it anyway.
	UserID string
	// As, when set, plays the console user as a member (Everyone) or as a moderator (the
	// server's moderator role, without Manage Server) instead, so that the refusals those
	// members meet can be read in every language; zero is an admin.
	As  Access
	In  io.Reader
	Out io.Writer
	// Locale is the console user's language, as Discord's client would send it ("fr", "es");
	// empty means the server's language.
	Locale string
	// FileDir is where an answer's files that are not text (a chart) are written, since a
	// terminal cannot show them; "" is the system's temporary directory.
	FileDir string

	mu      sync.Mutex // serialises output between answers and printed reminders, and guards what follows
	n       int
	session string                             // random, so that two console runs never share an interaction ID
	buttons []discordgo.Button                 // the last answer's or post's buttons, for `click LABEL`
	message *discordgo.Message                 // the message those buttons belong to, sent with a click
	form    *discordgo.InteractionResponseData // the form a click opened, for `submit name:value …`
}

// Run reads and answers lines until the input ends or ctx is cancelled.
func (c *Console) Run(ctx context.Context) error {
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "quit" || line == "exit" {
			return nil
		}
		i, err := c.interaction(line)
		if err != nil {
			c.printf("%s\n❌ %v\n", locale.T(c.lang(), "cmd.console.ephemeral"), err)
			continue
		}
		// The console answers as an ordinary server would: files keep to Discord's floor, so an
		// export here splits (or is refused) as it would in Discord; `liaison export` has no limit.
		// Handle recovers a panic and answers it, so one line that breaks a command does not
		// end the session.
		c.Router.Handle(WithAttachmentLimit(ctx, AttachmentFloor), i, consoleResponder{c})
	}
	return sc.Err()
}

// lang is the console's language: its Locale when Liaison speaks it, else the server's, else
// English.
func (c *Console) lang() locale.Lang {
	server := locale.Lang("")
	if c.Router != nil && c.Router.Guilds != nil {
		if g, err := c.Router.Guilds.Guild(context.Background(), c.GuildID); err == nil {
			server = locale.Lang(g.Language)
		}
	}
	return locale.Pick(c.Locale, server)
}

// consoleError is a console's own refusal of a typed line, in its language.
func (c *Console) consoleError(key string, args ...any) error {
	return errors.New(locale.T(c.lang(), key, args...))
}

// Print writes text between answers; the scheduler's console poster uses it.
func (c *Console) Print(text string) {
	c.printf("%s\n", c.Render(text))
}

func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.Out, format, args...)
}

// member is the console user as an interaction carries them: with Manage Server, or as As
// says, with the server's moderator role or none.
func (c *Console) member() *discordgo.Member {
	m := &discordgo.Member{User: &discordgo.User{ID: c.UserID, Username: "console"}}
	switch c.As {
	case Everyone:
	case Moderator:
		if c.Router != nil && c.Router.Guilds != nil {
			if g, err := c.Router.Guilds.Guild(context.Background(), c.GuildID); err == nil && g.ModeratorRoleID != "" {
				m.Roles = []string{g.ModeratorRoleID}
			}
		}
	default:
		m.Permissions = discordgo.PermissionManageGuild
	}
	return m
}

// interaction turns a typed line into the interaction Discord would send.
func (c *Console) interaction(line string) (*discordgo.Interaction, error) {
	c.n++
	if c.session == "" {
		// Storage refuses an interaction ID it has already seen (a replay) for a day; a counter
		// alone would repeat in the next console run on the same database.
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		c.session = hex.EncodeToString(b)
	}
	base := &discordgo.Interaction{
		ID: fmt.Sprintf("console-%s-%d", c.session, c.n), Token: "console", AppID: "console", GuildID: c.GuildID, ChannelID: "console",
		Locale: discordgo.Locale(c.Locale),
		Member: c.member(),
	}
	if label, ok := strings.CutPrefix(line, "click "); ok {
		return c.click(base, strings.TrimSpace(label))
	}
	if rest, ok := strings.CutPrefix(line+" ", "submit "); ok {
		return c.submit(base, rest)
	}
	words, err := splitLine(line)
	if err != nil {
		return nil, c.consoleError(err.Error())
	}
	name := strings.TrimPrefix(words[0], "/")
	route, rest, err := c.route(name, words[1:])
	if err != nil {
		return nil, err
	}
	data := discordgo.ApplicationCommandInteractionData{ID: "console-" + name, Name: name}
	opts, err := c.consoleOptions(route, name, rest)
	if err != nil {
		return nil, err
	}
	data.Options = opts
	if route.Name != "" {
		data.Options = []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: route.Name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}
	}
	base.Type = discordgo.InteractionApplicationCommand
	base.Data = data
	return base, nil
}

// click presses the button of the last answer or post with this label, on its message.
func (c *Console) click(base *discordgo.Interaction, label string) (*discordgo.Interaction, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.buttons {
		if strings.EqualFold(b.Label, label) && !b.Disabled {
			base.Type = discordgo.InteractionMessageComponent
			base.Data = discordgo.MessageComponentInteractionData{CustomID: b.CustomID, ComponentType: discordgo.ButtonComponent}
			base.Message = c.message
			return base, nil
		}
	}
	return nil, c.consoleError("cmd.console.no_button", "Label", label)
}

// submit sends the form the last click opened, filled in as `submit eta:+2h reason:"late crew"`,
// as Discord sends a form: action rows of text inputs, on the message whose button opened it.
func (c *Console) submit(base *discordgo.Interaction, rest string) (*discordgo.Interaction, error) {
	c.mu.Lock()
	form, msg := c.form, c.message
	c.mu.Unlock()
	if form == nil {
		return nil, c.consoleError("cmd.console.no_form")
	}
	words, err := splitLine(rest)
	if err != nil && strings.TrimSpace(rest) != "" {
		return nil, c.consoleError(err.Error())
	}
	values := map[string]string{}
	for _, w := range words {
		name, value, ok := strings.Cut(w, ":")
		if !ok {
			return nil, c.consoleError("cmd.console.not_name_value", "Word", w)
		}
		values[name] = value
	}
	var rows []discordgo.MessageComponent
	for _, row := range form.Components {
		for _, comp := range row.(discordgo.ActionsRow).Components {
			in := comp.(discordgo.TextInput)
			if _, ok := values[in.CustomID]; !ok && in.Required {
				return nil, c.consoleError("cmd.console.required", "Option", in.CustomID, "Description", in.Label)
			}
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: in.CustomID, Value: values[in.CustomID]}}})
			delete(values, in.CustomID)
		}
	}
	for name := range values {
		return nil, c.consoleError("cmd.console.unknown_option", "Option", name)
	}
	base.Type = discordgo.InteractionModalSubmit
	base.Data = discordgo.ModalSubmitInteractionData{CustomID: form.CustomID, Components: rows}
	base.Message = msg
	return base, nil
}

// ShowPost prints a post of the scheduler (header first) and makes its buttons the ones
// `click LABEL` presses, as a moderator would press them under the post in Discord.
func (c *Console) ShowPost(header, messageID string, content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) {
	c.mu.Lock()
	if buttons := buttonsOf(comps); len(buttons) > 0 {
		c.buttons = buttons
		c.message = &discordgo.Message{ID: messageID, ChannelID: "console", Content: content, Embeds: embeds, Components: comps}
	}
	c.mu.Unlock()
	c.printf("%s\n", c.renderMessage(header+"\n"+content, embeds, buttonsOf(comps), nil, false))
}

// route finds the typed command's route: a leading bare word picks the subcommand.
func (c *Console) route(name string, rest []string) (*Route, []string, error) {
	cmd := c.Router.commands[name]
	if cmd == nil {
		return nil, nil, c.consoleError("cmd.console.unknown_command", "Command", name)
	}
	if cmd.Flat() {
		return &cmd.Routes[0], rest, nil
	}
	var subs []string
	for i := range cmd.Routes {
		if len(rest) > 0 && cmd.Routes[i].Name == rest[0] {
			return &cmd.Routes[i], rest[1:], nil
		}
		subs = append(subs, cmd.Routes[i].Name)
	}
	if len(rest) > 0 && !strings.Contains(rest[0], ":") {
		return nil, nil, c.consoleError("cmd.console.no_subcommand", "Command", name, "Sub", rest[0])
	}
	return nil, nil, c.consoleError("cmd.console.needs_subcommand", "Command", name, "Subs", strings.Join(subs, ", "))
}

// consoleOptions reads name:value words against the route's options, typed as the gateway
// delivers them, and checks that the required ones are there.
func (c *Console) consoleOptions(route *Route, name string, words []string) ([]*discordgo.ApplicationCommandInteractionDataOption, error) {
	path := "/" + RouteKey(name, route.Name)
	lang := c.lang()
	usageErr := func(key string, args ...any) error {
		return fmt.Errorf("%s\n%s", locale.T(lang, key, args...), locale.T(lang, "cmd.console.usage", "Usage", usage(path, route.Options)))
	}
	var out []*discordgo.ApplicationCommandInteractionDataOption
	given := map[string]bool{}
	var last *discordgo.ApplicationCommandInteractionDataOption
	for _, w := range words {
		k, v, ok := strings.Cut(w, ":")
		var def *discordgo.ApplicationCommandOption
		for _, o := range route.Options {
			if ok && o.Name == k {
				def = o
			}
		}
		if def == nil && last != nil && last.Type == discordgo.ApplicationCommandOptionString {
			// Discord's client takes spaces in a text option, so the console does too: a word
			// that names no option goes on the value before it (eta:tomorrow 09:00,
			// manifest:GT 75 military; SV 8 medical, note:see 10:30).
			last.Value = last.Value.(string) + " " + w
			continue
		}
		if !ok {
			return nil, usageErr("cmd.console.not_name_value", "Word", w)
		}
		if def == nil {
			return nil, usageErr("cmd.console.unknown_option", "Option", k)
		}
		opt := &discordgo.ApplicationCommandInteractionDataOption{Name: k, Type: def.Type, Value: v}
		switch def.Type {
		case discordgo.ApplicationCommandOptionInteger, discordgo.ApplicationCommandOptionNumber:
			if n, ok := mission.ParseCount(strings.TrimPrefix(v, "#")); ok && def.Type == discordgo.ApplicationCommandOptionInteger {
				// A count typed as people write it: personnel:1,000 or personnel:1.000 is a thousand.
				opt.Value = float64(n)
				break
			}
			f, err := strconv.ParseFloat(strings.TrimPrefix(v, "#"), 64)
			if err != nil {
				return nil, usageErr("cmd.console.whole_number", "Option", k, "Value", v)
			}
			opt.Value = f // the gateway delivers JSON numbers as float64
		case discordgo.ApplicationCommandOptionBoolean:
			opt.Value = v == "true" || v == "yes"
		case discordgo.ApplicationCommandOptionChannel, discordgo.ApplicationCommandOptionRole, discordgo.ApplicationCommandOptionUser:
			opt.Value = strings.Trim(v, "<#@&!>")
		}
		out = append(out, opt)
		given[k] = true
		last = opt
	}
	// A choice is read once its value is whole: "qualifier:au moins" is two words.
	for _, o := range out {
		if s, ok := o.Value.(string); ok && o.Type == discordgo.ApplicationCommandOptionString {
			o.Value = choiceValue(lang, optionNamed(route.Options, o.Name), s)
		}
	}
	for _, o := range route.Options {
		if o.Required && !given[o.Name] {
			return nil, usageErr("cmd.console.required", "Option", o.Name, "Description", locale.T(lang, o.Description))
		}
	}
	return out, nil
}

// optionNamed is the option of defs called name.
func optionNamed(defs []*discordgo.ApplicationCommandOption, name string) *discordgo.ApplicationCommandOption {
	for _, d := range defs {
		if d.Name == name {
			return d
		}
	}
	return &discordgo.ApplicationCommandOption{Name: name}
}

// choiceValue is the value Discord's client would send for v, typed as a reader picks it from
// an option's choices: a choice's name in lang (`reason:relève`) sends its value (`rotation`),
// as /help's examples show it. Anything else is sent as typed, for the handler to judge.
func choiceValue(lang locale.Lang, def *discordgo.ApplicationCommandOption, v string) string {
	for _, ch := range def.Choices {
		if value := fmt.Sprint(ch.Value); strings.EqualFold(locale.ChoiceName(lang, def.Name, value), v) {
			return value
		}
	}
	return v
}

// usage renders a command's options the way they are typed: required ones bare, optional ones
// in brackets, values with spaces quoted.
func usage(path string, defs []*discordgo.ApplicationCommandOption) string {
	parts := []string{path}
	for _, o := range defs {
		p := o.Name + ":…"
		if !o.Required {
			p = "[" + p + "]"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// splitLine splits on spaces, keeping name:"quoted values" together.
func splitLine(line string) ([]string, error) {
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if quoted {
		return nil, errors.New("cmd.console.unclosed_quote")
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	if len(out) == 0 {
		return nil, errors.New("cmd.console.empty_line")
	}
	return out, nil
}

// consoleResponder prints answers instead of sending them.
type consoleResponder struct{ c *Console }

func (r consoleResponder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	switch resp.Type {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate:
		r.c.printf("%s\n", locale.T(r.c.lang(), "cmd.console.working"))
		return nil
	case discordgo.InteractionResponsePong:
		return nil
	case discordgo.InteractionResponseModal:
		r.c.showForm(resp.Data)
		return nil
	}
	if resp.Data != nil {
		r.c.printMessage(resp.Data.Content, resp.Data.Embeds, resp.Data.Components, resp.Data.Files, resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0)
	}
	return nil
}

// FollowUp prints the follow-up as the console prints any answer.
func (r consoleResponder) FollowUp(_ context.Context, m *discordgo.WebhookParams) error {
	r.c.printMessage(m.Content, m.Embeds, m.Components, m.Files, m.Flags&discordgo.MessageFlagsEphemeral != 0)
	return nil
}

// Delete has nothing to remove: the console's "… working" line is not a message.
func (r consoleResponder) Delete(context.Context) error { return nil }

func (r consoleResponder) Edit(_ context.Context, e *discordgo.WebhookEdit) error {
	var content string
	var embeds []*discordgo.MessageEmbed
	var comps []discordgo.MessageComponent
	if e.Content != nil {
		content = *e.Content
	}
	if e.Embeds != nil {
		embeds = *e.Embeds
	}
	if e.Components != nil {
		comps = *e.Components
	}
	r.c.printMessage(content, embeds, comps, e.Files, false)
	return nil
}

// printMessage prints an answer and remembers its buttons, and the message they sit on, for
// `click LABEL`. An answer without buttons (an ephemeral refusal) leaves the last ones
// clickable, as the message they sit on still is in Discord.
func (c *Console) printMessage(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent, files []*discordgo.File, ephemeral bool) {
	buttons := buttonsOf(comps)
	c.mu.Lock()
	if len(buttons) > 0 || !ephemeral {
		c.buttons = buttons
		c.message = &discordgo.Message{ID: "console-answer", ChannelID: "console", Content: content, Embeds: embeds, Components: comps}
	}
	c.mu.Unlock()
	c.printf("%s\n", c.renderMessage(content, embeds, buttons, files, ephemeral))
}

// showForm prints a form a click opened and keeps it for `submit name:value …`.
func (c *Console) showForm(f *discordgo.InteractionResponseData) {
	var fields []string
	for _, row := range f.Components {
		for _, comp := range row.(discordgo.ActionsRow).Components {
			in := comp.(discordgo.TextInput)
			fields = append(fields, in.CustomID+":…")
		}
	}
	c.mu.Lock()
	c.form = f
	c.mu.Unlock()
	c.printf("%s\n", locale.T(c.lang(), "cmd.console.form", "Title", f.Title, "Fields", strings.Join(fields, " ")))
}

// renderMessage renders an answer as plain text: content and embeds (laid out as MessageText lays
// out posts), files and buttons. Discord's markup is rendered once for the whole text, which
// loads the guild's time zone once.
func (c *Console) renderMessage(content string, embeds []*discordgo.MessageEmbed, buttons []discordgo.Button, files []*discordgo.File, ephemeral bool) string {
	var b strings.Builder
	if ephemeral {
		b.WriteString(locale.T(c.lang(), "cmd.console.ephemeral") + "\n")
	}
	if text := MessageText(content, embeds); text != "" {
		b.WriteString(text + "\n")
	}
	text := c.Render(b.String())
	b.Reset()
	b.WriteString(text)
	for _, f := range files {
		data, _ := io.ReadAll(f.Reader)
		if !strings.HasPrefix(f.ContentType, "text/") && f.ContentType != "" {
			b.WriteString(c.saveFile(f, data) + "\n")
			continue
		}
		fmt.Fprintf(&b, "%s\n%s", locale.T(c.lang(), "console.file.shown", "Name", f.Name, "Size", locale.Number(c.lang(), int64(len(data)))), data)
		if len(data) > 0 && data[len(data)-1] != '\n' {
			b.WriteString("\n")
		}
	}
	var labels []string
	for _, btn := range buttons {
		if !btn.Disabled {
			labels = append(labels, "[click "+btn.Label+"]") // the word typed stays "click"
		}
	}
	if len(labels) > 0 {
		b.WriteString(strings.Join(labels, " ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// saveFile writes a file the terminal cannot show to FileDir and says where, with its
// description.
func (c *Console) saveFile(f *discordgo.File, data []byte) string {
	ext := filepath.Ext(f.Name)
	out, err := os.CreateTemp(c.FileDir, "liaison-"+strings.TrimSuffix(f.Name, ext)+"-*"+ext)
	if err == nil {
		_, err = out.Write(data)
		err = errors.Join(err, out.Close())
	}
	size := locale.Number(c.lang(), int64(len(data)))
	if err != nil {
		// The system's reason is English: the terminal's owner reads it after the sentence.
		return locale.T(c.lang(), "console.file.not_written", "Name", f.Name, "Size", size, "Dir", c.FileDir) + " (" + err.Error() + ")"
	}
	line := locale.T(c.lang(), "console.file.written", "Name", f.Name, "Size", size, "Path", out.Name())
	if d := FileDescription(f); d != "" {
		line += "\n   " + d
	}
	return line
}

// buttonsOf lists the buttons of a message's action rows.
func buttonsOf(comps []discordgo.MessageComponent) []discordgo.Button {
	var out []discordgo.Button
	for _, row := range comps {
		ar, ok := row.(discordgo.ActionsRow)
		if !ok {
			if p, ok := row.(*discordgo.ActionsRow); ok {
				ar = *p
			}
		}
		for _, comp := range ar.Components {
			switch btn := comp.(type) {
			case discordgo.Button:
				out = append(out, btn)
			case *discordgo.Button:
				out = append(out, *btn)
			}
		}
	}
	return out
}

var (
	timestampRe = regexp.MustCompile(`<t:(-?\d+)(?::([tTdDfFR]))?>`)
	mentionRe   = regexp.MustCompile(`<(@&|@!?|#)(\d+)>`)
)

// Render replaces Discord's markup that a terminal cannot show: timestamps become local times in
// the guild's time zone, written in the console's language (relative ones relative to the
// router's clock), mentions become @id/#id.
func (c *Console) Render(s string) string {
	loc := time.UTC
	server := locale.Lang("")
	if g, err := c.Router.Guilds.Guild(context.Background(), c.GuildID); err == nil {
		loc, server = g.Location(), locale.Lang(g.Language)
	}
	lang := locale.Pick(c.Locale, server)
	now := c.Router.Now()
	s = timestampRe.ReplaceAllStringFunc(s, func(m string) string {
		p := timestampRe.FindStringSubmatch(m)
		sec, _ := strconv.ParseInt(p[1], 10, 64)
		t := time.Unix(sec, 0).In(loc)
		switch p[2] {
		case "R":
			return RelativeIn(lang, t, now)
		case "t":
			return t.Format("15:04")
		case "T":
			return t.Format("15:04:05")
		case "d":
			return t.Format("2006-01-02")
		case "D":
			return formatIn(lang, t, "layout.console.date")
		case "F":
			return formatIn(lang, t, "layout.console.full")
		}
		return formatIn(lang, t, "layout.console.date_time")
	})
	return mentionRe.ReplaceAllString(s, "$1$2")
}

// formatIn writes t with the Go layout the catalog gives under key for lang, its month and
// weekday names taken from the catalog (layout.names.months and .weekdays: twelve and seven names,
// January and Sunday first), since Go's layouts only know English ones. The layouts name the
// month and the weekday in full, so each English name appears whole and once.
func formatIn(lang locale.Lang, t time.Time, key string) string {
	s := t.Format(locale.T(lang, key))
	if months := strings.Fields(locale.T(lang, "layout.names.months")); len(months) == 12 {
		s = strings.Replace(s, t.Month().String(), months[t.Month()-1], 1)
	}
	if days := strings.Fields(locale.T(lang, "layout.names.weekdays")); len(days) == 7 {
		s = strings.Replace(s, t.Weekday().String(), days[t.Weekday()], 1)
	}
	return s
}

// Relative renders t against now the way Discord's <t:…:R> does, in English: "in 3 hours",
// "2 days ago".
func Relative(t, now time.Time) string { return RelativeIn(locale.English, t, now) }

// RelativeIn renders t against now in lang: "in 3 hours", "dans 3 heures", "hace 2 días".
func RelativeIn(lang locale.Lang, t, now time.Time) string {
	d := t.Sub(now)
	past := d < 0
	if past {
		d = -d
	}
	if d < time.Second/2 {
		return locale.T(lang, "layout.relative.now") // "just now", not "0 seconds ago"
	}
	// Rounded to the nearest unit, as Discord's client does: an ETA 1h59m59s away is "in 2
	// hours", not "in 1 hour". Each unit ends where its count would round up to the next
	// unit's first, so 59m55s is "in 1 hour", not "in 60 minutes".
	round := func(u time.Duration) int { return int((d + u/2) / u) }
	unit, n := "seconds", round(time.Second)
	switch {
	case d < time.Minute-time.Second/2:
	case d < time.Hour-time.Minute/2:
		unit, n = "minutes", round(time.Minute)
	case d < 48*time.Hour-time.Hour/2:
		unit, n = "hours", round(time.Hour)
	case d < 60*24*time.Hour:
		unit, n = "days", round(24*time.Hour)
	case d < 365*24*time.Hour:
		unit, n = "months", round(30*24*time.Hour)
	default:
		unit, n = "years", round(365*24*time.Hour)
	}
	span := locale.T(lang, "layout.relative."+unit, "Count", n)
	if past {
		return locale.T(lang, "layout.relative.past", "Span", span)
	}
	return locale.T(lang, "layout.relative.future", "Span", span)
}
