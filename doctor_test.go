package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/fakediscord"
	"liaison/storage"
)

// Identities of the doctor's test server.
const (
	doctorChannel = "1100000000000000010"
	doctorModRole = "1100000000000000020"
	doctorBotRole = "1100000000000000030"
)

// doctorSetup is a migrated SQLite database whose one server has an announcement channel and a
// moderator role, and a fake Discord that knows that server, with the bot holding botPerms
// through its role and the moderator role mentionable or not. It returns the environment that
// points liaison at both.
func doctorSetup(t *testing.T, botPerms int64, mentionable bool) (*fakediscord.Server, map[string]string) {
	t.Helper()
	fake := fakediscord.New(t)
	fake.SetToken("good-token")
	guild := fakediscord.DefaultGuildID
	fake.AddGuild(&discordgo.Guild{ID: guild, Name: "MSS cell", OwnerID: "1100000000000000099", Roles: []*discordgo.Role{
		{ID: guild, Name: "@everyone"},
		{ID: doctorModRole, Name: "moderators", Mentionable: mentionable},
		{ID: doctorBotRole, Name: "Liaison", Permissions: botPerms},
	}}, doctorBotRole)
	fake.AddChannel(&discordgo.Channel{ID: doctorChannel, GuildID: guild, Name: "mss-updates", Type: discordgo.ChannelTypeGuildText})

	dir := t.TempDir()
	vars := map[string]string{
		"LIAISON_DATABASE_DATA_DIR": dir,
		"LIAISON_DISCORD_API_BASE":  fake.APIBase(),
		"LIAISON_DISCORD_REGISTER":  "guild:" + guild,
		"DISCORD_TOKEN":             "good-token",
	}
	ctx := t.Context()
	if err := runCLI(ctx, []string{"migrate"}, nil, io.Discard, io.Discard, envOf(vars)); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	store, err := storage.Open(ctx, storage.Config{Driver: storage.DriverSQLite, DSN: filepath.Join(dir, "liaison.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.UpdateGuild(ctx, storage.Actor{GuildID: guild, UserID: "test", Command: "/settings"}, func(g *storage.Guild) error {
		g.ChannelID, g.ModeratorRoleID = doctorChannel, doctorModRole
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// What `liaison run` would have registered in the guild: this binary's commands.
	registerAs(t, fake, guild, nil)
	return fake, vars
}

// registerAs overwrites the fake's commands in guild with this binary's, edited by edit.
func registerAs(t *testing.T, fake *fakediscord.Server, guild string, edit func([]*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand) {
	t.Helper()
	r, err := bot.NewRouter(nil, nil, commands.All(commands.Deps{}))
	if err != nil {
		t.Fatal(err)
	}
	defs := r.Definitions()
	if edit != nil {
		defs = edit(defs)
	}
	s, err := bot.NewSession(bot.SessionConfig{Token: "good-token", APIBase: fake.APIBase()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, guild, defs); err != nil {
		t.Fatal(err)
	}
}

// runDoctorCLI runs `liaison doctor` and returns its lines and its error.
func runDoctorCLI(t *testing.T, vars map[string]string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runCLI(context.Background(), []string{"doctor"}, nil, &out, io.Discard, envOf(vars))
	t.Logf("liaison doctor:\n%s(err %v)", out.String(), err)
	return out.String(), err
}

// wantLine fails unless some line of out starts with sev and holds every part.
func wantLine(t *testing.T, out, sev string, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, sev+" ") {
			continue
		}
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return
		}
	}
	t.Errorf("no %q line holding %q in:\n%s", sev, parts, out)
}

func TestDoctorHealthy(t *testing.T) {
	_, vars := doctorSetup(t, bot.InvitePermissions(false), true)
	out, err := runDoctorCLI(t, vars)
	if err != nil {
		t.Fatalf("doctor on a healthy set-up = %v, want nil", err)
	}
	if strings.Contains(out, "FAIL") {
		t.Errorf("doctor on a healthy set-up reports a failure")
	}
	wantLine(t, out, "ok", "token", fakediscord.BotUsername)
	wantLine(t, out, "ok", "database", "schema at version")
	wantLine(t, out, "ok", "commands", "are this binary's")
	wantLine(t, out, "ok", "#mss-updates", "may post")
}

func TestDoctorBadToken(t *testing.T) {
	_, vars := doctorSetup(t, bot.InvitePermissions(false), true)
	vars["DISCORD_TOKEN"] = "reset-since"
	out, err := runDoctorCLI(t, vars)
	var blocked errDoctor
	if !errors.As(err, &blocked) {
		t.Fatalf("doctor with a bad token = %v, want errDoctor", err)
	}
	wantLine(t, out, "FAIL", "token", "401", "DISCORD_TOKEN")
	if strings.Contains(out, "reset-since") {
		t.Errorf("doctor printed the token")
	}
}

func TestDoctorMissingPermission(t *testing.T) {
	for _, tt := range []struct {
		name        string
		perms       int64
		mentionable bool
		events      bool
		want        []string
	}{
		{"no embed links", bot.InvitePermissions(false) &^ discordgo.PermissionEmbedLinks, true, false,
			[]string{"Embed Links", "permissions=" + fmt.Sprint(bot.InvitePermissions(false))}},
		{"no send messages", bot.InvitePermissions(false) &^ discordgo.PermissionSendMessages, true, false, []string{"Send Messages"}},
		{"no attach files", bot.InvitePermissions(false) &^ discordgo.PermissionAttachFiles, true, false, []string{"Attach Files"}},
		{"moderator role not mentionable", bot.InvitePermissions(false), false, false, []string{"@moderators", "mentionable"}},
		{"no manage events while mirroring", bot.InvitePermissions(false), true, true, []string{"Manage Events"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, vars := doctorSetup(t, tt.perms, tt.mentionable)
			if tt.events {
				vars["LIAISON_DISCORD_SCHEDULED_EVENTS"] = "true"
			}
			out, err := runDoctorCLI(t, vars)
			if !errors.As(err, new(errDoctor)) {
				t.Fatalf("doctor = %v, want errDoctor", err)
			}
			wantLine(t, out, "FAIL", append([]string{"#mss-updates"}, tt.want...)...)
			if got := strings.Count(out, "FAIL"); got != 1 {
				t.Errorf("%d FAIL lines, want 1", got)
			}
		})
	}
}

// TestDoctorChannelOverwrite: a channel overwrite that denies the bot's role Send Messages
// blocks, though the role has it server-wide; Mention Everyone stands in for a role that is
// not mentionable.
func TestDoctorChannelOverwrite(t *testing.T) {
	fake, vars := doctorSetup(t, bot.InvitePermissions(false)|discordgo.PermissionMentionEveryone, false)
	fake.AddChannel(&discordgo.Channel{ID: doctorChannel, GuildID: fakediscord.DefaultGuildID, Name: "mss-updates",
		Type: discordgo.ChannelTypeGuildText, PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: doctorBotRole, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionSendMessages}}})
	out, err := runDoctorCLI(t, vars)
	if !errors.As(err, new(errDoctor)) {
		t.Fatalf("doctor = %v, want errDoctor", err)
	}
	wantLine(t, out, "FAIL", "Send Messages")
	if strings.Contains(out, "mentionable") {
		t.Errorf("doctor asks for a mentionable role though the bot may mention every role")
	}
}

func TestDoctorStaleCommands(t *testing.T) {
	fake, vars := doctorSetup(t, bot.InvitePermissions(false), true)
	registerAs(t, fake, fakediscord.DefaultGuildID, func(defs []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
		defs = defs[1:] // the first is missing
		defs[0].Description = "an older description"
		return append(defs, &discordgo.ApplicationCommand{Name: "oldcommand", Description: "from an older release"})
	})
	out, err := runDoctorCLI(t, vars)
	if err != nil {
		t.Fatalf("doctor with stale commands and register on = %v, want a warning only", err)
	}
	wantLine(t, out, "warn", "commands", "missing", "/oldcommand", "changed", "liaison register")

	vars["LIAISON_DISCORD_REGISTER"] = "off"
	out, err = runDoctorCLI(t, vars)
	if !errors.As(err, new(errDoctor)) {
		t.Fatalf("doctor with stale commands and register off = %v, want errDoctor", err)
	}
	// Off reads the global commands, which nothing registered: all missing.
	wantLine(t, out, "FAIL", "commands", "missing", "register")
}

func TestDoctorNewerSchemaAndBadConfig(t *testing.T) {
	_, vars := doctorSetup(t, bot.InvitePermissions(false), true)
	store, err := storage.Open(t.Context(), storage.Config{Driver: storage.DriverSQLite, DSN: filepath.Join(vars["LIAISON_DATABASE_DATA_DIR"], "liaison.db")})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	store.Close()
	out, err := runDoctorCLI(t, vars)
	if !errors.As(err, new(errDoctor)) {
		t.Fatalf("doctor = %v, want errDoctor", err)
	}
	wantLine(t, out, "FAIL", "database", "9999", "newer than this liaison knows")
	// The older binary itself refuses to start on it, naming both versions.
	for _, verb := range []string{"migrate", "run"} {
		err := runCLI(t.Context(), []string{verb}, nil, io.Discard, io.Discard, envOf(vars))
		if err == nil || !strings.Contains(err.Error(), "version 9999 (9999_future.sql)") || !strings.Contains(err.Error(), "this liaison knows (version") {
			t.Errorf("liaison %s on a newer schema = %v, want a refusal naming both versions", verb, err)
		}
	}

	vars["LIAISON_DEFAULTS_TIMEZONE"] = "Mars/Olympus"
	out, err = runDoctorCLI(t, vars)
	if !errors.As(err, new(errDoctor)) {
		t.Fatalf("doctor = %v, want errDoctor", err)
	}
	wantLine(t, out, "FAIL", "config", "defaults.timezone")
}

// TestDoctorPublicKey: a public key that is not the application's blocks, since Discord's
// requests would all be refused.
func TestDoctorPublicKey(t *testing.T) {
	_, vars := doctorSetup(t, bot.InvitePermissions(false), true)
	vars["LIAISON_DISCORD_PUBLIC_KEY"] = strings.Repeat("ab", 32)
	vars["LIAISON_HTTP_LISTEN"] = "127.0.0.1:0"
	out, err := runDoctorCLI(t, vars)
	if !errors.As(err, new(errDoctor)) {
		t.Fatalf("doctor = %v, want errDoctor", err)
	}
	wantLine(t, out, "FAIL", "public key", "General Information")
}

// TestDoctorEndpointURL: once an Interactions Endpoint URL is saved, Discord sends nothing over
// the gateway, so a gateway-only instance hears no command.
func TestDoctorEndpointURL(t *testing.T) {
	fake, vars := doctorSetup(t, bot.InvitePermissions(false), true)
	fake.SetInteractionsEndpointURL("https://liaison.example.org/interactions")
	out, err := runDoctorCLI(t, vars)
	if !errors.As(err, new(errDoctor)) {
		t.Fatalf("doctor = %v, want errDoctor", err)
	}
	wantLine(t, out, "FAIL", "endpoint", "liaison.example.org", "not over the gateway", "public_key")
}

// TestInvitePermissionsInREADME keeps the README's invite URL and permissions integers equal to
// what the code computes from the permissions Liaison uses.
func TestInvitePermissionsInREADME(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("permissions=%d", bot.InvitePermissions(false)),
		fmt.Sprintf("permissions=%d", bot.InvitePermissions(true)),
		strings.ReplaceAll(bot.InviteURL("APPLICATION_ID", false), "APPLICATION_ID", "<application_id>"),
	} {
		if !bytes.Contains(readme, []byte(want)) {
			t.Errorf("README.md does not hold %q: update its Discord set-up", want)
		}
	}
}
