package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/discordtext"
	"liaison/storage"
)

// Severities of a doctor finding. Only fail makes the exit status non-zero: it names something
// that stops Liaison from working (a post that cannot go out, a door that cannot open); warn is
// worth fixing but Liaison runs.
const (
	sevOK   = "ok"
	sevWarn = "warn"
	sevFail = "FAIL"
)

// doctor runs `liaison doctor`: the checks of what a first deployment gets wrong (SPEC §5), one
// line per finding, each saying what to fix. It reads and changes nothing but the HTTP GETs it
// sends to Discord: it does not migrate, register or post.
type doctor struct {
	cfg Config
	out io.Writer
	// fails counts the findings that block.
	fails int

	session *discordgo.Session // nil without a token
	appID   string             // from the configuration or GET /applications/@me
	botID   string             // from GET /users/@me
	guilds  []storage.Guild    // the servers' settings, when the database could be read
}

// errDoctor is the error `liaison doctor` ends with when a finding blocks, so the exit status
// says so; the findings themselves are already printed.
type errDoctor int

func (e errDoctor) Error() string {
	if e == 1 {
		return "doctor: 1 finding blocks Liaison (FAIL above)"
	}
	return fmt.Sprintf("doctor: %d findings block Liaison (FAIL above)", int(e))
}

// say prints one finding: its severity, what it is about, and what to do.
func (d *doctor) say(sev, area, format string, args ...any) {
	if sev == sevFail {
		d.fails++
	}
	fmt.Fprintf(d.out, "%-4s  %s: %s\n", sev, area, fmt.Sprintf(format, args...))
}

// runDoctor loads the configuration itself, so that a bad one is a finding rather than an exit.
func runDoctor(ctx context.Context, a cliArgs, env func(string) string, stdout io.Writer) error {
	path, explicit := a.configPath, a.configPath != ""
	if !explicit {
		path = "liaison.toml"
	}
	d := &doctor{out: stdout}
	cfg, err := loadConfig(path, explicit, env)
	if err != nil {
		d.say(sevFail, "config", "%s", err)
		return errDoctor(d.fails)
	}
	d.cfg = cfg
	d.checkConfig(path, explicit)
	d.checkDatabase(ctx)
	d.checkDiscord(ctx)
	if d.fails > 0 {
		return errDoctor(d.fails)
	}
	fmt.Fprintln(stdout, "nothing blocks Liaison")
	return nil
}

// checkConfig checks what `liaison run` would refuse at start, and where the file came from.
func (d *doctor) checkConfig(path string, explicit bool) {
	if _, err := os.Stat(path); err != nil && !explicit {
		d.say(sevWarn, "config", "no %s here: built-in defaults and LIAISON_* variables only (copy config.example.toml, or pass -config FILE)", path)
	} else {
		d.say(sevOK, "config", "%s read", path)
	}
	a := &app{cfg: d.cfg, listen: d.cfg.HTTP.Listen != ""}
	if err := a.checkConfig(); err != nil {
		d.say(sevFail, "config", "%s", err)
	}
	if d.cfg.Database.Driver == storage.DriverSQLite && d.cfg.legacyDB {
		d.say(sevWarn, "database", "using %s from the working directory, as before [database] data_dir: move it to %s (stop Liaison first) or set dsn to keep it where it is",
			d.cfg.Database.DSN, d.cfg.defaultSQLitePath())
	}
}

// checkDatabase opens the database without migrating it and compares its schema with this
// binary's migrations.
func (d *doctor) checkDatabase(ctx context.Context) {
	db := d.cfg.Database
	if db.Driver == storage.DriverSQLite {
		if _, err := os.Stat(db.DSN); errors.Is(err, os.ErrNotExist) {
			d.say(sevWarn, "database", "%s does not exist yet: `liaison migrate` (or the first `liaison run`) creates it", db.DSN)
			return
		}
	}
	store, err := storage.Open(ctx, storage.Config{Driver: db.Driver, DSN: db.DSN})
	if err != nil {
		d.say(sevFail, "database", "cannot open (%s): check [database] dsn and that the server is up", err)
		return
	}
	defer store.Close()
	if err := store.Ping(ctx); err != nil {
		d.say(sevFail, "database", "does not answer (%s): check [database] dsn and that the server is up", err)
		return
	}
	applied, known, err := storage.SchemaVersion(ctx, store)
	switch {
	case err != nil:
		d.say(sevFail, "database", "cannot read its migrations (%s): does the role own the database? (README, Postgres)", err)
		return
	case applied > known:
		d.say(sevFail, "database", "%s", &storage.SchemaNewerError{Applied: applied, AppliedName: fmt.Sprintf("migration %04d", applied), Known: known})
		return
	case applied < known:
		d.say(sevWarn, "database", "%s schema at version %d of %d: `liaison migrate` (or `liaison run`) applies the rest", db.Driver, applied, known)
	default:
		d.say(sevOK, "database", "%s schema at version %d, the newest this binary knows", db.Driver, applied)
	}
	if applied == 0 {
		return
	}
	guilds, err := store.Guilds(ctx)
	if err != nil {
		d.say(sevFail, "database", "cannot read the servers' settings: %s", err)
		return
	}
	d.guilds = guilds
}

// checkDiscord checks the token, the application (its public key and interactions endpoint),
// the registered commands and each server's announcement channel.
func (d *doctor) checkDiscord(ctx context.Context) {
	dc := d.cfg.Discord
	if dc.Token == "" {
		d.say(sevWarn, "discord", "no token (DISCORD_TOKEN or [discord] token): this instance posts no reminders, and Discord cannot be checked")
		return
	}
	var err error
	if d.session, err = bot.NewSession(bot.SessionConfig{Token: dc.Token, APIBase: dc.APIBase}); err != nil {
		d.say(sevFail, "config", "discord.api_base: %s", err)
		return
	}
	// discordgo retries a failed request by itself; a doctor should answer within seconds.
	d.session.MaxRestRetries = 0
	d.session.Client.Timeout = 10 * time.Second
	if !d.checkToken(ctx) {
		return
	}
	d.checkApplication(ctx)
	d.checkCommands(ctx)
	for _, g := range d.guilds {
		d.checkGuild(ctx, g)
	}
	if len(d.guilds) == 0 {
		d.say(sevWarn, "servers", "none has used Liaison yet: invite the bot (%s), then /settings channel", d.invite())
	}
}

// checkToken asks Discord who the token belongs to (GET /users/@me at api_base).
func (d *doctor) checkToken(ctx context.Context) bool {
	u, err := d.session.User("@me", discordgo.WithContext(ctx))
	if status(err) == http.StatusUnauthorized {
		d.say(sevFail, "token", "Discord refuses it (401 Unauthorized): copy the token again from the Developer Portal (Bot → Reset Token) into DISCORD_TOKEN")
		return false
	}
	if err != nil {
		d.say(sevFail, "token", "cannot reach Discord at %s (%s): check [discord] api_base and the network", d.apiBase(), err)
		return false
	}
	d.botID = u.ID
	d.say(sevOK, "token", "the bot %s (%s)", u.Username, u.ID)
	return true
}

// checkApplication compares the configuration with the application the token belongs to: its
// ID, its public key, and where Discord sends interactions.
func (d *doctor) checkApplication(ctx context.Context) {
	dc := d.cfg.Discord
	endpoint := discordgo.EndpointAPI + "applications/@me"
	body, err := d.session.RequestWithBucketID(http.MethodGet, endpoint, nil, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		d.say(sevFail, "application", "GET /applications/@me failed (%s)", err)
		return
	}
	var app struct {
		ID                      string `json:"id"`
		VerifyKey               string `json:"verify_key"`
		InteractionsEndpointURL string `json:"interactions_endpoint_url"`
	}
	if err := json.Unmarshal(body, &app); err != nil {
		d.say(sevFail, "application", "Discord's answer is not an application: %s", err)
		return
	}
	d.appID = app.ID
	if dc.ApplicationID != "" && dc.ApplicationID != app.ID {
		d.say(sevFail, "application", "[discord] application_id is %s, but the token belongs to %s: copy the ID from the same application's General Information tab, or leave it empty",
			dc.ApplicationID, app.ID)
		d.appID = dc.ApplicationID
	}
	switch {
	case dc.PublicKey != "" && !strings.EqualFold(dc.PublicKey, app.VerifyKey):
		d.say(sevFail, "public key", "[discord] public_key is not this application's: copy Public Key from General Information; every request to /interactions would be refused 401")
	case dc.PublicKey != "":
		d.say(sevOK, "public key", "matches the application; POST /interactions is served on %s", d.cfg.HTTP.Listen)
	}
	switch {
	case app.InteractionsEndpointURL != "" && dc.PublicKey == "":
		d.say(sevFail, "endpoint", "Discord sends interactions to %s, not over the gateway, and this instance has no public_key: set [discord] public_key and [http] listen, or clear the Interactions Endpoint URL in the portal",
			app.InteractionsEndpointURL)
	case app.InteractionsEndpointURL == "" && dc.PublicKey != "" && !dc.Gateway:
		d.say(sevFail, "endpoint", "no Interactions Endpoint URL is saved in the portal and the gateway is off: no interaction reaches Liaison; save https://<your host>/interactions while Liaison runs")
	case app.InteractionsEndpointURL != "":
		d.say(sevOK, "endpoint", "Discord sends interactions to %s (the gateway receives none while it is set)", app.InteractionsEndpointURL)
	}
}

// checkCommands compares the commands registered where [discord].register points with those
// this binary registers.
func (d *doctor) checkCommands(ctx context.Context) {
	mode, err := bot.ParseRegisterMode(d.cfg.Discord.Register)
	if err != nil || d.appID == "" {
		return
	}
	router, err := bot.NewRouter(nil, nil, commands.All(commands.Deps{}))
	if err != nil {
		d.say(sevFail, "commands", "%s", err)
		return
	}
	got, err := d.session.ApplicationCommands(d.appID, mode.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		d.say(sevFail, "commands", "cannot list them (%s)", err)
		return
	}
	where := "global"
	if mode.GuildID != "" {
		where = "in guild " + mode.GuildID
	}
	missing, stale, changed := diffCommands(router.Definitions(), got)
	if len(missing)+len(stale)+len(changed) == 0 {
		d.say(sevOK, "commands", "the %d registered (%s) are this binary's", len(got), where)
		return
	}
	var parts []string
	for _, p := range []struct {
		label string
		names []string
	}{{"missing", missing}, {"not this binary's", stale}, {"changed", changed}} {
		if len(p.names) > 0 {
			parts = append(parts, p.label+": /"+strings.Join(p.names, ", /"))
		}
	}
	sev, fix := sevWarn, "`liaison run` overwrites them at start, or `liaison register` now"
	if mode.Off {
		// Nothing will fix them: users see commands this binary does not answer, or none.
		sev, fix = sevFail, "run `LIAISON_DISCORD_REGISTER=global liaison register` (or guild:<id>)"
	}
	d.say(sev, "commands", "the registered set (%s) differs from this binary's (%s): %s", where, strings.Join(parts, "; "), fix)
}

// diffCommands names the commands want has and got lacks, those got has and want lacks, and
// those in both whose definitions differ in what users see.
func diffCommands(want, got []*discordgo.ApplicationCommand) (missing, stale, changed []string) {
	byName := map[string]*discordgo.ApplicationCommand{}
	for _, c := range got {
		byName[c.Name] = c
	}
	for _, w := range want {
		g, ok := byName[w.Name]
		delete(byName, w.Name)
		switch {
		case !ok:
			missing = append(missing, w.Name)
		case commandShape(w) != commandShape(g):
			changed = append(changed, w.Name)
		}
	}
	for name := range byName {
		stale = append(stale, name)
	}
	sort.Strings(stale)
	return missing, stale, changed
}

// commandShape is what users see of a command, in a form equal on both sides: the definition
// this binary sends and Discord's stored copy, which adds IDs, versions and defaults.
func commandShape(c *discordgo.ApplicationCommand) string {
	type option struct {
		Type                   discordgo.ApplicationCommandOptionType
		Name, Description      string
		NameLoc, DescLoc       map[discordgo.Locale]string
		Required, Autocomplete bool
		Choices                []string
		MinValue               *float64
		MaxValue               float64
		MinLength              *int
		MaxLength              int
		ChannelTypes           []discordgo.ChannelType
		Options                []option
	}
	var shape func([]*discordgo.ApplicationCommandOption) []option
	shape = func(opts []*discordgo.ApplicationCommandOption) []option {
		var out []option
		for _, o := range opts {
			s := option{Type: o.Type, Name: o.Name, Description: o.Description, NameLoc: o.NameLocalizations,
				DescLoc: o.DescriptionLocalizations, Required: o.Required, Autocomplete: o.Autocomplete,
				MinValue: o.MinValue, MaxValue: o.MaxValue, MinLength: o.MinLength, MaxLength: o.MaxLength,
				ChannelTypes: o.ChannelTypes, Options: shape(o.Options)}
			for _, ch := range o.Choices {
				s.Choices = append(s.Choices, fmt.Sprint(ch.Name, "=", ch.Value))
			}
			out = append(out, s)
		}
		return out
	}
	var nameLoc, descLoc map[discordgo.Locale]string
	if c.NameLocalizations != nil {
		nameLoc = *c.NameLocalizations
	}
	if c.DescriptionLocalizations != nil {
		descLoc = *c.DescriptionLocalizations
	}
	perms := ""
	if c.DefaultMemberPermissions != nil {
		perms = fmt.Sprint(*c.DefaultMemberPermissions)
	}
	b, _ := json.Marshal(struct {
		Name, Description, Perms string
		NameLoc, DescLoc         map[discordgo.Locale]string
		Options                  []option
	}{c.Name, c.Description, perms, nameLoc, descLoc, shape(c.Options)})
	return string(b)
}

// checkGuild checks one server's announcement channel: that it exists, that the bot may post
// there what Liaison posts, that it may ping the moderator role, and Manage Events when the
// Events tab is mirrored.
func (d *doctor) checkGuild(ctx context.Context, g storage.Guild) {
	if !discordtext.IsSnowflake(g.ID) {
		return // the console's and the demo's guilds live in the database only
	}
	area := "server " + g.ID
	if g.ChannelID == "" {
		d.say(sevWarn, area, "no announcement channel: reminders and digests are not posted until an admin runs /settings channel")
		return
	}
	opt := discordgo.WithContext(ctx)
	ch, err := d.session.Channel(g.ChannelID, opt)
	if err != nil {
		d.say(sevFail, area, "announcement channel %s cannot be read (%s): it was deleted or the bot cannot see it; /settings channel to choose another, or give the bot View Channel there",
			g.ChannelID, restWords(err))
		return
	}
	area += " #" + ch.Name
	guild, err := d.session.Guild(g.ID, opt)
	if err != nil {
		d.say(sevFail, area, "the server cannot be read (%s): is the bot still in it? invite it again: %s", restWords(err), d.invite())
		return
	}
	member, err := d.session.GuildMember(g.ID, d.botID, opt)
	if err != nil {
		d.say(sevFail, area, "the bot's member cannot be read (%s): invite it again: %s", restWords(err), d.invite())
		return
	}
	member.GuildID, member.User = g.ID, &discordgo.User{ID: d.botID}
	perms, err := channelPermissions(guild, ch, member)
	if err != nil {
		d.say(sevFail, area, "permissions cannot be worked out: %s", err)
		return
	}
	ok := true
	for _, p := range bot.PostPermissions {
		if perms&p.Bit == 0 {
			ok = false
			d.say(sevFail, area, "the bot lacks %s (%s): allow it for the bot's role in the channel's or the server's settings, or invite again with %s",
				p.Name, p.Why, d.invite())
		}
	}
	if d.cfg.Discord.ScheduledEvents && perms&bot.EventsPermission.Bit == 0 {
		ok = false
		d.say(sevFail, area, "the bot lacks %s (%s): allow it for the bot's role in Server Settings → Roles, or invite again with %s",
			bot.EventsPermission.Name, bot.EventsPermission.Why, d.invite())
	}
	if g.ModeratorRoleID != "" {
		i := slices.IndexFunc(guild.Roles, func(r *discordgo.Role) bool { return r.ID == g.ModeratorRoleID })
		switch {
		case i < 0:
			ok = false
			d.say(sevFail, area, "the moderator role %s no longer exists: /settings moderator-role", g.ModeratorRoleID)
		case !guild.Roles[i].Mentionable && perms&bot.MentionPermission.Bit == 0:
			ok = false
			d.say(sevFail, area, "overdue flights ping @%s, which is not mentionable and the bot lacks %s: turn on \"Allow anyone to @mention this role\" (Server Settings → Roles → %s), or give the bot that permission",
				guild.Roles[i].Name, bot.MentionPermission.Name, guild.Roles[i].Name)
		}
	}
	if ok {
		d.say(sevOK, area, "the bot may post reminders and digests there")
	}
}

// channelPermissions computes the bot's permissions in ch as Discord does (roles, then the
// channel's overwrites; owner and Administrator have all), with discordgo's own rules.
func channelPermissions(guild *discordgo.Guild, ch *discordgo.Channel, member *discordgo.Member) (int64, error) {
	st := discordgo.NewState()
	g := *guild
	g.Channels, g.Members = nil, nil
	if err := st.GuildAdd(&g); err != nil {
		return 0, err
	}
	if err := st.MemberAdd(member); err != nil {
		return 0, err
	}
	c := *ch
	c.GuildID = guild.ID
	if err := st.ChannelAdd(&c); err != nil {
		return 0, err
	}
	return st.UserChannelPermissions(member.User.ID, ch.ID)
}

// invite is the invite URL for this configuration, with every permission Liaison uses.
func (d *doctor) invite() string {
	id := d.appID
	if id == "" {
		id = "<application_id>"
	}
	return bot.InviteURL(id, d.cfg.Discord.ScheduledEvents)
}

func (d *doctor) apiBase() string {
	if d.cfg.Discord.APIBase != "" {
		return d.cfg.Discord.APIBase
	}
	return "https://discord.com/api/v9"
}

// status is the HTTP status of a discordgo REST error, 0 for any other error.
func status(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// restWords is a REST error as an operator reads it: Discord's status and message.
func restWords(err error) string {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		if re.Message != nil && re.Message.Message != "" {
			return fmt.Sprintf("%d %s", re.Response.StatusCode, re.Message.Message)
		}
		return re.Response.Status
	}
	return err.Error()
}
