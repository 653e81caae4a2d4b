package main

import (
	"context"
	"log/slog"

	"liaison/bot"
	"liaison/commands"
	"liaison/jobs"
	"liaison/storage"
)

// newScheduler builds the scheduled-posts dispatcher over the store and a poster, and hooks the
// store's change signal to it so that a new or moved reminder wakes it at once.
func newScheduler(cfg Config, store *storage.Store, log *slog.Logger, poster jobs.Poster, metrics jobs.Metrics) *jobs.Scheduler {
	s := jobs.New(store, poster, log)
	s.LateGrace, _ = cfg.lateGrace()
	s.CountryName = commands.CountryName
	s.Metrics = metrics
	store.RemindersChanged = s.Wake
	return s
}

// serveConsole runs the console door with the scheduler printing reminders as they fall due.
// The console ends at the end of its input; the scheduler stops with it.
func serveConsole(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, c *bot.Console) error {
	ctx, cancel := context.WithCancel(ctx)
	sched := newScheduler(cfg, store, log, consolePoster{c}, jobs.Metrics{})
	done := make(chan error, 1)
	go func() { done <- sched.Run(ctx) }()
	err := c.Run(ctx)
	cancel()
	if serr := <-done; err == nil {
		err = serr
	}
	return err
}

// consolePoster prints due posts in the console. Like Discord with enforce_nonce, it returns the
// first message for a nonce it has already posted, so a retried post is printed once.
type consolePoster struct {
	c *bot.Console
}

func (p consolePoster) Post(_ context.Context, m jobs.Message) (string, error) {
	return p.c.AnnounceOnce(m.Nonce, m.ChannelID, m.Content, m.Embeds), nil
}
