package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/robfig/cron/v3"

	"liaison/storage"
)

// newCron builds the housekeeping cron. robfig/cron v3.0.1 starts with an empty job chain, so
// a panicking job would take the whole process down; cron.Recover turns the panic into a log
// line and the next run goes ahead. Housekeeping keeps no schedule of its own: each run only
// makes the database's rows match the guilds' settings.
func (s *Scheduler) newCron(spec string, job func()) (*cron.Cron, error) {
	log := cronLogger{s.Log}
	// SkipIfStillRunning: a slow run (a slow database) must not pile up behind itself. It must
	// wrap Recover, not the other way round: it hands its token back without a defer, so a panic
	// passing through it would skip every later run.
	c := cron.New(cron.WithChain(cron.SkipIfStillRunning(log), cron.Recover(log)), cron.WithLogger(log))
	if _, err := c.AddFunc(spec, job); err != nil {
		return nil, fmt.Errorf("housekeeping schedule %q: %w", spec, err)
	}
	return c, nil
}

// Housekeep plans the next digests of every guild, tops up the mandate-end countdowns, forgets
// handled interactions too old to be replayed, removes held changes whose buttons expired and
// clears expired leases. Run calls it at start and on the Housekeeping schedule.
func (s *Scheduler) Housekeep(ctx context.Context) error {
	s.init()
	var errs []error
	if err := s.PlanDigests(ctx); err != nil {
		errs = append(errs, err)
	}
	if n, err := s.Store.TopUpCountdowns(ctx); err != nil {
		errs = append(errs, err)
	} else if n > 0 {
		s.Log.Info("planned missing mandate countdown posts", "count", n)
	}
	if _, err := s.Store.PruneInteractions(ctx, s.now().Add(-storage.InteractionMemory)); err != nil {
		errs = append(errs, err)
	}
	if _, err := s.Store.PruneHeld(ctx, s.now()); err != nil {
		errs = append(errs, err)
	}
	if n, err := s.Store.ExpireLeases(ctx, s.now()); err != nil {
		errs = append(errs, err)
	} else if n > 0 {
		// A sender stopped between claim and mark; the rows are free again.
		s.Log.Info("expired stale reminder leases", "count", n)
		s.Wake()
	}
	return errors.Join(errs...)
}

// housekeep is Housekeep for the cron job: errors are logged, since nobody waits for them.
func (s *Scheduler) housekeep(ctx context.Context) {
	if err := s.Housekeep(ctx); err != nil && ctx.Err() == nil {
		s.Log.Warn("housekeeping", "err", err)
	}
}

// cronLogger adapts slog to robfig/cron's logger; it is what reports a recovered panic.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
