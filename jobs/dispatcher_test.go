package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

func TestFlightReminderPost(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	fl := f.flight(t, 3*time.Hour)
	rs := f.reminders(t, mission.ReminderFlight)
	if len(rs) != 2 {
		t.Fatalf("planned flight reminders = %d, want 2 (1h and 0 before a flight due in 3h)", len(rs))
	}

	if n := f.dispatch(t); n != 0 {
		t.Fatalf("DispatchDue before anything is due settled %d, want 0", n)
	}
	f.clock.Advance(2*time.Hour + 30*time.Second) // the 1h reminder is 30 s due
	if n := f.dispatch(t); n != 1 {
		t.Fatalf("DispatchDue settled %d, want 1", n)
	}
	msgs := f.poster.messages()
	if len(msgs) != 1 {
		t.Fatalf("posted %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	got := text(m)
	eta := fl.ETA.Unix()
	for _, want := range []string{
		fmt.Sprintf("#%d", fl.ID),
		fmt.Sprintf("<t:%d:F>", eta),
		fmt.Sprintf("<t:%d:R>", eta),
		"PAP",
		"🇬🇹 Guatemala — 75 military",
		"🇸🇻 El Salvador — 8 medical",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("flight reminder lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "late") {
		t.Errorf("on-time reminder says it is late:\n%s", got)
	}
	if m.ChannelID != "C1" || m.Nonce != rs[0].Nonce {
		t.Errorf("posted to %q with nonce %q, want C1 and the row's nonce %q", m.ChannelID, m.Nonce, rs[0].Nonce)
	}
	if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 || len(m.AllowedMentions.Roles) != 0 {
		t.Errorf("allowed_mentions = %+v, want nobody", m.AllowedMentions)
	}
	r := f.reminders(t, mission.ReminderFlight)[0]
	if r.Status != mission.ReminderSent || r.MessageID != "msg-1" || r.Late || r.SentAt == nil {
		t.Errorf("row after posting: status %q message %q late %v sent %v; want sent msg-1 on time", r.Status, r.MessageID, r.Late, r.SentAt)
	}
}

func TestOverdueNudge(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	open := f.flight(t, 30*time.Minute)
	closed := f.flight(t, 30*time.Minute)
	// The landing races with the dispatcher: the row is still pending when the time comes.
	if err := f.store.DB().Model(&storage.Flight{}).Where("id = ?", closed.ID).Update("status", mission.FlightLanded).Error; err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(30*time.Minute + storage.OverdueAfter)
	f.dispatch(t)
	var nudges []Message
	for _, m := range f.poster.messages() {
		if strings.Contains(m.Content, "overdue") || strings.Contains(m.Content, "neither landed") {
			nudges = append(nudges, m)
		}
	}
	if len(nudges) != 1 {
		t.Fatalf("overdue nudges = %d, want 1 (for the open flight only)", len(nudges))
	}
	m := nudges[0]
	if !strings.Contains(m.Content, "<@&R1>") || !strings.Contains(m.Content, fmt.Sprintf("flight #%d", open.ID)) {
		t.Errorf("nudge = %q, want the moderator role mention and flight #%d", m.Content, open.ID)
	}
	if am := m.AllowedMentions; am == nil || len(am.Parse) != 0 || !slices.Equal(am.Roles, []string{"R1"}) || len(am.Users) != 0 {
		t.Errorf("nudge allowed_mentions = %+v, want only role R1", am)
	}
	var statuses []string
	for _, r := range f.reminders(t, mission.ReminderOverdue) {
		statuses = append(statuses, fmt.Sprintf("#%d %s", *r.FlightID, r.Status))
	}
	want := []string{fmt.Sprintf("#%d sent", open.ID), fmt.Sprintf("#%d cancelled", closed.ID)}
	if !slices.Equal(statuses, want) {
		t.Errorf("overdue rows = %q, want %q", statuses, want)
	}
}

func TestCountdownPost(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	end := f.clock.Now().Add(40 * 24 * time.Hour)
	f.setGuild(t, "G", func(g *storage.Guild) { g.MandateEnd = &end; g.MissionName = "MSS"; g.Digest = "off" })
	f.clock.Advance(10*24*time.Hour + time.Second) // 30 days left
	f.dispatch(t)
	msgs := f.poster.messages()
	if len(msgs) != 1 {
		t.Fatalf("posted %d, want the 30-day countdown", len(msgs))
	}
	for _, want := range []string{"30 days", "MSS", fmt.Sprintf("<t:%d:F>", end.Unix())} {
		if !strings.Contains(msgs[0].Content, want) {
			t.Errorf("countdown %q lacks %q", msgs[0].Content, want)
		}
	}
}

func TestNoChannelFails(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.setGuild(t, "G", func(g *storage.Guild) { g.ChannelID = "" })
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	f.dispatch(t)
	r := f.reminders(t, mission.ReminderFlight)[0]
	if r.Status != mission.ReminderFailed || r.LastError != "no announcement channel: /settings channel" {
		t.Errorf("row = %q %q, want failed with the /settings channel hint", r.Status, r.LastError)
	}
	if f.poster.callCount() != 0 {
		t.Errorf("posted %d times without a channel", f.poster.callCount())
	}
	listed, _, err := f.store.FindReminders(context.Background(), "G", storage.ReminderFilter{Statuses: []mission.ReminderStatus{mission.ReminderFailed}})
	if err != nil || len(listed) != 1 {
		t.Errorf("/reminders list of failed rows = %d, %v; want the failed row", len(listed), err)
	}
}

// TestFallbackChannel: the console posts reminders of a guild that has no channel.
func TestFallbackChannel(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.setGuild(t, "G", func(g *storage.Guild) { g.ChannelID = "" })
	f.sched.FallbackChannel = "console"
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	f.dispatch(t)
	if msgs := f.poster.messages(); len(msgs) != 1 || msgs[0].ChannelID != "console" {
		t.Errorf("messages = %+v, want one in the fallback channel", msgs)
	}
}

// TestDiscordErrors covers the error classes the poster reports.
func TestDiscordErrors(t *testing.T) {
	e500 := &PostError{Status: 500, Err: errors.New("internal server error")}
	netErr := errors.New("dial tcp: connection refused")
	limited := &PostError{Status: 429, Retry: 40 * time.Millisecond, Err: errors.New("rate limited")}
	gone := &PostError{Status: 404, Code: 10003, Final: true, Err: errors.New("Unknown Channel")}
	denied := &PostError{Status: 403, Code: 50013, Final: true, Err: errors.New("Missing Permissions")}
	tests := []struct {
		name      string
		errs      []error // returned by the first calls, in order
		status    mission.ReminderStatus
		calls     int
		errSubstr string
		minTook   time.Duration
	}{
		{"ok", nil, mission.ReminderSent, 1, "", 0},
		{"two 500s then ok", []error{e500, e500}, mission.ReminderSent, 3, "", 0},
		{"network error then ok", []error{netErr}, mission.ReminderSent, 2, "", 0},
		{"429 waits retry_after", []error{limited, limited}, mission.ReminderSent, 3, "", 80 * time.Millisecond},
		{"500 until the last attempt", []error{e500, e500, e500, e500, e500, e500}, mission.ReminderFailed, 5, "gave up after 5 attempts: HTTP 500", 0},
		{"deleted channel", []error{gone}, mission.ReminderFailed, 1, "no longer exists (Discord 10003)", 0},
		{"missing permission", []error{denied}, mission.ReminderFailed, 1, "may not post in <#C1> (Discord 50013", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, storage.DriverSQLite)
			errs := slices.Clone(tt.errs)
			f.poster.fail = func(Message, int) error {
				if len(errs) == 0 {
					return nil
				}
				err := errs[0]
				errs = errs[1:]
				return err
			}
			f.flight(t, 0)
			f.clock.Advance(time.Second)
			start := time.Now()
			f.dispatch(t)
			took := time.Since(start)
			r := f.reminders(t, mission.ReminderFlight)[0]
			if r.Status != tt.status || !strings.Contains(r.LastError, tt.errSubstr) {
				t.Errorf("row = %s %q, want %s containing %q", r.Status, r.LastError, tt.status, tt.errSubstr)
			}
			if got := f.poster.callCount(); got != tt.calls {
				t.Errorf("Post called %d times, want %d", got, tt.calls)
			}
			if took < tt.minTook {
				t.Errorf("took %v, want at least %v (retry_after honoured)", took, tt.minTook)
			}
			if tt.status == mission.ReminderSent && r.MessageID == "" {
				t.Errorf("sent row has no message ID")
			}
		})
	}
}

// TestBrokenChannelLoggedOnce: every reminder for a deleted channel fails at once, and the log
// says so once, not once per reminder.
func TestBrokenChannelLoggedOnce(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.poster.fail = func(Message, int) error {
		return &PostError{Status: 404, Code: 10003, Final: true, Err: errors.New("Unknown Channel")}
	}
	f.flight(t, 0)
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	f.dispatch(t)
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	f.dispatch(t)
	for _, r := range f.reminders(t, mission.ReminderFlight) {
		if r.Status != mission.ReminderFailed {
			t.Errorf("reminder #%d is %s, want failed", r.ID, r.Status)
		}
	}
	if got := f.poster.callCount(); got != 3 {
		t.Errorf("Post called %d times, want 3 (once per reminder, no retries)", got)
	}
	if n := strings.Count(f.logs.String(), "reminder cannot be posted"); n != 1 {
		t.Errorf("logged the broken channel %d times, want once:\n%s", n, f.logs.String())
	}
}

// TestLongRateLimitGivesRowBack: a 429 longer than half the lease frees the worker and keeps the
// row leased until Discord's time, after which it is posted.
func TestLongRateLimitGivesRowBack(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	calls := 0
	f.poster.fail = func(Message, int) error {
		calls++
		if calls == 1 {
			return &PostError{Status: 429, Retry: 10 * time.Minute, Err: errors.New("global rate limit")}
		}
		return nil
	}
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	f.dispatch(t)
	r := f.reminders(t, mission.ReminderFlight)[0]
	if r.Status != mission.ReminderPending || r.LeaseUntil == nil || !r.LeaseUntil.Equal(f.clock.Now().Add(10*time.Minute).UTC()) {
		t.Fatalf("row after a 10-minute 429 = %s lease %v, want pending, leased until %v", r.Status, r.LeaseUntil, f.clock.Now().Add(10*time.Minute).UTC())
	}
	f.clock.Advance(5 * time.Minute)
	f.dispatch(t)
	if got := f.poster.callCount(); got != 1 {
		t.Fatalf("posted again before retry_after: %d calls", got)
	}
	f.clock.Advance(5 * time.Minute)
	f.dispatch(t)
	r = f.reminders(t, mission.ReminderFlight)[0]
	if r.Status != mission.ReminderSent || !r.Late {
		t.Errorf("row after the wait = %s late=%v, want sent, late", r.Status, r.Late)
	}
}

// TestCrashBetweenClaimAndPost: a sender claims and dies; after its lease another posts once.
func TestCrashBetweenClaimAndPost(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	claimed, err := f.store.ClaimDueFor(context.Background(), "crashed#1", f.clock.Now(), f.sched.Lease, storage.ClaimLimits{Limit: 10})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimDueFor = %d rows, %v", len(claimed), err)
	}
	if n := f.dispatch(t); n != 0 || f.poster.callCount() != 0 {
		t.Fatalf("while the dead sender's lease runs: settled %d, posted %d; want nothing", n, f.poster.callCount())
	}
	f.clock.Advance(f.sched.Lease)
	f.dispatch(t)
	if got := len(f.poster.messages()); got != 1 {
		t.Errorf("messages after the lease expired = %d, want 1", got)
	}
	r := f.reminders(t, mission.ReminderFlight)[0]
	if r.Status != mission.ReminderSent || r.Attempts != 2 {
		t.Errorf("row = %s after %d claims, want sent after 2", r.Status, r.Attempts)
	}
}

// TestCrashBetweenPostAndMark: a sender posts and dies before recording it; the sender that
// re-claims posts again with the same nonce, Discord returns the first message, and there is
// still one message.
func TestCrashBetweenPostAndMark(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	claimed, err := f.store.ClaimDueFor(context.Background(), "crashed#1", f.clock.Now(), f.sched.Lease, storage.ClaimLimits{Limit: 10})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimDueFor = %d rows, %v", len(claimed), err)
	}
	// What the crashed sender did before dying: post with the row's nonce.
	first, err := f.poster.Post(context.Background(), Message{ChannelID: "C1", Nonce: claimed[0].Nonce, Content: "first"})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(f.sched.Lease + time.Second)
	f.dispatch(t)
	if got := len(f.poster.messages()); got != 1 {
		t.Errorf("messages = %d, want 1 (the nonce returned the first)", got)
	}
	r := f.reminders(t, mission.ReminderFlight)[0]
	if r.Status != mission.ReminderSent || r.MessageID != first {
		t.Errorf("row = %s message %q, want sent as the first message %q", r.Status, r.MessageID, first)
	}
	// The dead sender's late write cannot undo it.
	if err := f.store.MarkFailed(context.Background(), claimed[0], "timeout"); !errors.Is(err, storage.ErrLeaseLost) {
		t.Errorf("stale MarkFailed = %v, want ErrLeaseLost", err)
	}
}

// TestStopReleasesClaims: stopping mid-pass lets the post in flight finish and be recorded, and
// gives back every row claimed but not posted, at once.
func TestStopReleasesClaims(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.sched.Workers = 1
	bulkDue(t, f.store, "G", 20, f.clock.Now().Add(-time.Minute))
	f.poster.block = make(chan struct{})
	f.poster.started = make(chan struct{}, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		n, _ := f.sched.DispatchDue(ctx)
		done <- n
	}()
	// Wait until the first post is in flight, then stop and let it finish.
	select {
	case <-f.poster.started:
	case <-time.After(5 * time.Second):
		t.Fatal("no post started")
	}
	cancel()
	close(f.poster.block)
	n := <-done
	if n != 1 {
		t.Errorf("settled %d, want the 1 post in flight", n)
	}
	var sent, free int64
	f.store.DB().Model(&storage.Reminder{}).Where("status = ?", mission.ReminderSent).Count(&sent)
	f.store.DB().Model(&storage.Reminder{}).Where("status = ? AND lease_until IS NULL AND lease_owner = '' AND attempts = 0", mission.ReminderPending).Count(&free)
	if sent != 1 || free != 19 {
		t.Errorf("after stop: %d sent, %d pending and free; want 1 and 19", sent, free)
	}
}

// TestDowntime restarts after the bot was down: a reminder inside late_grace is posted and says
// it is late; one beyond is recorded missed and listed in the next digest; several days of
// missed digests give one digest.
func TestDowntime(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, st *storage.Store) {
		clock := storagetest.NewClock(storagetest.Start)
		st.Now = clock.Now
		f := &fixture{store: st, clock: clock, poster: newFakePoster(), logs: &logBuffer{}}
		f.sched = testScheduler(st, clock, f.poster, f.logs, "test")
		f.setGuild(t, "G", func(g *storage.Guild) { g.ChannelID = "C1"; g.Planned = 2500; g.Digest = "0 8 * * *" })
		ctx := context.Background()
		if err := f.sched.Housekeep(ctx); err != nil {
			t.Fatal(err)
		}
		// Start is 3 Jan 15:00 local: digests are planned for 4 and 5 Jan at 08:00.
		if got := keys(f.reminders(t, mission.ReminderDigest)); !slices.Equal(got, []string{"digest:2025-01-04", "digest:2025-01-05"}) {
			t.Fatalf("planned digests = %q", got)
		}
		soon := f.flight(t, 3*time.Hour)                  // 1h reminder due at 17:00, 0 at 18:00
		later := f.flight(t, 10*time.Hour+30*time.Minute) // 1h reminder due at 00:30, 0 at 01:30

		// Down from now until 4 Jan 02:00 local: 18:00 is 8 h late (missed), 00:30 and 01:30 are
		// within the grace.
		clock.Advance(11 * time.Hour)
		if err := f.sched.Housekeep(ctx); err != nil {
			t.Fatal(err)
		}
		f.dispatch(t)
		byFlight := map[int64][]string{}
		for _, r := range f.reminders(t, mission.ReminderFlight) {
			byFlight[*r.FlightID] = append(byFlight[*r.FlightID], fmt.Sprintf("%s late=%v", r.Status, r.Late))
		}
		if got, want := byFlight[soon.ID], []string{"missed late=true", "missed late=true"}; !slices.Equal(got, want) {
			t.Errorf("reminders of flight #%d (8-9 h late) = %q, want %q", soon.ID, got, want)
		}
		if got, want := byFlight[later.ID], []string{"sent late=true", "sent late=true"}; !slices.Equal(got, want) {
			t.Errorf("reminders of flight #%d (within grace) = %q, want %q", later.ID, got, want)
		}
		for _, m := range f.poster.messages() {
			if !strings.Contains(m.Content, "Posted late") {
				t.Errorf("late post does not say so: %q", m.Content)
			}
		}

		// Down again until 6 Jan 10:00: the digests of 4 and 5 Jan fell due; one is posted.
		clock.Set(time.Date(2025, 1, 6, 10, 0, 0, 0, storagetest.Start.Location()))
		if err := f.sched.Housekeep(ctx); err != nil {
			t.Fatal(err)
		}
		before := len(f.poster.messages())
		f.dispatch(t)
		posted := f.poster.messages()[before:]
		if len(posted) != 1 {
			t.Fatalf("after two missed digests posted %d messages, want 1 digest", len(posted))
		}
		digest := text(posted[0])
		for _, want := range []string{"Daily digest", "Sunday 5 January 2025", "Posted late",
			fmt.Sprintf("Reminder of flight #%d", soon.ID), "of **2,500** planned"} {
			if !strings.Contains(digest, want) {
				t.Errorf("digest lacks %q:\n%s", want, digest)
			}
		}
		var got []string
		for _, r := range f.reminders(t, mission.ReminderDigest) {
			got = append(got, r.DedupeKey+" "+string(r.Status))
		}
		// 6 Jan 08:00 had passed when housekeeping ran again, so it was never planned; 7 Jan is.
		want := []string{"digest:2025-01-04 missed", "digest:2025-01-05 sent", "digest:2025-01-07 pending", "digest:2025-01-08 pending"}
		if !slices.Equal(got, want) {
			t.Errorf("digest rows = %q, want %q", got, want)
		}
	})
}

func keys(rs []storage.Reminder) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.DedupeKey)
	}
	return out
}

// TestDigestContent checks the digest's sections against a small known state.
func TestDigestContent(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	ctx := context.Background()
	f.setGuild(t, "G", func(g *storage.Guild) { g.Planned = 2500; g.Digest = "0 16 * * *" })
	a := storage.Actor{GuildID: "G", UserID: "mod"}
	if _, err := f.store.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 400, Role: "police", ArrivedAt: f.clock.Now().Add(-30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 75, Role: "military", ArrivedAt: f.clock.Now().Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SetPledge(ctx, a, storage.Pledge{Country: "KE", Personnel: intp(1000), Role: "police", AsOf: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []storage.Report{
		{Value: 400, Source: "press", AsOf: f.clock.Now().Add(-time.Hour)},      // the ledger says 475: named
		{Value: 475, Source: "UN mission", AsOf: f.clock.Now().Add(-time.Hour)}, // agrees: not news
	} {
		if _, err := f.store.LogReport(ctx, a, r); err != nil {
			t.Fatal(err)
		}
	}
	fl := f.flight(t, 20*time.Hour)
	if err := f.sched.Housekeep(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour) // 16:00 local
	f.dispatch(t)
	var digest string
	for _, m := range f.poster.messages() {
		if strings.Contains(m.Content, "Daily digest") {
			digest = text(m)
		}
	}
	for _, want := range []string{
		"Friday 3 January 2025",
		"**475** deployed of **2,500** planned (19.0 %)",
		"🇰🇪 Kenya — 400 · pledged 1,000 · gap 600",
		"🇬🇹 Guatemala — 75 · no pledge",
		fmt.Sprintf("#%d · <t:%d:f>", fl.ID, fl.ETA.Unix()),
		"GT 75, SV 8",
		"**75** personnel in 1 arrival",
		"Reported figures of the past day that disagree with the ledger",
		"400 deployed — press",
		"ledger 475, +75 / +18.8 %",
	} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest)
		}
	}
	if strings.Contains(digest, "UN mission") {
		t.Errorf("digest names a reported figure that agrees with the ledger:\n%s", digest)
	}
}

// TestDispatchersShareOnePostgres: three dispatchers, each on its own connection pool, post
// 10,000 reminders due in the same minute exactly once each.
func TestDispatchersShareOnePostgres(t *testing.T) {
	if _, ok := storagetest.PostgresDSN(); !ok {
		t.Skip(storagetest.PostgresEnv + " not set; Postgres tests skipped")
	}
	testManyDispatchers(t, storage.DriverPostgres, 3, 10000)
}

// TestDispatchersShareOneSQLiteFile: two dispatchers (two processes' worth of connections) on
// one SQLite file.
func TestDispatchersShareOneSQLiteFile(t *testing.T) {
	testManyDispatchers(t, storage.DriverSQLite, 2, 10000)
}

func testManyDispatchers(t *testing.T, driver string, instances, n int) {
	cfg := storagetest.EmptyDatabase(t, driver)
	first, clock := storagetest.OpenConfig(t, cfg)
	if _, err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	due := clock.Now().Add(-30 * time.Second)
	bulkDue(t, first, "G", n, due)
	poster := newFakePoster() // one Discord for everybody
	var scheds []*Scheduler
	for i := range instances {
		st := first
		if i > 0 {
			st, _ = storagetest.OpenConfig(t, cfg)
			st.Now = clock.Now
		}
		s := testScheduler(st, clock, poster, nil, fmt.Sprintf("instance-%d", i))
		s.Batch = 200
		scheds = append(scheds, s)
	}
	start := time.Now()
	var wg sync.WaitGroup
	settled := make([]int, instances)
	for i, s := range scheds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			settled[i], err = drainLikeRun(context.Background(), s, clock.Now())
			if err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	t.Logf("%s: %d dispatchers posted %d reminders in %v (per instance %v)", driver, instances, n, time.Since(start), settled)

	poster.mu.Lock()
	defer poster.mu.Unlock()
	if len(poster.posted) != n {
		t.Errorf("posted %d messages, want %d", len(poster.posted), n)
	}
	for nonce, c := range poster.calls {
		if c != 1 {
			t.Errorf("nonce %s posted %d times", nonce, c)
		}
	}
	total := 0
	for _, c := range settled {
		total += c
	}
	if total != n {
		t.Errorf("instances settled %d rows in all, want %d", total, n)
	}
	var sent int64
	first.DB().Model(&storage.Reminder{}).Where("status = ? AND message_id <> ''", mission.ReminderSent).Count(&sent)
	if sent != int64(n) {
		t.Errorf("%d rows recorded sent with a message ID, want %d", sent, n)
	}
}

// drainLikeRun drives one instance as Run does with the clock stopped at now: a pass, then
// NextDue, and another pass while a row is due and unclaimed. A pass may end on an empty claim
// while another instance holds rows (Postgres's SKIP LOCKED hides them); those rows are then
// leased, so NextDue reports their lease end, after now, and their owner settles them. The
// exactly-once promise is therefore checked without depending on which instance claims first.
func drainLikeRun(ctx context.Context, s *Scheduler, now time.Time) (int, error) {
	total := 0
	for {
		n, err := s.DispatchDue(ctx)
		total += n
		if err != nil {
			return total, err
		}
		next, ok, err := s.Store.NextDue(ctx, now)
		if err != nil {
			return total, err
		}
		if !ok || next.After(now) {
			return total, nil
		}
	}
}

// TestRunWakesOnNewReminder runs the real loop with the real clock: a reminder planned while it
// sleeps (the store's Change → Wake) is posted on time, and cancelling returns.
func TestRunWakesOnNewReminder(t *testing.T) {
	st, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	st.Now = time.Now
	poster := newFakePoster()
	s := testScheduler(st, storagetest.NewClock(time.Now()), poster, nil, "run")
	s.Now = time.Now
	s.Recheck = time.Hour // only a wake-up can make it look again in time
	if _, err := st.UpdateGuild(context.Background(), storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
		g.ChannelID = "C1"
		g.Digest = "off"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	time.Sleep(50 * time.Millisecond) // let it go to sleep with nothing due
	end := time.Now().Add(24*time.Hour + 300*time.Millisecond)
	due := end.Add(-24 * time.Hour)
	if _, err := st.UpdateGuild(context.Background(), storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
		g.MandateEnd = &end // plans the 1-day countdown 300 ms from now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for len(poster.messages()) == 0 {
		select {
		case <-deadline:
			t.Fatal("the countdown was not posted within 5 s")
		case <-time.After(5 * time.Millisecond):
		}
	}
	poster.mu.Lock()
	lateness := poster.callTimes[0].Sub(due)
	poster.mu.Unlock()
	if lateness < 0 {
		t.Errorf("posted %v before its time", -lateness)
	}
	t.Logf("posted %v after its time", lateness)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestMetrics checks the hooks that main wires to Prometheus.
func TestMetrics(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	var mu sync.Mutex
	var got []string
	rec := func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }
	f.sched.Metrics = Metrics{
		Posted:   func(kind string, late bool) { rec(fmt.Sprintf("posted %s late=%v", kind, late)) },
		Failed:   func(kind string) { rec("failed " + kind) },
		Missed:   func(kind string) { rec("missed " + kind) },
		Lateness: func(kind string, d time.Duration) { rec(fmt.Sprintf("lateness %s %v", kind, d)) },
	}
	f.flight(t, 0)
	f.clock.Advance(2 * time.Second)
	f.dispatch(t)
	want := []string{"posted flight late=false", "lateness flight 2s"}
	if !slices.Equal(got, want) {
		t.Errorf("metrics = %q, want %q", got, want)
	}
}

func intp(n int) *int { return &n }

// TestRunReplansDigestsOnWake: a digest switched on while the loop sleeps is planned within
// seconds (the settings change wakes it), not at the next housekeeping.
func TestRunReplansDigestsOnWake(t *testing.T) {
	st, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	st.Now = time.Now
	s := testScheduler(st, storagetest.NewClock(time.Now()), newFakePoster(), nil, "run")
	s.Now = time.Now
	s.Housekeeping = "@every 1h"
	set := func(spec string) {
		if _, err := st.UpdateGuild(context.Background(), storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
			g.ChannelID, g.Digest = "C1", spec
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	set("off")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	time.Sleep(100 * time.Millisecond)
	set("0 8 * * *")
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int64
		st.DB().Model(&storage.Reminder{}).Where("kind = ? AND status = ?", mission.ReminderDigest, mission.ReminderPending).Count(&n)
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pending digests 5 s after switching the digest on, want 2", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunWakesOnOtherInstancesReminder: on Postgres, a reminder planned through another
// instance's store (whose own dispatcher is not running) wakes this instance's dispatcher through
// LISTEN/NOTIFY, and is posted on time although the re-check is an hour.
func TestRunWakesOnOtherInstancesReminder(t *testing.T) {
	cfg := storagetest.EmptyDatabase(t, storage.DriverPostgres)
	other, _ := storagetest.OpenConfig(t, cfg)
	if _, err := other.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	other.Now = time.Now
	mine, _ := storagetest.OpenConfig(t, cfg)
	mine.Now = time.Now
	poster := newFakePoster()
	s := testScheduler(mine, storagetest.NewClock(time.Now()), poster, nil, "mine")
	s.Now = time.Now
	s.Recheck = time.Hour
	if _, err := other.UpdateGuild(t.Context(), storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
		g.ChannelID = "C1"
		g.Digest = "off"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	time.Sleep(300 * time.Millisecond) // let it sleep with nothing due, its listener connected
	end := time.Now().Add(24*time.Hour + 300*time.Millisecond)
	if _, err := other.UpdateGuild(t.Context(), storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
		g.MandateEnd = &end // the other instance plans the 1-day countdown 300 ms from now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for len(poster.messages()) == 0 {
		select {
		case <-deadline:
			t.Fatal("a reminder planned by another instance was not posted within 5 s")
		case <-time.After(5 * time.Millisecond):
		}
	}
}
