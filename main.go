// Command liaison is a Discord bot for the coordination cell of a multinational deployment: it
// logs contingents as they arrive, answers force levels by country, and tells the channel, on
// time and exactly once, about every upcoming flight.
//
// Usage:
//
//	liaison [run] [-config FILE]        the bot
//	liaison console [-config FILE] [--demo] [--guild ID]
//	liaison register | migrate | import FILE.csv | export KIND [--format hxl] | backup PATH | version
//	liaison doctor [-config FILE]        what a deployment gets wrong, one line each
//	liaison chart [--country CC] [--since DATE] [--locale L] [--guild ID] --out FILE.png
//	liaison police CC formed|individual [--guild ID]   how CC's police count in `export forces`
//	liaison draft [--as-of YYYY-MM-DD] [--lang en|fr|es] [--guild ID] FILE|-   a report's records as CSV
package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"liaison/bot"
	"liaison/chart"
	"liaison/commands"
	"liaison/exchange"
	"liaison/jobs"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// demoTimeline is SPEC §1's timeline in the import format; `console --demo` loads it.
//
//go:embed demo/mss-haiti.csv
var demoTimeline []byte

// version is set at build time with -ldflags "-X main.version=…"; otherwise the module's.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runCLI(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil {
		// The operator reads Liaison's own errors in English; a parser's error (an import's
		// bad line) is a catalog text.
		fmt.Fprintln(os.Stderr, "liaison:", englishError(err))
		os.Exit(1)
	}
}

// Verbs of the command line (SPEC §5).
const (
	verbRun      = "run"
	verbConsole  = "console"
	verbRegister = "register"
	verbMigrate  = "migrate"
	verbImport   = "import"
	verbExport   = "export"
	verbBackup   = "backup"
	verbChart    = "chart"
	verbVersion  = "version"
	verbDoctor   = "doctor"
	// verbPolice marks how a contributor's police are reported in the UN-shaped forces export:
	// a setting an operator makes once per contributor, so a CLI verb rather than a slash
	// command SPEC does not list.
	verbPolice = "police"
	// verbDraft prints the records a report's text holds, as an import file; nothing is stored.
	verbDraft = "draft"
)

// cliArgs is a parsed command line.
type cliArgs struct {
	verb       string
	positional []string // after the verb
	configPath string
	guild      string
	guildGiven bool
	demo       bool
	locale     string // console: the user's language
	country    string // chart: one country's chart instead of the whole force's
	out        string // chart: the PNG file to write
	since      string // chart: the first day shown (2025-01-04), instead of the first record's
	format     string // export: "liaison" or "hxl"
	asOf       string // draft: the day the text was published
	lang       string // draft: the text's language, when known
}

// parseArgs reads the verb, its arguments and the flags, which may stand anywhere:
// `liaison -config x.toml import a.csv` and `liaison import a.csv -config x.toml` mean the same.
func parseArgs(args []string, stderr io.Writer) (cliArgs, error) {
	fs := flag.NewFlagSet("liaison", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a cliArgs
	fs.StringVar(&a.configPath, "config", "", "configuration file (default liaison.toml if present)")
	fs.StringVar(&a.guild, "guild", "console", "guild ID for console, import and export")
	fs.BoolVar(&a.demo, "demo", false, "console: load the demo timeline into a fresh database")
	fs.StringVar(&a.locale, "locale", "", "console, chart: answer in this language (en, fr or es; default the server's)")
	fs.StringVar(&a.country, "country", "", "chart: one country's force by role (GT, GTM or Guatemala)")
	fs.StringVar(&a.out, "out", "", "chart: the PNG file to write")
	fs.StringVar(&a.since, "since", "", "chart: the first day shown (2025-01-04; default the first record's)")
	fs.StringVar(&a.format, "format", "liaison", "export: liaison (what import reads) or hxl (adds the HXL tag row)")
	fs.StringVar(&a.asOf, "as-of", "", "draft: the day the text was published, YYYY-MM-DD (default today)")
	fs.StringVar(&a.lang, "lang", "", "draft: the text's language, en, fr or es (default: read from the text)")
	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return a, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	fs.Visit(func(f *flag.Flag) { a.guildGiven = a.guildGiven || f.Name == "guild" })
	a.verb = verbRun
	if len(positional) > 0 {
		a.verb, a.positional = positional[0], positional[1:]
	}
	if a.locale != "" {
		if _, ok := locale.Parse(a.locale); !ok {
			return a, fmt.Errorf("--locale %q: want en, fr or es", a.locale)
		}
	}
	if a.lang != "" {
		if _, ok := locale.Parse(a.lang); !ok {
			return a, fmt.Errorf("--lang %q: want en, fr or es", a.lang)
		}
	}
	switch a.verb {
	case verbRun, verbConsole, verbRegister, verbMigrate, verbImport, verbExport, verbChart, verbBackup, verbVersion, verbPolice, verbDoctor, verbDraft:
		return a, nil
	}
	return a, fmt.Errorf("unknown command %q: run, console, register, migrate, import, export, chart, backup, police, doctor, draft or version", a.verb)
}

// runCLI dispatches a verb. It is main without os.Exit, so tests can run verbs.
func runCLI(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) error {
	a, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	if a.verb == verbVersion {
		fmt.Fprintln(stdout, "liaison", buildVersion())
		return nil
	}
	if a.verb == verbDoctor {
		return runDoctor(ctx, a, env, stdout)
	}
	if a.verb == verbDraft && !a.guildGiven {
		// Without --guild a draft needs no database: the mission's defaults stand.
		return draftFile(a, draftMission{}, stdin, stdout)
	}
	path, explicit := a.configPath, a.configPath != ""
	if !explicit {
		path = "liaison.toml"
	}
	cfg, err := loadConfig(path, explicit, env)
	if err != nil {
		return err
	}
	if a.verb == verbConsole && cfg.Log.Level == "info" {
		// The console shares the terminal with its user: routine lines (scheduler started,
		// stopped) would interleave with the answers. Warnings and errors still show.
		cfg.Log.Level, cfg.parsed.logLevel = "warn", slog.LevelWarn
	}
	// `liaison run` logs to standard output, which it uses for nothing else, for the journal
	// and container runtimes; the other verbs log to standard error, keeping their output
	// (an export's CSV) clean.
	logTo := stderr
	if a.verb == verbRun {
		logTo = stdout
	}
	log, err := newLogger(cfg, logTo)
	if err != nil {
		return err
	}
	if a.verb == verbConsole && a.demo && cfg.Database.Driver == storage.DriverSQLite {
		// On SQLite the demo gets a database of its own, so that trying Liaison leaves no file
		// behind; on Postgres it goes into the configured database, in an empty guild.
		dir, err := os.MkdirTemp("", "liaison-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Database = DatabaseConfig{Driver: storage.DriverSQLite, DSN: filepath.Join(dir, "liaison.db")}
	}
	if cfg.legacyDB {
		log.Warn("using liaison.db from the working directory, as before [database] data_dir; stop Liaison and move it there, or set [database] dsn to keep it",
			"file", cfg.Database.DSN, "data_dir", cfg.Database.DataDir)
	}
	store, applied, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	return runVerb(ctx, a, cfg, store, applied, log, stdin, stdout)
}

// runVerb runs a verb that needs the database, once it is open and migrated.
func runVerb(ctx context.Context, a cliArgs, cfg Config, store *storage.Store, applied []string, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	one := func(usage string) (string, error) {
		if len(a.positional) != 1 {
			return "", errors.New("usage: " + usage)
		}
		return a.positional[0], nil
	}
	switch a.verb {
	case verbRun:
		return runBot(ctx, cfg, store, log)
	case verbRegister:
		return registerOnly(ctx, cfg, store, log)
	case verbMigrate:
		for _, name := range applied {
			fmt.Fprintln(stdout, "applied", name)
		}
		fmt.Fprintln(stdout, "database is up to date")
		return nil
	case verbConsole:
		return runConsole(ctx, cfg, store, log, a, stdin, stdout)
	case verbImport:
		file, err := one("liaison import FILE.csv [--guild ID]")
		if err != nil {
			return err
		}
		return importFile(ctx, cfg, store, log, a.guild, file, stdout)
	case verbExport:
		kind, err := one("liaison export KIND [--format hxl] [--guild ID] (KIND: " + strings.Join(exchange.ExportKinds(), ", ") + ")")
		if err != nil {
			return err
		}
		format, err := exchange.ParseFormat(a.format)
		if err != nil {
			return err
		}
		// Rows stream from the database to stdout: no size limit, flat memory.
		w := bufio.NewWriterSize(stdout, 64<<10)
		if _, err := exchange.ExportCSV(ctx, store, a.guild, kind, format, w); err != nil {
			return err
		}
		return w.Flush()
	case verbChart:
		if a.out == "" || len(a.positional) > 0 {
			return errors.New("usage: liaison chart [--country CC] [--since DATE] [--locale L] [--guild ID] --out FILE.png")
		}
		return writeChart(ctx, store, a, stdout)
	case verbPolice:
		return setPolice(ctx, store, a.guild, a.positional, stdout)
	case verbDraft:
		g, err := store.Guild(ctx, a.guild)
		if err != nil {
			return err
		}
		return draftFile(a, draftMission{loc: g.Location(), host: g.Host}, stdin, stdout)
	case verbBackup:
		path, err := one("liaison backup PATH")
		if err != nil {
			return err
		}
		if err := backup(ctx, cfg, store, path); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "backup written to", path)
		return nil
	}
	return fmt.Errorf("unknown command %q", a.verb)
}

// importFile runs `liaison import`. With [discord] scheduled_events on, the flights it stores
// reach the Events tab as those scheduled by command do, and it returns once Discord has them
// (or the signal comes).
func importFile(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, guild, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if cfg.Discord.ScheduledEvents {
		mirror, err := importMirror(cfg, store, log)
		if err != nil {
			return err
		}
		mirror.Start()
		defer mirror.Close(ctx)
	}
	res, err := exchange.ImportCSV(ctx, store, storage.Actor{GuildID: guild, UserID: "import", Command: "liaison import"}, f)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was stored)", path, err)
	}
	fmt.Fprintln(stdout, "imported:", res)
	return nil
}

// setPolice runs `liaison police CC formed|individual`: whether a contributor's police are
// formed police units (the default) or individual police officers in the forces export.
func setPolice(ctx context.Context, store *storage.Store, guild string, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: liaison police CC formed|individual [--guild ID]")
	}
	c, err := mission.LookupCountry(args[0])
	if err != nil {
		return err
	}
	t, err := mission.ParsePoliceType(args[1])
	if err != nil {
		return err
	}
	if _, err := store.SetPoliceType(ctx, storage.Actor{GuildID: guild, UserID: "cli", Command: "liaison police"}, c.Alpha2, t); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s police are reported as %s in `liaison export forces`\n", c.Name, t)
	return nil
}

// importMirror is the Events-tab mirror of an import.
func importMirror(cfg Config, store *storage.Store, log *slog.Logger) (*jobs.EventMirror, error) {
	if cfg.Discord.Token == "" {
		return nil, &configError{"discord.scheduled_events", "true without discord.token: creating events needs the bot token"}
	}
	setDiscordgoLogger(log, cfg.Discord.Token)
	session, err := bot.NewSession(bot.SessionConfig{Token: cfg.Discord.Token, APIBase: cfg.Discord.APIBase})
	if err != nil {
		return nil, &configError{"discord.api_base", err.Error()}
	}
	m := newEventMirror(store, session, log, store.Now)
	// An import commits far faster than Discord answers, and this process waits for every
	// change before it exits: room for a whole mission's flights, not for a burst of commands.
	m.Queue = 4096
	return m, nil
}

// openStore opens and migrates the configured database.
// It returns the names of the migrations it applied.
func openStore(ctx context.Context, cfg Config) (*storage.Store, []string, error) {
	if cfg.Database.Driver == storage.DriverSQLite && cfg.Database.DataDir != "" && cfg.Database.DSN == cfg.defaultSQLitePath() {
		// The data directory is Liaison's alone: the records and their backups are no one
		// else's to read. A dsn named in the configuration is taken as it is: a missing
		// directory there is a mistake to report, not to paper over.
		if err := os.MkdirAll(cfg.Database.DataDir, 0o700); err != nil {
			return nil, nil, &configError{"database.data_dir", err.Error()}
		}
	}
	store, err := storage.Open(ctx, storage.Config{Driver: cfg.Database.Driver, DSN: cfg.Database.DSN})
	if err != nil {
		// The DSN may hold a password: the line names the key, and the driver's words only.
		return nil, nil, &configError{"database.dsn", err.Error()}
	}
	store.Defaults = cfg.storageDefaults()
	applied, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, applied, nil
}

// newLogger builds the structured logger; the token is never among its attributes.
func newLogger(cfg Config, w io.Writer) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: cfg.parsed.logLevel}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// runConsole serves the console door until the input ends.
func runConsole(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, a cliArgs, in io.Reader, out io.Writer) error {
	guild, guildGiven, demo := a.guild, a.guildGiven, a.demo
	lang, _ := locale.Parse(a.locale) // checked by parseArgs; English when not given
	if demo {
		empty, err := store.GuildIsEmpty(ctx, guild)
		if err != nil {
			return err
		}
		if !empty {
			if guildGiven {
				return fmt.Errorf("--demo loads into an empty guild, and guild %q has records: pass --guild with a new ID", guild)
			}
			// The default console guild is taken (an earlier demo on this database): use a new one.
			guild = fmt.Sprintf("demo-%d", time.Now().Unix())
			fmt.Fprintln(out, locale.T(lang, "console.demo_guild", "Guild", guild))
		}
		res, err := exchange.ImportCSV(ctx, store, storage.Actor{GuildID: guild, UserID: "demo", Command: "console --demo"}, bytes.NewReader(demoTimeline))
		if err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		fmt.Fprintln(out, locale.T(lang, "console.demo_loaded", "Summary", exchange.ImportSummary(lang, res)))
	}
	router, err := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log, PublicURL: cfg.HTTP.PublicURL}))
	if err != nil {
		return err
	}
	router.Now = store.Now // the console's one clock, which its scheduler shares
	console := &bot.Console{Router: router, GuildID: guild, UserID: "console", In: in, Out: out, Locale: a.locale}
	return serveConsole(ctx, cfg, store, log, console, guild)
}

// writeChart draws the guild's force chart, as /forces chart:true does, into a PNG file: in
// the --locale language (else the guild's, else English), from --since when given.
func writeChart(ctx context.Context, store *storage.Store, a cliArgs, stdout io.Writer) error {
	code := ""
	if a.country != "" {
		c, err := mission.LookupCountry(a.country)
		if err != nil {
			return fmt.Errorf("--country: %w", err)
		}
		code = c.Alpha2
	}
	g, err := store.Guild(ctx, a.guild)
	if err != nil {
		return err
	}
	lang := render.English
	if l, ok := locale.Parse(g.Language); ok {
		lang = l
	}
	if l, ok := locale.Parse(a.locale); ok {
		lang = l
	}
	var opt chart.Options
	if a.since != "" {
		// The same words a slash command's since reads, in the guild's time zone.
		t, err := mission.ParseWhen(a.since, store.Now(), g.Location())
		if err != nil {
			return fmt.Errorf("--since: %s", locale.Error(render.English, err))
		}
		opt.Since = t
	}
	ch, err := chart.Forces(ctx, store, lang, g, code, store.Now(), opt)
	if err != nil {
		return err
	}
	if err := os.WriteFile(a.out, ch.PNG, 0o644); err != nil {
		return fmt.Errorf("write chart: %w", err)
	}
	fmt.Fprintf(stdout, "chart written to %s (%d bytes)\n%s\n", a.out, len(ch.PNG), ch.Description)
	return nil
}

// releaseVersion is this release's number, the top entry of CHANGELOG.md (a test keeps the two
// together). A build from a tagged module or with -ldflags "-X main.version=…" says so instead.
const releaseVersion = "0.9.0"

// taggedRelease matches a module version that is a release tag, not a pseudo-version.
var taggedRelease = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)

// buildVersion is what `liaison version` prints: the release, and the commit it was built from
// when Go recorded one (builds inside a git checkout do), so that an operator can tell two
// binaries of the same release apart.
func buildVersion() string {
	v := releaseVersion
	if version != "" {
		v = version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	// A tagged module (go install liaison@v1.2.3) names its release; a build from a checkout
	// gets a pseudo-version (v0.0.0-20250103…-abcdef), which the commit below says better.
	if version == "" && taggedRelease.MatchString(bi.Main.Version) {
		v = strings.TrimPrefix(bi.Main.Version, "v")
	}
	var rev, when string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return v + " (" + bi.GoVersion + ")"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return fmt.Sprintf("%s (commit %s, %s, %s)", v, rev, when, bi.GoVersion)
}

// backup writes a consistent copy of the database while the bot runs. SQLite copies itself
// (VACUUM INTO reads one snapshot); for Postgres, pg_dump does the same in one transaction, in
// its custom format, which pg_restore reads back.
func backup(ctx context.Context, cfg Config, store *storage.Store, path string) error {
	if cfg.Database.Driver != storage.DriverPostgres {
		return store.Backup(ctx, path)
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("backup: Postgres backups need pg_dump on the PATH (Debian: postgresql-client)")
	}
	dsn, schema := storage.SplitSearchPath(cfg.Database.DSN)
	args := []string{"--format=custom", "--file=" + path, "--dbname=" + dsn}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	out, err := exec.CommandContext(ctx, pgDump, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("backup: pg_dump: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
