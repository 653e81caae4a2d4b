package jobs

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// fakePoster is Discord as the dispatcher sees it: it remembers each nonce and returns the
// first message for a repeated one (enforce_nonce), counts every call per nonce (so that a
// duplicate post shows even though the nonce hides it), and fails on demand.
type fakePoster struct {
	mu      sync.Mutex
	n       int
	byNonce map[string]string
	calls   map[string]int
	posted  []Message
	// fail returns the error for a call (nil to succeed); it runs under the lock.
	fail func(m Message, call int) error
	// block, when set, is waited on by every Post before it does anything; started, when set,
	// receives a value as each Post begins.
	block   chan struct{}
	started chan struct{}
	// callTimes records when each call was made.
	callTimes []time.Time
}

func newFakePoster() *fakePoster {
	return &fakePoster{byNonce: map[string]string{}, calls: map[string]int{}}
}

func (p *fakePoster) Post(ctx context.Context, m Message) (string, error) {
	if p.started != nil {
		p.started <- struct{}{}
	}
	if p.block != nil {
		select {
		case <-p.block:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[m.Nonce]++
	p.callTimes = append(p.callTimes, time.Now())
	if p.fail != nil {
		if err := p.fail(m, len(p.callTimes)); err != nil {
			return "", err
		}
	}
	if id, ok := p.byNonce[m.Nonce]; ok {
		return id, nil
	}
	p.n++
	id := fmt.Sprintf("msg-%d", p.n)
	p.byNonce[m.Nonce] = id
	p.posted = append(p.posted, m)
	return id, nil
}

// messages returns the distinct messages posted so far.
func (p *fakePoster) messages() []Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Message(nil), p.posted...)
}

// callCount is how many times Post was called in all.
func (p *fakePoster) callCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.callTimes)
}

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixture is a migrated store with a fixed clock, a guild "G" with an announcement channel,
// and a scheduler over a fake poster.
type fixture struct {
	store  *storage.Store
	clock  *storagetest.Clock
	poster *fakePoster
	sched  *Scheduler
	logs   *logBuffer
}

func newFixture(t testing.TB, driver string) *fixture {
	t.Helper()
	st, clock := storagetest.OpenClock(t, driver)
	f := &fixture{store: st, clock: clock, poster: newFakePoster(), logs: &logBuffer{}}
	f.sched = testScheduler(st, clock, f.poster, f.logs, "test")
	f.setGuild(t, "G", func(g *storage.Guild) { g.ChannelID = "C1"; g.ModeratorRoleID = "R1" })
	return f
}

// testScheduler is a scheduler with short waits, so that retry tests run in milliseconds.
func testScheduler(st *storage.Store, clock *storagetest.Clock, p Poster, logs *logBuffer, owner string) *Scheduler {
	var log *slog.Logger
	if logs != nil {
		log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s := New(st, p, log)
	s.Now = clock.Now
	s.Owner = owner
	s.BackoffBase = 2 * time.Millisecond
	s.BackoffMax = 10 * time.Millisecond
	s.AttemptTimeout = 2 * time.Second
	return s
}

func (f *fixture) setGuild(t testing.TB, id string, change func(g *storage.Guild)) storage.Guild {
	t.Helper()
	g, err := f.store.UpdateGuild(context.Background(), storage.Actor{GuildID: id, UserID: "admin"}, func(g *storage.Guild) error {
		change(g)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateGuild: %v", err)
	}
	return g
}

// dispatch runs one DispatchDue and fails the test on error.
func (f *fixture) dispatch(t testing.TB) int {
	t.Helper()
	n, err := f.sched.DispatchDue(context.Background())
	if err != nil {
		t.Fatalf("DispatchDue: %v", err)
	}
	return n
}

// reminders returns guild G's reminders of kind in due order, whatever their status.
func (f *fixture) reminders(t testing.TB, kind mission.ReminderKind) []storage.Reminder {
	t.Helper()
	var rs []storage.Reminder
	if err := f.store.DB().Where("guild_id = ? AND kind = ?", "G", kind).Order("due_at, id").Find(&rs).Error; err != nil {
		t.Fatalf("load reminders: %v", err)
	}
	return rs
}

// flight schedules a flight of G with a Guatemala/El Salvador manifest, due in eta.
func (f *fixture) flight(t testing.TB, eta time.Duration) storage.Flight {
	t.Helper()
	fl, err := f.store.ScheduleFlight(context.Background(), storage.Actor{GuildID: "G", UserID: "mod"}, storage.Flight{
		ETA: f.clock.Now().Add(eta), Destination: "PAP", Aircraft: "C-17", Source: "press",
		Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: "military"}}, {ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 8, Role: "medical"}}},
	})
	if err != nil {
		t.Fatalf("ScheduleFlight: %v", err)
	}
	return fl
}

// text is everything a message shows, for substring checks.
func text(m Message) string {
	var b strings.Builder
	b.WriteString(m.Content + "\n")
	for _, e := range m.Embeds {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
		for _, fl := range e.Fields {
			b.WriteString(fl.Name + "\n" + fl.Value + "\n")
		}
		if e.Footer != nil {
			b.WriteString(e.Footer.Text + "\n")
		}
	}
	return b.String()
}

// bulkDue inserts n pending countdown-kind rows of guild, all due at due, in batches: the
// dispatcher posts countdown rows from the guild's settings alone, without further reads,
// which keeps the large tests about the dispatcher rather than the renderer.
func bulkDue(t testing.TB, st *storage.Store, guild string, n int, due time.Time) {
	t.Helper()
	end := due.Add(24 * time.Hour)
	if _, err := st.UpdateGuild(context.Background(), storage.Actor{GuildID: guild, UserID: "admin"}, func(g *storage.Guild) error {
		g.ChannelID = "C-" + guild
		g.MandateEnd = &end
		g.Digest = "off"
		return nil
	}); err != nil {
		t.Fatalf("UpdateGuild: %v", err)
	}
	now := due.UTC()
	rows := make([]storage.Reminder, 0, 1000)
	flush := func() {
		if len(rows) == 0 {
			return
		}
		if err := st.DB().CreateInBatches(rows, 1000).Error; err != nil {
			t.Fatalf("insert reminders: %v", err)
		}
		rows = rows[:0]
	}
	for i := range n {
		rows = append(rows, storage.Reminder{GuildID: guild, Kind: mission.ReminderCountdown,
			DedupeKey: fmt.Sprintf("bulk:%d", i), OffsetSecs: 86400, DueAt: now, Status: mission.ReminderPending,
			Nonce: fmt.Sprintf("%s-%d", guild, i), CreatedAt: now, UpdatedAt: now})
		if len(rows) == cap(rows) {
			flush()
		}
	}
	flush()
}
