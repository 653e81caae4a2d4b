package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/jobs"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Config is liaison's configuration: config.example.toml documents every key.
type Config struct {
	Discord   DiscordConfig   `toml:"discord"`
	HTTP      HTTPConfig      `toml:"http"`
	Database  DatabaseConfig  `toml:"database"`
	Defaults  DefaultsConfig  `toml:"defaults"`
	Scheduler SchedulerConfig `toml:"scheduler"`
	Log       LogConfig       `toml:"log"`

	// parsed holds what check parsed, so that the rest of the program reads typed values and
	// nothing is parsed twice.
	parsed parsedConfig
	// legacyDB is set when the SQLite file is ./liaison.db from before [database] data_dir,
	// kept so that an existing install goes on with its records; the start says so.
	legacyDB bool
}

// parsedConfig is the typed form of the keys that need parsing.
type parsedConfig struct {
	reminderOffsets []time.Duration
	lateGrace       time.Duration
	lease           time.Duration
	attemptTimeout  time.Duration
	logLevel        slog.Level
	airport         string
}

// DiscordConfig is the [discord] section.
type DiscordConfig struct {
	Token           string `toml:"token"`
	ApplicationID   string `toml:"application_id"`
	PublicKey       string `toml:"public_key"`
	APIBase         string `toml:"api_base"`
	Gateway         bool   `toml:"gateway"`
	Register        string `toml:"register"`
	ShardID         int    `toml:"shard_id"`
	ShardCount      int    `toml:"shard_count"`
	ScheduledEvents bool   `toml:"scheduled_events"`
}

// HTTPConfig is the [http] section.
type HTTPConfig struct {
	Listen string `toml:"listen"`
	// MetricsListen serves /metrics on its own address, off the public listener.
	MetricsListen string `toml:"metrics_listen"`
	// PublicURL is where the outside world reaches listen (behind a TLS proxy, usually): the
	// base of the links /settings share gives. Empty: the command says to set it.
	PublicURL string `toml:"public_url"`
}

// DatabaseConfig is the [database] section.
type DatabaseConfig struct {
	Driver string `toml:"driver"`
	DSN    string `toml:"dsn"`
	// DataDir holds the SQLite file when DSN is empty: not the working directory, which
	// depends on how Liaison was started.
	DataDir string `toml:"data_dir"`
}

// DefaultsConfig is the [defaults] section: what a new guild starts with.
type DefaultsConfig struct {
	Timezone        string `toml:"timezone"`
	Airport         string `toml:"airport"`
	ReminderOffsets string `toml:"reminder_offsets"`
	Digest          string `toml:"digest"`
	LateGrace       string `toml:"late_grace"`
}

// SchedulerConfig is how this instance posts reminders. The defaults suit instances that talk
// to Discord directly; behind a shared REST proxy, requests wait inside the proxy, so the lease
// and the attempt get longer, more posts are in flight, and the proxy keeps the global limit.
type SchedulerConfig struct {
	Lease          string `toml:"lease"`
	AttemptTimeout string `toml:"attempt_timeout"`
	Workers        int    `toml:"workers"`
	Batch          int    `toml:"batch"`
	GlobalRate     int    `toml:"global_rate"`
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string `toml:"level"`
	Format string `toml:"format"`
}

// defaultConfig is the configuration with no file and no environment.
func defaultConfig() Config {
	c := Config{
		Discord:  DiscordConfig{Gateway: true, Register: "global", ShardCount: 1},
		Database: DatabaseConfig{Driver: storage.DriverSQLite},
		Defaults: DefaultsConfig{Timezone: "America/Port-au-Prince", Airport: "PAP", ReminderOffsets: "24h,1h,0",
			Digest: "0 8 * * *", LateGrace: "6h"},
		Scheduler: SchedulerConfig{Lease: jobs.DefaultLease.String(), AttemptTimeout: jobs.DefaultAttemptTimeout.String(),
			Workers: jobs.DefaultWorkers, Batch: jobs.DefaultBatch, GlobalRate: int(bot.DefaultGlobalRate)},
		Log: LogConfig{Level: "info", Format: "text"},
	}
	// The defaults are parsed like any configuration, so that a Config is never used unparsed.
	if err := c.check(); err != nil {
		panic("liaison: the built-in defaults are invalid: " + err.Error())
	}
	return c
}

// configError names the key that is wrong, so the start stops with one clear line.
type configError struct {
	key string
	msg string
}

func (e *configError) Error() string { return "config " + e.key + ": " + e.msg }

// loadConfig reads the file (if any), then applies LIAISON_<SECTION>_<KEY> environment
// overrides and DISCORD_TOKEN, then checks every value. A missing file is an error only when it
// was named explicitly.
func loadConfig(path string, explicit bool, env func(string) string) (Config, error) {
	cfg := defaultConfig()
	if path != "" {
		md, err := toml.DecodeFile(path, &cfg)
		switch {
		case err == nil:
			if undecoded := md.Undecoded(); len(undecoded) > 0 {
				return cfg, &configError{key: undecoded[0].String(), msg: "unknown key (see config.example.toml)"}
			}
		case os.IsNotExist(err) && !explicit:
		default:
			return cfg, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, env); err != nil {
		return cfg, err
	}
	if t := env("DISCORD_TOKEN"); t != "" {
		cfg.Discord.Token = t
	}
	cfg.resolveSQLite(env)
	err := cfg.check()
	return cfg, err
}

// applyEnv sets every key that has a LIAISON_<SECTION>_<KEY> variable.
func applyEnv(cfg *Config, env func(string) string) error {
	root := reflect.ValueOf(cfg).Elem()
	for i := 0; i < root.NumField(); i++ {
		section := root.Type().Field(i).Tag.Get("toml")
		if section == "" {
			continue // not a configuration section (the parsed values)
		}
		sv := root.Field(i)
		for j := 0; j < sv.NumField(); j++ {
			key := sv.Type().Field(j).Tag.Get("toml")
			name := "LIAISON_" + strings.ToUpper(section) + "_" + strings.ToUpper(key)
			v, ok := lookup(env, name)
			if !ok {
				continue
			}
			f := sv.Field(j)
			switch f.Kind() {
			case reflect.String:
				f.SetString(v)
			case reflect.Bool:
				switch strings.ToLower(v) {
				case "true", "1", "yes":
					f.SetBool(true)
				case "false", "0", "no":
					f.SetBool(false)
				default:
					return &configError{key: section + "." + key, msg: fmt.Sprintf("%s=%q is not true or false", name, v)}
				}
			case reflect.Int:
				var n int
				if _, err := fmt.Sscan(v, &n); err != nil {
					return &configError{key: section + "." + key, msg: fmt.Sprintf("%s=%q is not a number", name, v)}
				}
				f.SetInt(int64(n))
			}
		}
	}
	return nil
}

func lookup(env func(string) string, name string) (string, bool) {
	v := env(name)
	return v, v != ""
}

// check validates every value that can be checked without the network, with the parsers the
// commands use, and keeps the parsed values.
func (c *Config) check() error {
	switch c.Database.Driver {
	case storage.DriverSQLite, storage.DriverPostgres:
	default:
		return &configError{"database.driver", fmt.Sprintf("%q: want \"sqlite\" or \"postgres\"", c.Database.Driver)}
	}
	if c.Database.DSN == "" && c.Database.Driver == storage.DriverPostgres {
		return &configError{"database.dsn", "empty: a Postgres URL, e.g. postgres://liaison@db:5432/liaison?sslmode=require"}
	}
	if c.Discord.Register != "global" && c.Discord.Register != "off" && !strings.HasPrefix(c.Discord.Register, "guild:") {
		return &configError{"discord.register", fmt.Sprintf("%q: want \"global\", \"guild:<id>\" or \"off\"", c.Discord.Register)}
	}
	if c.Discord.ShardCount < 1 || c.Discord.ShardID < 0 || c.Discord.ShardID >= c.Discord.ShardCount {
		return &configError{"discord.shard_id", fmt.Sprintf("shard %d of %d: want 0 <= shard_id < shard_count", c.Discord.ShardID, c.Discord.ShardCount)}
	}
	if id := c.Discord.ApplicationID; id != "" && !discordtext.IsSnowflake(id) {
		return &configError{"discord.application_id", fmt.Sprintf("%q: want the application's numeric ID from the Developer Portal, or empty to ask Discord", id)}
	}
	if c.Discord.PublicKey != "" {
		if _, err := decodePublicKey(c.Discord.PublicKey); err != nil {
			return &configError{"discord.public_key", err.Error()}
		}
	}
	if u := c.HTTP.PublicURL; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" {
			return &configError{"http.public_url", fmt.Sprintf("%q: want an absolute http(s) URL such as \"https://liaison.example.org\"", u)}
		}
		c.HTTP.PublicURL = strings.TrimRight(u, "/")
	}
	if _, err := time.LoadLocation(c.Defaults.Timezone); err != nil || c.Defaults.Timezone == "" {
		return &configError{"defaults.timezone", fmt.Sprintf("%q is not an IANA time zone", c.Defaults.Timezone)}
	}
	offs, err := mission.ParseOffsets(c.Defaults.ReminderOffsets)
	if err != nil {
		return &configError{"defaults.reminder_offsets", englishError(err)}
	}
	c.parsed.reminderOffsets = offs
	if c.parsed.airport, err = mission.ParseAirport(c.Defaults.Airport); err != nil {
		return &configError{"defaults.airport", englishError(err)}
	}
	if _, err := mission.ParseDigest(c.Defaults.Digest); err != nil || strings.TrimSpace(c.Defaults.Digest) == "" {
		return &configError{"defaults.digest", fmt.Sprintf("%q is not a 5-field cron expression or \"off\"", c.Defaults.Digest)}
	}
	if c.parsed.lateGrace, err = parseLateGrace(c.Defaults.LateGrace); err != nil {
		return &configError{"defaults.late_grace", englishError(err)}
	}
	if err := c.checkScheduler(); err != nil {
		return err
	}
	if c.parsed.logLevel, err = parseLogLevel(c.Log.Level); err != nil {
		return &configError{"log.level", err.Error()}
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return &configError{"log.format", fmt.Sprintf("%q: want \"text\" or \"json\"", c.Log.Format)}
	}
	return nil
}

// checkScheduler checks [scheduler]: an attempt must end before its lease does, or another
// instance could claim a post still being sent and only the nonce would stand in the way.
func (c *Config) checkScheduler() error {
	var err error
	if c.parsed.lease, err = parsePositive(c.Scheduler.Lease); err != nil {
		return &configError{"scheduler.lease", err.Error()}
	}
	if c.parsed.attemptTimeout, err = parsePositive(c.Scheduler.AttemptTimeout); err != nil {
		return &configError{"scheduler.attempt_timeout", err.Error()}
	}
	if c.parsed.attemptTimeout >= c.parsed.lease {
		return &configError{"scheduler.attempt_timeout", fmt.Sprintf("%s must be shorter than scheduler.lease (%s)",
			c.Scheduler.AttemptTimeout, c.Scheduler.Lease)}
	}
	if c.Scheduler.Workers < 1 || c.Scheduler.Workers > maxSchedulerWorkers {
		return &configError{"scheduler.workers", fmt.Sprintf("%d: want 1 to %d", c.Scheduler.Workers, maxSchedulerWorkers)}
	}
	if c.Scheduler.Batch < 1 || c.Scheduler.Batch > maxSchedulerBatch {
		return &configError{"scheduler.batch", fmt.Sprintf("%d: want 1 to %d", c.Scheduler.Batch, maxSchedulerBatch)}
	}
	if c.Scheduler.GlobalRate < 0 || c.Scheduler.GlobalRate > discordGlobalLimit {
		return &configError{"scheduler.global_rate", fmt.Sprintf("%d: want 0 (a REST proxy keeps the global limit) to %d, Discord's global limit",
			c.Scheduler.GlobalRate, discordGlobalLimit)}
	}
	return nil
}

// Bounds of [scheduler]: beyond them an instance would hold more posts than it can send
// within any lease, or exceed what Discord allows a bot in one second.
const (
	maxSchedulerWorkers = 256
	maxSchedulerBatch   = 10000
	discordGlobalLimit  = 50
)

// parsePositive reads a positive duration such as "6s" or "1m".
func parsePositive(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 6s or 1m", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", s)
	}
	return d, nil
}

// englishError writes a parser's error for the operator, who reads configuration errors in
// English: a mission error's Error() is its catalog key, for logs.
func englishError(err error) string { return locale.Error(locale.English, err) }

func parseLateGrace(s string) (time.Duration, error) {
	d, err := mission.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", s)
	}
	return d, nil
}

func parseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("%q: want debug, info, warn or error", s)
	}
	return l, nil
}

// storageDefaults are the guild defaults as storage needs them, in canonical form.
func (c Config) storageDefaults() storage.Defaults {
	return storage.Defaults{Timezone: c.Defaults.Timezone, Airport: c.parsed.airport,
		ReminderOffsets: c.parsed.reminderOffsets, Digest: c.Defaults.Digest}
}

// legacySQLite is where the SQLite file was before [database] data_dir: the working directory.
const legacySQLite = "liaison.db"

// resolveSQLite fills an empty SQLite dsn: <data_dir>/liaison.db, where data_dir defaults to
// systemd's $STATE_DIRECTORY, else $XDG_DATA_HOME/liaison, else ~/.local/share/liaison. An
// install from before data_dir, with ./liaison.db and nothing at the new place yet, keeps its
// file (legacyDB), so that an upgrade never starts on an empty database.
func (c *Config) resolveSQLite(env func(string) string) {
	if c.Database.Driver != storage.DriverSQLite || c.Database.DSN != "" {
		return
	}
	if c.Database.DataDir == "" {
		c.Database.DataDir = defaultDataDir(env)
	}
	c.Database.DSN = c.defaultSQLitePath()
	if _, err := os.Stat(c.Database.DSN); err == nil {
		return
	}
	if _, err := os.Stat(legacySQLite); err == nil {
		c.Database.DSN, c.legacyDB = legacySQLite, true
	}
}

// defaultSQLitePath is the SQLite file under [database] data_dir.
func (c Config) defaultSQLitePath() string {
	return filepath.Join(c.Database.DataDir, "liaison.db")
}

// defaultDataDir is where the SQLite file goes when the configuration names no place.
func defaultDataDir(env func(string) string) string {
	// systemd's StateDirectory= sets it (the first, when several are listed).
	if d, _, _ := strings.Cut(env("STATE_DIRECTORY"), ":"); d != "" {
		return d
	}
	if d := env("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "liaison")
	}
	if home := env("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "liaison")
	}
	return "."
}

// decodePublicKey parses the application's hex Ed25519 public key.
func decodePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("want %d hex-encoded bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}
