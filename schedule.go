package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/jobs"
	"liaison/locale"
	"liaison/storage"
)

// newScheduler builds the scheduled-posts dispatcher over the store and a poster. Its Run
// subscribes to the store's changes, so that a new or moved reminder wakes it at once.
func newScheduler(cfg Config, store *storage.Store, log *slog.Logger, poster jobs.Poster, metrics jobs.Metrics, now func() time.Time) *jobs.Scheduler {
	s := jobs.New(store, poster, log)
	s.Now = now
	s.LateGrace = cfg.parsed.lateGrace
	s.Lease, s.AttemptTimeout = cfg.parsed.lease, cfg.parsed.attemptTimeout
	s.Workers, s.Batch = cfg.Scheduler.Workers, cfg.Scheduler.Batch
	s.Metrics = metrics
	return s
}

// newEventMirror builds the Events-tab mirror of the store's flight changes; call Start.
func newEventMirror(store *storage.Store, session *discordgo.Session, log *slog.Logger, now func() time.Time) *jobs.EventMirror {
	fe := &jobs.FlightEvents{Client: bot.NewDiscordEvents(session), Store: store, Log: log, Now: now}
	return &jobs.EventMirror{Events: fe, Changes: store, Log: log}
}

// serveConsole runs the console door. When the database is the console's own (it holds no
// other guild), the scheduler runs beside it and prints posts as they fall due, the terminal
// standing in for the announcement channel. On a database that Discord guilds use too, the
// console leaves posting to `liaison run`: its scheduler would claim their reminders and print
// them here instead of posting them in Discord.
func serveConsole(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, c *bot.Console, guild string) error {
	guilds, err := store.Guilds(ctx)
	if err != nil {
		return err
	}
	// The console's own words are in its reader's language; the posts, in the server's.
	lang := locale.Pick(c.Locale, "")
	for _, g := range guilds {
		if g.ID != guild {
			c.Print(locale.T(lang, "console.post.other_guilds"))
			return c.Run(ctx)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	// Like Discord with enforce_nonce, the console poster prints a retried post once.
	posted := locale.T(lang, "console.post.posted")
	poster := bot.NewConsolePoster(func(text string) { c.Print(posted + "\n" + text) })
	poster.Show = func(id string, m jobs.Message) {
		c.ShowPost(posted, id, m.Content, m.Embeds, m.Components)
	}
	sched := newScheduler(cfg, store, log, poster, jobs.Metrics{}, store.Now)
	sched.FallbackChannel = "console"
	done := make(chan error, 1)
	go func() { done <- sched.Run(ctx) }()
	err = c.Run(ctx)
	cancel()
	if serr := <-done; err == nil {
		err = serr
	}
	return err
}
